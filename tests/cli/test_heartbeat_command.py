"""``cpto heartbeat`` on the demo: the week of INC-3, with its failed deploy, its fix and its alarms."""

from __future__ import annotations

import json

from tests.cli.test_cli import assert_clean_error, cpto


def test_the_week_of_the_checkout_incident(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    proc = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    delivery = data["delivery"]
    assert delivery["deploys"] == ["v1.5.0", "v1.5.1"]
    assert delivery["failed_deploys"] == ["v1.5.0"] and delivery["rework_deploys"] == ["v1.5.1"]
    assert delivery["bands"]["change failure rate"] == "low"
    assert [w["week"] for w in data["trend"]] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"]
    assert [i["id"] for i in data["incidents"]] == ["INC-3"]
    assert any("change failure rate" in a for a in data["alarms"])


def test_a_week_that_is_not_a_week_is_refused(tmp_path):
    assert_clean_error(cpto("heartbeat", "-w", str(tmp_path), "--week", "W47"), "is not an ISO week")


def test_effort_per_team_prd_and_roadmap_item_and_the_debt_trend(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("heartbeat", "-w", str(demo), "--week", "2026-W41", "--json").stdout)
    week = data["effort"][-1]
    assert week["week"] == "2026-W41"
    by = week["by"]
    assert {"checkout", "billing"} <= set(by["team"])
    assert "Checkout v2" in by["prd"] and "RM-1 Guest checkout" in by["roadmap item"]
    for axis in ("team", "prd", "roadmap item"):  # every axis splits the same commits
        assert round(sum(x["commits"] for x in by[axis].values())) == sum(week["commits"].values())
    assert [d["week"] for d in data["debt"]] == [t["week"] for t in data["trend"]]
    assert all(d["markers"] is not None for d in data["debt"])


def test_since_a_date_and_charts_in_html(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(
        cpto("heartbeat", "-w", str(demo), "--since", "2026-10-01", "--no-trace", "--json").stdout
    )
    assert data["start"].startswith("2026-10-01") and "prd" not in data["effort"][-1]["by"]
    page = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--format", "html").stdout
    assert page.count("<svg") == 3 and "Hotspot map" in page and "billing/dunning.py" in page


def test_week_and_since_together_are_refused(tmp_path):
    proc = cpto("heartbeat", "-w", str(tmp_path), "--week", "2026-W45", "--since", "2026-10-01")
    assert_clean_error(proc, "--week and --since")

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

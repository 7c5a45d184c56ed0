"""``cpto heartbeat``: the demo's stop cord first, the week of INC-3 in DORA's 2024 terms, and unknowns
that say what to set up on a repository with no records."""

from __future__ import annotations

import json
import re

from tests.cli.test_cli import assert_clean_error, cpto


def ok(*args: str) -> str:
    proc = cpto(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_stop_cord_raised_today_is_the_first_line_in_every_format(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    cord = "STOP CORD ALARM-1: Checkout p95 latency doubled since v1.6.0 (raised today"
    terminal = ok("heartbeat", "-w", str(demo), "-q", "--no-trace")
    assert terminal.splitlines()[0].startswith(cord), terminal[:300]
    markdown = ok("heartbeat", "-w", str(demo), "-f", "markdown", "--no-trace")
    assert markdown.splitlines()[0].startswith(f"# {cord}")
    data = json.loads(ok("heartbeat", "-w", str(demo), "--json", "--no-trace"))
    assert next(iter(data)) == "stop_cords" and data["stop_cords"]["open"] == 1
    assert data["stop_cords"]["items"][0]["id"] == "ALARM-1"
    listed = json.loads(ok("alarm", "list", "-w", str(demo), "--json"))["alarms"]
    assert data["stop_cords"]["open"] == sum(a["status"] == "open" for a in listed)  # the same count
    assert all("STOP CORD" not in b for b in data["threshold_breaches"]["items"])  # counted apart
    page = ok("heartbeat", "-w", str(demo), "-f", "html", "--no-trace")
    visible = re.sub(r"<[^>]+>", "\n", page[page.index("<body>") :])
    first = next(line for line in visible.splitlines() if line.strip())
    assert first.startswith(cord)
    assert data["so_far"] is not None  # the current week beside the last full one


def test_the_week_of_the_checkout_incident(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    data = json.loads(ok("heartbeat", "-w", str(demo), "--week", "2026-W45", "--json"))
    delivery = data["delivery"]
    assert delivery["deploys"] == ["v1.5.0", "v1.5.1"]
    assert delivery["failed_deploys"] == ["v1.5.0"] and delivery["rework_deploys"] == ["v1.5.1"]
    m = delivery["metrics"]
    assert m["change_fail_rate"]["value"] == 0.5 and m["change_fail_rate"]["level"] is None
    assert m["change_fail_rate"]["incidents"] == ["INC-3"]
    # INC-3's own summary: service restored after 42 minutes (mitigated), resolved the next day
    assert m["failed_deployment_recovery_time"]["value"] == 0.7
    assert m["failed_deployment_recovery_time"]["level"] == "elite"
    assert "42m to mitigated" in m["failed_deployment_recovery_time"]["basis"]
    lead = m["change_lead_time"]
    assert lead["level"] == "medium" and {c["deploy"] for c in lead["commits"]} == {"v1.5.0", "v1.5.1"}
    assert m["deployment_rework_rate"]["level"] is None and m["deployment_rework_rate"]["value"] == 0.5
    assert [w["week"] for w in data["trend"]] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"]
    assert [i["id"] for i in data["incidents"]] == ["INC-3"]
    assert data["incidents"][0]["restored_by"] == "mitigated"
    assert any("change fail rate 50%" in b for b in data["threshold_breaches"]["items"])
    # open follow-ups of the records, as `cpto actions` lists them, whatever the week
    actions = json.loads(ok("actions", "-w", str(demo), "--json"))
    assert len(data["open_action_items"]) == 3
    assert sorted(a["owner"] for a in data["open_action_items"]) == ["jordan", "marco", "marco"]
    assert {a["where"] for a in data["open_action_items"]} == {
        f"{i['path']}:{i['line']}" for i in actions["items"] if not i["done"]
    }


def test_a_plain_repository_shows_unknowns_with_what_to_set_up(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a = 1\n"})
    repo.git("tag", "9.1.0")
    repo.commit("fix: a", {"a.py": "a = 2\n"})
    repo.git("tag", "9.1.1")
    week = "2026-01-01"  # the repository's clock starts here
    data = json.loads(ok("heartbeat", "-w", str(repo.path), "--week", week, "--json", "--no-trace"))
    m = data["delivery"]["metrics"]
    hint = (
        'no tag matches `v*`; tags here look like `9.1.1` \u2014 set `[deploys] tags = "[0-9]*"` in cpto.toml'
    )
    assert m["deployment_frequency"] == m["deployment_frequency"] | {
        "value": None,
        "level": None,
        "reason": hint,
    }
    assert m["change_lead_time"]["value"] is None and m["change_lead_time"]["level"] is None
    for name in ("change_fail_rate", "failed_deployment_recovery_time", "deployment_rework_rate"):
        assert m[name]["value"] is None and m[name]["level"] is None
        assert "no incident records" in m[name]["reason"] and "cpto incident new" in m[name]["reason"]
    text = ok("heartbeat", "-w", str(repo.path), "--week", week, "-f", "markdown", "--no-trace")
    assert "tags here look like \\`9.1.1\\`" in text and "0%" not in text.split("Delivery trend")[0]
    # with the suggested setting, the deploys are found and measured
    (repo.path / "cpto.toml").write_text('[deploys]\ntags = "[0-9]*"\n')
    data = json.loads(ok("heartbeat", "-w", str(repo.path), "--week", week, "--json", "--no-trace"))
    assert data["delivery"]["deploys"] == ["9.1.0", "9.1.1"]
    assert data["delivery"]["metrics"]["change_lead_time"]["value"] is not None


def test_a_quiet_week_says_no_activity(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a = 1\n"})
    text = ok("heartbeat", "-w", str(repo.path), "--week", "2026-W10", "--no-trace", "-q")
    assert "no activity" in text and "elite" not in text and "low" not in text
    page = ok("heartbeat", "-w", str(repo.path), "--week", "2026-W10", "-f", "html", "--no-trace")
    assert "no activity: nothing to draw for allocation over weeks" in page
    assert "no activity: nothing to draw for dora trends" in page
    assert page.count("<svg") == 1  # only the hotspot map: a.py changed within the last 12 weeks


def test_a_week_that_is_not_a_week_is_refused(tmp_path):
    assert_clean_error(cpto("heartbeat", "-w", str(tmp_path), "--week", "W47"), "is not an ISO week")


def test_effort_per_team_prd_and_roadmap_item_and_the_debt_trend(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))
    data = json.loads(ok("heartbeat", "-w", str(demo), "--week", "2026-W41", "--json"))
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
    ok("demo", str(demo))
    data = json.loads(ok("heartbeat", "-w", str(demo), "--since", "2026-10-01", "--no-trace", "--json"))
    assert data["start"].startswith("2026-10-01") and "prd" not in data["effort"][-1]["by"]
    check = data["model_check"]  # the model against the demo's typed commits, over the windows shown
    assert check["checked"] > 0 and check["low"] <= check["rate"] <= check["high"]
    assert check["summary"].startswith(f"checked on {check['checked']} commits of 2026-")
    text = ok("heartbeat", "-w", str(demo), "--since", "2026-10-01", "--no-trace", "--format", "markdown")
    assert "## Where effort went in 2026-10-01.." in text and "effort went this week" not in text
    weekly = ok("heartbeat", "-w", str(demo), "--week", "2026-W45", "--no-trace", "--format", "markdown")
    assert "## Where effort went this week" in weekly
    page = ok("heartbeat", "-w", str(demo), "--week", "2026-W45", "--format", "html")
    assert "Hotspot map" in page and "billing/dunning.py" in page
    assert page.count("<svg") >= 3 and "<script" not in page
    outside = set(re.findall(r'https://[^"<\s]+', page))  # only the demo's forge: nothing loaded, only links
    assert outside and all(u.startswith("https://github.com/acme/shop/commit/") for u in outside), outside


def test_week_and_since_together_are_refused(tmp_path):
    proc = cpto("heartbeat", "-w", str(tmp_path), "--week", "2026-W45", "--since", "2026-10-01")
    assert_clean_error(proc, "--week and --since")

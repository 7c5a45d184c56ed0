"""``cpto alarm``: anyone pulls the stop cord; the heartbeat shows it until someone clears it."""

from __future__ import annotations

import json
import subprocess

from tests.cli.test_cli import assert_clean_error, cpto


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    proc = cpto(*args)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_a_pulled_cord_heads_every_heartbeat_until_cleared(tmp_path):
    demo = tmp_path / "acme"
    ok("demo", str(demo))  # the demo pulls ALARM-1 today
    ok("alarm", "raise", "Checkout p95 doubled since v1.6.0", "--by", "li", "--why", "p95 1.9 s vs 0.9 s",
       "--at", "2026-11-12T09:00", "-w", str(demo), "--commit")  # fmt: skip
    for week in ("2026-W44", "2026-W46"):  # before it was raised, and the week it was: listed all the same
        beat = json.loads(
            ok("heartbeat", "-w", str(demo), "--week", week, "--json", "-q", "--no-trace").stdout
        )
        assert [c["id"] for c in beat["stop_cords"]["items"]] == ["ALARM-1", "ALARM-2"]  # newest first
        assert beat["stop_cords"]["open"] == 2
    ok("alarm", "clear", "2", "--by", "sam", "--what", "reverted the price cache", "-w", str(demo))
    listed = json.loads(ok("alarm", "list", "-w", str(demo), "--json").stdout)["alarms"]
    assert [(a["id"], a["status"]) for a in listed] == [("ALARM-1", "open"), ("ALARM-2", "cleared")]
    beat = json.loads(
        ok("heartbeat", "-w", str(demo), "--week", "2026-W46", "--json", "-q", "--no-trace").stdout
    )
    assert [c["id"] for c in beat["stop_cords"]["items"]] == ["ALARM-1"]
    assert beat["stop_cords"]["open"] == sum(a["status"] == "open" for a in listed) == 1
    assert_clean_error(
        cpto("alarm", "clear", "ALARM-2", "--by", "sam", "-w", str(demo)), "ALARM-2 is already cleared"
    )
    log = subprocess.run(["git", "-C", str(demo), "log", "-1", "--format=%s"], capture_output=True, text=True)
    assert log.stdout.startswith("alarm: raise 2026-11-12-checkout-p95")


def test_an_alarm_needs_a_known_person_and_a_title(tmp_path):
    (tmp_path / "people.yaml").write_text("people:\n  - handle: li\n    discipline: engineering\n")
    assert_clean_error(
        cpto("alarm", "raise", "x", "--by", "zed", "-w", str(tmp_path)), "no person with handle 'zed'"
    )
    assert_clean_error(
        cpto("alarm", "raise", " ", "--by", "li", "-w", str(tmp_path)), "an alarm needs a title"
    )

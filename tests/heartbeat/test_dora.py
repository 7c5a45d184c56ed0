"""Delivery metrics on a hand-built repository whose answers are known: three deploys, one incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cpto.heartbeat.dora import FAIL_RATE, RECOVERY, REWORK, Sources, assess, frequency_level, repo_delivery
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.incidents import read_incident

T0 = datetime(2026, 1, 1, tzinfo=UTC)  # the test repository's clock starts here, one commit an hour


def incident(
    tmp_path: Path, caused_by: str, started: datetime, resolved: datetime, mitigated: datetime | None = None
) -> Path:
    path = tmp_path / "inc.md"
    path.write_text(
        f"---\nid: INC-1\nseverity: SEV1\ncaused_by: {caused_by}\n---\n## Timeline\n"
        f"- {started:%Y-%m-%d %H:%M} started: errors\n"
        + (f"- {mitigated:%Y-%m-%d %H:%M} mitigated: rolled back\n" if mitigated else "")
        + f"- {resolved:%Y-%m-%d %H:%M} resolved: fixed\n"
    )
    return path


TAGS = Sources("tags matching `v*`", deploys_ever=3, incident_records=1, incidents_with_cause=1)


def test_three_deploys_with_known_lead_times_and_one_failure(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})  # 01:00
    repo.commit("feat: b", {"b.py": "b"})  # 02:00
    repo.commit("feat: c", {"c.py": "c"})  # 03:00
    repo.git("tag", "v1.0")  # leads 2h, 1h, 0h
    culprit = repo.commit("feat: d", {"d.py": "d"})  # 04:00
    repo.commit("feat: e", {"e.py": "e"})  # 05:00
    repo.git("tag", "v1.1")  # leads 1h, 0h; d breaks production
    repo.commit("fix: d", {"d.py": "d2"})  # 06:00
    repo.git("tag", "v1.2")  # lead 0h; shipped while the incident was open
    broken = read_incident(
        incident(
            tmp_path, culprit[:10], T0 + timedelta(hours=5, minutes=30), T0 + timedelta(hours=6, minutes=30)
        )
    )
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        result = repo_delivery(con, 1, [broken], T0, T0 + timedelta(days=7))
    assert result.deploys == ["v1.0", "v1.1", "v1.2"]
    assert result.deploys_per_week == 3.0
    assert result.lead_time == timedelta(minutes=30)  # median of 2, 1, 0, 1, 0, 0 hours
    assert (result.failed, result.change_failure_rate) == (["v1.1"], 0.333)
    assert result.time_to_restore == timedelta(hours=1)
    assert (result.rework, result.rework_rate) == (["v1.2"], 0.333)
    shown = {m.name: m for m in assess(result, TAGS, active=True)}
    assert {name: m.level for name, m in shown.items()} == {
        "deployment frequency": "high",
        "change lead time": "elite",
        "change fail rate": "",  # 2024 gives typical rates per level, not ranges
        "failed deployment recovery time": "high",
        "deployment rework rate": "",  # 2024 gives no levels for rework
    }
    assert shown[RECOVERY].level_text == "high or medium"  # both are "less than one day" in 2024
    assert [c.hours for c in shown["change lead time"].commits] == [2.0, 1.0, 0.0, 1.0, 0.0, 0.0]
    assert shown[FAIL_RATE].incidents == ["INC-1"] and "v1.1 (INC-1)" in shown[FAIL_RATE].basis
    assert "to resolved (no mitigated event)" in shown[RECOVERY].basis


def test_service_is_restored_at_the_first_mitigated_event_not_at_resolved(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    repo.git("tag", "v1.0")
    started = T0 + timedelta(hours=2)
    broken = read_incident(
        incident(
            tmp_path,
            "v1.0",
            started,
            started + timedelta(hours=20),
            mitigated=started + timedelta(minutes=42),
        )
    )
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        result = repo_delivery(con, 1, [broken], T0, T0 + timedelta(days=7))
    assert result.time_to_restore == timedelta(minutes=42)
    recovery = next(m for m in assess(result, TAGS, active=True) if m.name == RECOVERY)
    assert (recovery.text, recovery.level) == ("42m", "elite") and "42m to mitigated" in recovery.basis


def test_without_incident_records_the_stability_metrics_are_unknown_not_zero(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    repo.git("tag", "v1.0")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        result = repo_delivery(con, 1, [], T0, T0 + timedelta(days=7))
    shown = {m.name: m for m in assess(result, Sources("tags matching `v*`", 1), active=True)}
    for name in (FAIL_RATE, RECOVERY, REWORK):
        assert shown[name].value is None and shown[name].level == ""
        assert "no incident records" in shown[name].reason and "cpto incident new" in shown[name].reason
    assert shown["deployment frequency"].value == 1.0


def test_without_deploys_every_delivery_metric_says_what_to_set(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    hint = "no tag matches `v*`; tags here look like `9.1.1`"
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        result = repo_delivery(con, 1, [], T0, T0 + timedelta(days=7))
    shown = assess(result, Sources("tags matching `v*`", 0, tag_hint=hint), active=True)
    assert [m.value for m in shown] == [None] * 5 and all(m.level == "" for m in shown)
    assert shown[0].reason == hint and shown[1].reason == hint
    quiet = assess(result, Sources("tags matching `v*`", 0, tag_hint=hint), active=False)
    assert all(m.text == "no activity" and m.level == "" for m in quiet)


def test_a_tag_named_as_the_cause_fails_that_deploy_and_an_empty_window_measures_nothing(make_repo, tmp_path):
    repo = make_repo()
    repo.commit("feat: a", {"a.py": "a"})
    repo.git("tag", "v1.0")
    broken = read_incident(incident(tmp_path, "v1.0", T0 + timedelta(hours=2), T0 + timedelta(hours=3)))
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        assert repo_delivery(con, 1, [broken], T0, T0 + timedelta(days=7)).failed == ["v1.0"]
        later = repo_delivery(con, 1, [], T0 + timedelta(days=7), T0 + timedelta(days=14))
    assert (later.deploys, later.lead_time, later.change_failure_rate) == ([], None, None)
    assert frequency_level(0.5) == "medium" and frequency_level(0.1) == "low"
    lead = assess(later, TAGS, active=True)[1]
    assert (lead.value, lead.level, lead.reason) == (None, "", "no deploy in this window")

"""Incident records: typed timelines, times from impact start, and the edges of hand-written times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.records.incidents import (
    check_incident,
    log_edit,
    new_incident_text,
    next_incident_id,
    read_incident,
    read_incidents,
)
from cpto.records.timeline import shared_timeline
from cpto.workspace.edit import update_file

INCIDENT = """\
---
id: INC-3
title: Checkout returned 500s
severity: {severity}
services: [checkout]
commander: sam
caused_by: v1.5.0
{extra}---
## Timeline
All times UTC.

- 2026-11-03 14:22 started: error rate rises to 31%
- 2026-11-03 14:27 detected: 5xx alarm fired
- 2026-11-03 14:29 Li checks the dashboards
- 2026-11-03 14:31 acknowledged: sam paged
- 2026-11-03 15:04 mitigated: rolled back to v1.4.0
- 2026-11-04 10:50 resolved: fix deployed in v1.5.1
"""


def write(
    folder: Path, name: str = "inc.md", *, severity: str = "SEV1", extra: str = "", body: str = ""
) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(INCIDENT.format(severity=severity, extra=extra) + body)
    return path


def test_times_are_measured_from_impact_start(tmp_path):
    i = read_incident(write(tmp_path))
    assert [i.time_to(k) for k in ("detected", "acknowledged", "mitigated", "resolved")] == [
        timedelta(minutes=5),
        timedelta(minutes=9),
        timedelta(minutes=42),
        timedelta(hours=20, minutes=28),
    ]
    assert [e.kind for e in i.events] == [
        "started",
        "detected",
        "note",
        "acknowledged",
        "mitigated",
        "resolved",
    ]
    assert not i.is_open and check_incident(i) == []


def test_a_timezone_in_front_matter_or_on_the_line_is_honoured(tmp_path):
    berlin = read_incident(write(tmp_path, extra="timezone: Europe/Berlin\n"))
    assert berlin.started == datetime(2026, 11, 3, 13, 22, tzinfo=UTC)  # CET is UTC+1 in November
    offset = tmp_path / "offset.md"
    offset.write_text(
        "---\nid: INC-9\nseverity: SEV2\n---\n## Timeline\n- 2026-11-03 14:22+05:30 started: x\n"
    )
    assert read_incident(offset).started == datetime(2026, 11, 3, 8, 52, tzinfo=UTC)


@pytest.mark.parametrize(
    ("extra", "body", "message"),
    [
        ("timezone: Mars/Olympus\n", "", "timezone 'Mars/Olympus' is not a time zone"),
        ("", "- 2026-11-31 10:00 note: no such day\n", ":18: '2026-11-31 10:00' is not a real date"),
        ("", "- 3 Nov, 10:00 detected: x\n", ":18: not a timeline event like"),
    ],
)
def test_bad_times_are_one_line_errors_with_file_and_line(tmp_path, extra, body, message):
    with pytest.raises(CptoError, match=message):
        read_incident(write(tmp_path, extra=extra, body=body))


def test_an_unranked_severity_names_its_line_and_the_ranked_list(tmp_path):
    with pytest.raises(CptoError, match=r"inc\.md:4: severity 'P0' is not one of SEV1, SEV2"):
        read_incident(write(tmp_path, severity="P0"), ("SEV1", "SEV2"))


def test_events_before_impact_started_and_unknown_commanders_are_problems(tmp_path):
    path = tmp_path / "i.md"
    path.write_text(
        "---\nid: INC-1\nseverity: SEV2\ncommander: zed\n---\n## Timeline\n"
        "- 2026-11-03 10:00 detected: alert\n- 2026-11-03 11:00 started: impact\n"
    )
    assert check_incident(read_incident(path), {"sam"}) == [
        "line 7: detected before impact started",
        "commander 'zed' is not in people.yaml",
    ]


def test_duplicate_ids_are_refused(tmp_path):
    write(tmp_path / "incidents", "a.md")
    write(tmp_path / "incidents", "b.md")
    with pytest.raises(CptoError, match="duplicate incident id 'INC-3'"):
        read_incidents(tmp_path / "incidents")


def test_logging_events_appends_to_the_timeline_once_per_kind(tmp_path):
    started = datetime(2026, 11, 3, 14, 22, tzinfo=UTC)
    path = tmp_path / "inc.md"
    path.write_text(
        new_incident_text(
            "INC-1",
            "Cart 500s",
            severity="SEV1",
            commander="sam",
            services=["api"],
            started=started,
            what="5xx",
        )
    )
    update_file(path, log_edit(read_incident(path), "detected", "alarm", started + timedelta(minutes=5)))
    update_file(path, log_edit(read_incident(path), "note", "li looks", started + timedelta(minutes=6)))
    i = read_incident(path)
    assert [(e.kind, e.text) for e in i.events] == [
        ("started", "5xx"),
        ("detected", "alarm"),
        ("note", "li looks"),
    ]
    with pytest.raises(CptoError, match="INC-1 already has a detected event"):
        log_edit(i, "detected", "again", started + timedelta(minutes=7))
    with pytest.raises(CptoError, match="before impact started"):
        log_edit(i, "mitigated", "x", started - timedelta(minutes=1))
    assert next_incident_id([i]) == "INC-2"


def test_the_shared_timeline_merges_incidents_deploys_and_decisions(tmp_path):
    from cpto.review.graph import Release

    incident = read_incident(write(tmp_path))
    deploy = Release("v1.5.0", "f9a84ce", datetime(2026, 11, 3, 14, 2, tzinfo=UTC))
    moments = shared_timeline([incident], [], [deploy], since=datetime(2026, 11, 3, tzinfo=UTC))
    assert [(m.source, m.ref) for m in moments[:2]] == [("deploy", "v1.5.0"), ("incident", "INC-3")]
    assert len(moments) == 7


def test_a_note_that_starts_like_an_event_stays_a_note(tmp_path):
    path = write(tmp_path)
    i = read_incident(path)
    update_file(
        path, log_edit(i, "note", "resolved: false alarm, still looking", i.started + timedelta(hours=30))
    )
    again = read_incident(path)
    assert again.events[-1].kind == "note" and again.time_to("resolved") == timedelta(hours=20, minutes=28)


def test_an_offset_of_a_day_or_more_is_an_error(tmp_path):
    with pytest.raises(CptoError, match=r":18: '\+24:00' is not a UTC offset"):
        read_incident(write(tmp_path, body="- 2026-11-03 10:05+24:00 note: x\n"))


def test_a_timeline_time_outside_the_dates_cpto_reads_is_one_line(tmp_path):
    path = tmp_path / "2026-11-03-x.md"
    path.write_text("---\nid: INC-1\nseverity: SEV1\n---\n## Timeline\n- 0001-09-28 14:22 started: x\n")
    with pytest.raises(CptoError, match=r"x.md:6: '0001-09-28 14:22' is outside the dates cpto reads"):
        read_incident(path)

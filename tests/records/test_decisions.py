"""Decision records: reading MADR-style front matter, the working agreement and the decision SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.records.decisions import check_decisions, read_decision, read_decisions
from cpto.records.people import People, Person
from cpto.workspace.config import parse_duration

DECISION = """\
---
id: D-0007
title: Ship checkout v2 behind a flag
status: {status}
domain: {domain}
point: {point}
raised: 2026-11-02T10:00
{decided}consulted: [li, sam]
---
# Ship checkout v2 behind a flag

## Discussion
- sam, 2026-11-02: this is too risky
- dana, 2026-11-02: the flag touches checkout/api.py only; rollback is one config change
"""

PEOPLE = People(
    Path("people.yaml"),
    [
        Person("dana", "Dana", "product"),
        Person("li", "Li", "engineering"),
        Person("sam", "Sam", "engineering"),
    ],
)
NOW = datetime(2026, 11, 10, tzinfo=UTC)


def write(
    folder: Path,
    name: str = "0007.md",
    *,
    status: str = "decided",
    domain: str = "outcomes",
    point: str = "dana",
    decided: str = "decided: 2026-11-03T16:00\n",
) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(DECISION.format(status=status, domain=domain, point=point, decided=decided))
    return path


def test_a_decision_reads_its_front_matter_and_discussion(tmp_path):
    d = read_decision(write(tmp_path / "decisions"))
    assert (d.id, d.status, d.domain, d.point) == ("D-0007", "decided", "outcomes", "dana")
    assert d.waited(NOW) == timedelta(days=1, hours=6)
    assert [(r.handle, r.text[:18]) for r in d.discussion] == [
        ("sam", "this is too risky"),
        ("dana", "the flag touches c"),
    ]


def test_a_point_person_outside_the_agreed_discipline_is_flagged(tmp_path):
    decision = read_decision(write(tmp_path / "decisions", domain="implementation", point="dana"))
    findings = check_decisions([decision], PEOPLE, now=NOW)
    assert [f.problem for f in findings] == [
        "implementation is engineering's call, but the point person dana is product"
    ]


def test_an_open_decision_past_its_sla_is_flagged_with_how_long(tmp_path):
    decision = read_decision(write(tmp_path / "decisions", status="proposed", decided=""))
    assert [f.problem for f in check_decisions([decision], PEOPLE, now=NOW, sla=timedelta(days=2))] == [
        "open 7.6d (SLA 2.0d)"
    ]


def test_an_unknown_point_handle_is_flagged(tmp_path):
    decision = read_decision(write(tmp_path / "decisions", point="danna"))
    assert [f.problem for f in check_decisions([decision], PEOPLE, now=NOW)] == [
        "point 'danna' is not in people.yaml"
    ]


def test_duplicate_ids_name_both_files(tmp_path):
    write(tmp_path / "decisions", "0007.md")
    write(tmp_path / "decisions", "0008.md")
    with pytest.raises(CptoError, match=r"duplicate decision id 'D-0007' \(also in 0007\.md\)"):
        read_decisions(tmp_path / "decisions")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("status: maybe", "status 'maybe' is not one of"),
        ("raised: next tuesday", "'next tuesday' is not a date"),
    ],
)
def test_bad_fields_are_one_line_errors_naming_the_file(tmp_path, field, message):
    path = tmp_path / "d.md"
    path.write_text(f"---\nid: D-1\n{field}\n---\n# T\n")
    with pytest.raises(CptoError, match=message) as caught:
        read_decision(path)
    assert str(path) in str(caught.value)


def test_durations_read_like_people_write_them():
    assert parse_duration("2d", "x") == timedelta(days=2)
    assert parse_duration("12h", "x") == timedelta(hours=12)
    with pytest.raises(CptoError, match="not a duration"):
        parse_duration("soon", "cpto.toml")

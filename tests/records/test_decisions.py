"""Decision records: reading MADR-style front matter, the working agreement and the decision SLA."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cpto.errors import CptoError
from cpto.records.decisions import (
    appeal_edit,
    appeal_rates,
    check_decisions,
    decide_edit,
    new_decision_text,
    point_stats,
    read_decision,
    read_decisions,
    resolve_edit,
    waited_for_meeting,
)
from cpto.records.ids import next_id
from cpto.records.people import People, Person
from cpto.workspace.config import parse_duration
from cpto.workspace.edit import update_file

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


def test_a_time_with_an_offset_is_kept_as_that_instant(tmp_path):
    path = write(tmp_path / "decisions", decided="decided: 2026-11-03T16:00+05:00\n")
    assert read_decision(path).decided == datetime(2026, 11, 3, 11, 0, tzinfo=UTC)


def test_new_ids_follow_the_folders_own_numbering():
    assert next_id(["D-0007", "D-0012", "notes"], "D-") == "D-0013"
    assert next_id(["ADR-9"], "D-") == "ADR-10"
    assert next_id([], "D-") == "D-0001"


def test_a_decision_goes_from_proposed_to_decided_to_appealed_to_upheld(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir()
    path = folder / "0001-guest-checkout.md"
    raised = datetime(2026, 11, 2, 10, tzinfo=UTC)
    path.write_text(
        new_decision_text(
            "D-0001", "Guest checkout", domain="outcomes", point="dana", raised=raised, consulted=["li"]
        )
    )
    steps = [
        lambda d: decide_edit(d, raised + timedelta(hours=30), "Guest first"),
        lambda d: appeal_edit(d, "li", "accounts carry 60% of repeat revenue", "claire", NOW),
        lambda d: resolve_edit(d, "upheld", "claire", NOW + timedelta(days=1)),
    ]
    for step in steps:
        update_file(path, step(read_decision(path)))
    d = read_decision(path)
    assert (d.status, d.waited(NOW)) == ("upheld", timedelta(hours=30))
    assert d.appeal["to"] == "claire" and d.appeal["outcome"] == "upheld"
    assert "## Decision Outcome\n\nGuest first\n" in path.read_text()


def test_a_decision_cannot_be_appealed_before_it_is_made(tmp_path):
    d = read_decision(write(tmp_path / "decisions", status="proposed", decided=""))
    with pytest.raises(CptoError, match="D-0007 is proposed; only a decided decision can be appealed"):
        appeal_edit(d, "sam", "too slow", "claire", NOW)
    with pytest.raises(CptoError, match="needs a reason"):
        appeal_edit(read_decision(write(tmp_path / "decisions")), "sam", " ", "claire", NOW)


def test_time_to_decision_is_measured_per_point_person(tmp_path):
    decided = read_decision(write(tmp_path / "a", point="dana"))
    still_open = read_decision(write(tmp_path / "b", status="proposed", decided="", point="li"))
    stats = {p.handle: p for p in point_stats([decided, still_open], timedelta(days=2), NOW)}
    assert (stats["dana"].decided, stats["dana"].median_days) == (1, 1.25)
    assert (stats["li"].open, stats["li"].past_sla) == (1, 1)


def test_appeal_rate_is_per_quarter_against_the_ceiling(tmp_path):
    made = read_decision(write(tmp_path / "a"))
    appealed = replace(made, id="D-2", appeal={"by": "sam"})
    later = replace(made, id="D-3", decided=datetime(2027, 1, 5, tzinfo=UTC))
    rates = appeal_rates([made, appealed, later], 0.2)
    assert [(q.quarter, q.decided, q.appealed, q.over) for q in rates] == [
        ("2026-Q4", 2, 1, True),
        ("2027-Q1", 1, 0, False),
    ]


def test_a_decision_ready_for_days_then_made_at_the_weekly_meeting_is_flagged(tmp_path):
    d = read_decision(write(tmp_path / "decisions"))  # last remark Mon 2 Nov, decided Tue 3 Nov
    assert waited_for_meeting(d, ("tuesday",)) is None  # one day: made when ready
    late = replace(d, decided=datetime(2026, 11, 5, 16, tzinfo=UTC))  # Thursday, three quiet days
    assert waited_for_meeting(late, ("thursday",)) == 3
    assert waited_for_meeting(late, ("monday",)) is None
    problems = [f.problem for f in check_decisions([late], PEOPLE, meeting_days=("thursday",), now=NOW)]
    assert problems == ["ready 3d before it was decided at Thursday's meeting"]


ADR_TOOLS = """\
# 2. Use Stripe as the card vault

Date: 2026-08-27

## Status

Accepted

## Context

Saved cards need a vault.
"""

LOG4BRAINS = """\
# Use Markdown Architectural Decision Records

- Status: superseded by [20261102-use-cpto](20261102-use-cpto.md)
- Deciders: Dana K, Li W <!-- optional -->
- Date: 2026-10-01 <!-- optional -->
- Tags: docs

## Context and Problem Statement
"""


def test_adr_tools_and_log4brains_folders_read_as_they_are(tmp_path):
    (tmp_path / "0002-use-stripe-as-the-card-vault.md").write_text(ADR_TOOLS)
    (tmp_path / "20261001-use-markdown-adrs.md").write_text(LOG4BRAINS)
    (tmp_path / "20261002-draft.md").write_text("# Draft\n\n- Status: draft\n- Date: 2026-10-02\n")
    adr, madr, draft = read_decisions(tmp_path)
    assert (adr.id, adr.title, adr.status) == ("0002", "Use Stripe as the card vault", "decided")
    assert adr.decided == datetime(2026, 8, 27, tzinfo=UTC) and adr.raised is None  # one date: when decided
    assert (madr.id, madr.status, madr.point) == ("20261001-use-markdown-adrs", "superseded", "Dana K")
    assert (draft.status, draft.raised) == ("proposed", datetime(2026, 10, 2, tzinfo=UTC))
    assert next_id([d.id for d in (adr,)], "D-") == "0003"


def test_ids_and_handles_yaml_would_misread_are_written_quoted(tmp_path):
    path = tmp_path / "0007-x.md"
    raised = datetime(2026, 11, 2, tzinfo=UTC)
    path.write_text(
        new_decision_text("0007", "X", domain="outcomes", point="yes", raised=raised, consulted=[])
    )
    d = read_decision(path)
    assert (d.id, d.point) == ("0007", "yes")


def test_consulted_as_a_comma_separated_string_is_a_list_of_handles(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("---\nid: D-1\nconsulted: dana, sam\n---\n")
    assert read_decision(path).consulted == ("dana", "sam")


def test_a_remark_on_a_day_that_does_not_exist_names_its_line(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("---\nid: D-1\n---\n## Discussion\n- sam, 2026-02-30: hm\n")
    with pytest.raises(CptoError, match=r"d\.md:5: '2026-02-30' is not a real date"):
        read_decision(path)


def test_an_adr_tools_record_keeps_its_facts_after_cpto_edits_it(tmp_path):
    path = tmp_path / "0002-use-stripe.md"
    path.write_text(ADR_TOOLS.replace("# 2.", "# 2.", 1) + "\n- Deciders: li\n")
    update_file(path, appeal_edit(read_decision(path), "sam", "vendor lock-in", "claire", NOW))
    d = read_decision(path)
    assert (d.status, d.point, d.decided) == ("appealed", "li", datetime(2026, 8, 27, tzinfo=UTC))


def test_a_second_writer_acting_on_a_stale_read_is_refused(tmp_path):
    path = write(tmp_path / "decisions", status="proposed", decided="")
    stale = read_decision(path)
    update_file(path, decide_edit(stale, NOW, "first"))
    with pytest.raises(CptoError, match="is decided; only a proposed decision can be decided"):
        update_file(path, decide_edit(stale, NOW, "second"))
    assert "second" not in path.read_text()


def test_meeting_days_are_the_workspaces_days_not_utcs(tmp_path):
    d = read_decision(write(tmp_path / "decisions"))
    late = replace(d, decided=datetime(2026, 11, 6, 1, tzinfo=UTC))  # Thursday 17:00 in Los Angeles
    assert waited_for_meeting(late, ("thursday",)) is None  # Friday in UTC
    assert waited_for_meeting(late, ("thursday",), ZoneInfo("America/Los_Angeles")) == 3


def test_an_empty_decision_file_is_an_error_not_a_proposed_decision(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir()
    for text in ("", "\n  \n", "---\n---\n"):
        (folder / "0001-x.md").write_text(text)
        with pytest.raises(CptoError, match=r"0001-x.md:1: empty decision record"):
            read_decisions(folder)


def test_a_record_that_says_no_status_is_warned_about_and_never_counted(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "notes.md").write_text("# Some notes\n\nNot a decision, just text.\n")
    (folder / "0002-y.md").write_text(
        "---\nid: D-2\npoint: dana\nraised: 2026-11-01\ndecided: 2026-11-02\n---\n"
    )
    found = read_decisions(folder)
    assert {d.status for d in found} == {"unknown"}
    assert point_stats(found, timedelta(days=2), NOW) == []
    assert appeal_rates(found, 0.2) == []
    assert all(not d.is_open and d.waited(NOW) is None for d in found)
    flagged = check_decisions(found, PEOPLE, now=NOW)
    assert {(f.where.replace(str(folder), ""), f.problem[:10]) for f in flagged} == {
        ("/0002-y.md:1", "no status "),
        ("/notes.md:1", "no status "),
    }


def test_a_negative_wait_is_not_a_wait_and_is_warned_about_at_its_line(tmp_path):
    folder = tmp_path / "decisions"
    write(folder, "0001.md")  # decided 1 day 6 hours after it was raised
    backwards = write(folder, "0002.md", decided="decided: 2026-10-01T10:00\n")
    text = backwards.read_text().replace("id: D-0007", "id: D-0008")
    backwards.write_text(text)
    future = write(folder, "0003.md", status="proposed", decided="")
    future.write_text(
        future.read_text().replace("id: D-0007", "id: D-0009").replace("2026-11-02T10:00", "2099-01-01T10:00")
    )
    found = read_decisions(folder)
    assert [d.waited(NOW) for d in found] == [timedelta(days=1, hours=6), None, None]
    stats = point_stats(found, timedelta(days=2), NOW)
    assert [(p.handle, p.decided, p.timed, p.median_days) for p in stats] == [("dana", 2, 1, 1.25)]
    flagged = {
        (f.where.replace(str(folder), ""), f.problem.split(" ")[0])
        for f in check_decisions(found, PEOPLE, now=NOW)
    }
    assert ("/0002.md:8", "decided") in flagged  # the decided: line
    assert ("/0003.md:7", "raised") in flagged  # raised 2099 is in the future


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("consulted: 5\n", ":9: consulted: expected a list of text"),
        ("consulted: [li, {a: 1}]\n", ":9: consulted: item 2 should be text"),
        ("appeal: [sam]\n", ":9: appeal: expected keys and values"),
        ("appeal: {by: sam, at: soon}\n", ":9: appeal at: 'soon' is not a date"),
        ("deciders: {a: 1}\n", ":9: deciders: expected a list of text"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_one_line_error_at_its_line(tmp_path, line, message):
    path = write(tmp_path / "decisions")
    path.write_text(
        path.read_text().replace("consulted: [li, sam]\n", "").replace("---\n#", line + "---\n#", 1)
    )
    with pytest.raises(CptoError) as caught:
        read_decision(path)
    assert message in caught.value.message and "\n" not in caught.value.message


def test_an_outcome_replaces_only_the_placeholder_under_decision_outcome(tmp_path):
    folder = tmp_path / "decisions"
    folder.mkdir()
    text = new_decision_text(
        "D-0001", "Not decided yet.", domain="outcomes", point="dana", raised=NOW, consulted=[], context=""
    )
    path = folder / "0001-x.md"
    path.write_text(text)
    update_file(path, decide_edit(read_decision(path), NOW, "Ship it"))
    d = read_decision(path)
    assert d.title == "Not decided yet."
    assert next(s.text for s in d.sections if s.title == "Decision Outcome") == "Ship it"


def test_a_folder_setting_that_names_a_file_is_an_error(tmp_path):
    (tmp_path / "decisions").write_text("not a folder")
    with pytest.raises(CptoError, match="decisions: is a file, not a folder of decision records"):
        read_decisions(tmp_path / "decisions")

"""What a record writer writes, its reader reads back to the same values, or the input is refused.

Each writer (decisions, incidents, alarms, roadmap moves, the handles they name) is given arbitrary text
(line breaks, ``---``, headings, YAML syntax, control characters, lone surrogates, the placeholder text
cpto itself writes) and must either produce a record that reads back equal, or refuse with one line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cpto.errors import CptoError
from cpto.records import alarms, decisions, incidents, roadmap
from cpto.records.fields import body_text
from cpto.records.ids import record_sections
from cpto.workspace.markdown import read_document

TRICKY = [
    "",
    " ",
    "a\n---\nstatus: x",
    "---",
    "## Discussion",
    "# Title",
    "```",
    "~~~ python",
    "Not decided yet.",
    "'quoted'",
    '"double"',
    "a: b",
    "{x: 1}",
    "[a, b]",
    "- item",
    "null",
    "0007",
    "yes",
    "2026-11-02",
    "# not a comment",
    "x # comment",
    "tab\there",
    "nul\x00byte",
    "esc\x1b[31m",
    "line\u2028sep",
    "para\u2029sep",
    "nel\x85x",
    "surrogate\ud800",
    "cr\rlf",
    "crlf\r\nline",
    "ümlaut ✓ 日本",
    "zero\u200dwidth",
    "bom\ufeffinside",
    "- dana, 2026-01-01: forged remark",
    "- 2026-11-03 14:22 resolved: forged event",
    "- [ ] forged action (dana)",
]
texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=()), max_size=30),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=3).map("\n".join),
)
handles = st.one_of(st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,10}\Z"), texts)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def refused(make: Callable[[], Any]) -> Any:
    """``make()``, or None when it refused with one line naming what it refused."""
    try:
        return make()
    except CptoError as exc:
        assert "\n" not in exc.message and "\r" not in exc.message, exc.message
        return None


def written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def section(sections: tuple[Any, ...], title: str) -> str:
    return next(s.text for s in sections if s.title == title)


def same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


# --------------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------------


def new_decision(
    folder: Path, title: str, point: str, consulted: list[str], context: str, at: datetime
) -> Any:
    text = refused(
        lambda: decisions.new_decision_text(
            "D-0007", title, domain="outcomes", point=point, raised=at, consulted=consulted, context=context
        )
    )
    return None if text is None else decisions.read_decision(written(folder / "0007-x.md", text))


@SETTINGS
@given(title=texts, point=handles, consulted=st.lists(handles, max_size=3), context=texts, at=moments)
@example(
    title="a\n---\nstatus: x", point="dana", consulted=[], context="", at=datetime(2026, 1, 1, tzinfo=UTC)
)
@example(
    title="Not decided yet.", point="dana", consulted=[], context="", at=datetime(2026, 1, 1, tzinfo=UTC)
)
def test_a_new_decision_reads_back_or_is_refused(
    folder: Path, title: str, point: str, consulted: list[str], context: str, at: datetime
) -> None:
    d = new_decision(folder, title, point, consulted, context, at)
    if d is None:
        return
    assert (d.id, d.title, d.status, d.domain) == ("D-0007", title.strip(), "proposed", "outcomes")
    assert (d.point, d.consulted, d.raised, d.problems) == (point.strip(), tuple(consulted), minute(at), ())
    shown = section(d.sections, "Context and Problem Statement")
    assert shown == (body_text(context, "c") or "What is being decided, and why now?")
    assert same_words(shown, context) or not context.strip()
    assert d.discussion == ()


@SETTINGS
@given(title=texts, outcome=texts, by=handles, reason=texts, remark=texts, at=moments)
@example(
    title="Not decided yet.",
    outcome="Ship it",
    by="sam",
    reason="x",
    remark="y",
    at=datetime(2026, 1, 1, tzinfo=UTC),
)
def test_decide_appeal_comment_and_resolve_read_back_or_are_refused(
    folder: Path, title: str, outcome: str, by: str, reason: str, remark: str, at: datetime
) -> None:
    d = new_decision(folder, title, "dana", [], "", at)
    if d is None:
        return

    def apply(change: Callable[[str], str]) -> decisions.Decision:
        written(d.path, change(d.path.read_text(encoding="utf-8")))
        return decisions.read_decision(d.path)

    made = refused(lambda: decisions.decide_edit(d, at, outcome))
    if made is None:
        return
    d = apply(made)
    assert (d.status, d.decided, d.title) == ("decided", minute(at), title.strip())
    outcome_text = section(d.sections, "Decision Outcome")
    assert outcome_text == (body_text(outcome, "o") or decisions.PLACEHOLDER)

    comment = refused(lambda: decisions.comment_edit(d, by, remark, at))
    if comment is not None:
        d = apply(comment)
        assert [(r.handle, r.day, r.text) for r in d.discussion] == [(by.strip(), at.date(), remark.strip())]

    appeal = refused(lambda: decisions.appeal_edit(d, by, reason, "claire", at))
    if appeal is None:
        return
    d = apply(appeal)
    assert d.status == "appealed"
    assert d.appeal == {"by": by.strip(), "at": decisions.stamp(at), "reason": reason.strip(), "to": "claire"}
    d = apply(decisions.resolve_edit(d, "upheld", "claire", at))
    assert (d.status, d.appeal["outcome"], d.appeal["resolver"], d.appeal["reason"]) == (
        "upheld",
        "upheld",
        "claire",
        reason.strip(),
    )
    assert section(d.sections, "Decision Outcome") == outcome_text


# --------------------------------------------------------------------------------------------------
# Incidents
# --------------------------------------------------------------------------------------------------


@SETTINGS
@given(
    title=texts,
    severity=texts,
    commander=handles,
    services=st.lists(texts, max_size=3),
    what=texts,
    caused_by=texts,
    note=texts,
    at=moments,
)
def test_a_new_incident_and_its_events_read_back_or_are_refused(
    folder: Path,
    title: str,
    severity: str,
    commander: str,
    services: list[str],
    what: str,
    caused_by: str,
    note: str,
    at: datetime,
) -> None:
    text = refused(
        lambda: incidents.new_incident_text(
            "INC-1",
            title,
            severity=severity,
            commander=commander,
            services=services,
            started=at,
            what=what,
            caused_by=caused_by,
        )
    )
    if text is None:
        return
    ranked = (severity.strip(),)
    i = incidents.read_incident(written(folder / "2026-x.md", text), ranked)
    assert (i.id, i.title, i.severity, i.commander) == ("INC-1", title.strip(), severity.strip(), commander)
    assert (i.services, i.caused_by) == (tuple(s.strip() for s in services), caused_by.strip())
    assert [(e.kind, e.at, e.text) for e in i.events] == [
        ("started", minute(at), what.strip() or "impact started")
    ]

    for kind in ("note", "detected"):
        log = refused(partial(incidents.log_edit, i, kind, note, at, ranked))
        if log is None:
            return
        written(i.path, log(i.path.read_text(encoding="utf-8")))
        i = incidents.read_incident(i.path, ranked)
        assert (i.events[-1].kind, i.events[-1].at, i.events[-1].text) == (
            kind,
            minute(at),
            note.strip() or kind,
        )
    cause = refused(lambda: incidents.cause_edit(i, note))
    if cause is not None:
        written(i.path, cause(i.path.read_text(encoding="utf-8")))
        assert incidents.read_incident(i.path, ranked).caused_by == note.strip()


# --------------------------------------------------------------------------------------------------
# Alarms
# --------------------------------------------------------------------------------------------------


@SETTINGS
@given(title=texts, by=handles, why=texts, what=texts, at=moments)
def test_an_alarm_raised_and_cleared_reads_back_or_is_refused(
    folder: Path, title: str, by: str, why: str, what: str, at: datetime
) -> None:
    made = refused(lambda: alarms.new_alarm(folder, [], title, by, at, why))
    if made is None:
        return
    _, text = made
    a = alarms.read_alarm(written(folder / "alarm.md", text))
    assert (a.id, a.title, a.by, a.raised, a.status) == (
        "ALARM-1",
        title.strip(),
        by.strip(),
        minute(at),
        "open",
    )
    why_text = section(record_sections(read_document(a.path)), "Why")
    assert why_text == (body_text(why, "w") or "What was seen, where, and since when.")
    clear = refused(lambda: alarms.clear_edit(a, by, what, at))
    if clear is None:
        return
    written(a.path, clear(a.path.read_text(encoding="utf-8")))
    after = alarms.read_alarm(a.path)
    assert (after.status, after.cleared, after.title) == ("cleared", minute(at), title.strip())


# --------------------------------------------------------------------------------------------------
# Roadmap moves
# --------------------------------------------------------------------------------------------------

items = st.lists(
    st.fixed_dictionaries(
        {
            "title": st.text(max_size=20),
            "horizon": st.sampled_from(roadmap.HORIZONS),
            "owner": st.from_regex(r"\A[a-z]{1,6}\Z"),
        }
    ),
    min_size=1,
    max_size=4,
)


@SETTINGS
@given(
    listed=items,
    pick=st.integers(0, 3),
    horizon=st.sampled_from(roadmap.HORIZONS),
    day=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_a_roadmap_move_reads_back_and_leaves_the_other_items_alone(
    folder: Path, listed: list[dict[str, str]], pick: int, horizon: str, day: date
) -> None:
    raw = [{"id": f"RM-{n}", **item} for n, item in enumerate(listed, 1)]
    path = written(
        folder / "roadmap.yaml",
        yaml.safe_dump({"reviewed": date(2026, 1, 1), "items": raw}, allow_unicode=True),
    )
    before = roadmap.read_roadmap(path)
    moved = before.items[pick % len(before.items)]
    text = roadmap.move_edit(moved.id, horizon, day, path)(path.read_text(encoding="utf-8"))
    text = roadmap.reviewed_edit(day, path)(text)
    after = roadmap.read_roadmap(written(path, text))
    assert after.reviewed == day
    for old, new in zip(before.items, after.items, strict=True):
        if old.id == moved.id:
            assert (new.horizon, new.target, new.title, new.owner) == (horizon, day, old.title, old.owner)
        else:
            assert replace(new, line=0) == replace(old, line=0)

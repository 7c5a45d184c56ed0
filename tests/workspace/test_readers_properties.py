"""Property-based tests of every reader of hand-written input: whatever the input, the answer is a value
or a one-line CptoError, never a traceback of another kind (issue 16)."""

from __future__ import annotations

import contextlib
import io
import string
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpto.cli.options import read_json_lines
from cpto.errors import CptoError
from cpto.heartbeat.week import since_start, week_start
from cpto.records.times import EARLIEST, LATEST, parse_date, parse_time
from cpto.workspace.config import MAX_DURATION, load_workspace, parse_duration
from cpto.workspace.markdown import read_document
from cpto.workspace.yamlfile import mapping_value, parse_yaml_list, text_list, text_value

PROPERTY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def one_line_error(exc: CptoError) -> None:
    assert len(exc.message.splitlines()) == 1


# Text that looks like what people type into dates: digits, dashes, colons, T, Z, signs, spaces.
date_like = st.one_of(
    st.text(alphabet="0123456789-:+TZ .W", max_size=30),
    st.from_regex(r"\A-?\d{1,5}-\d{1,2}-\d{1,2}([T ]\d{1,2}:\d{1,2}(:\d{1,2})?(Z|[+-]\d{2}:?\d{2})?)?\Z"),
    st.text(max_size=40),
)
yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.dates()
    | st.datetimes(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)


@PROPERTY
@given(st.one_of(date_like, yaml_values))
def test_parse_time_gives_a_time_in_range_or_one_line(value: object) -> None:
    try:
        moment = parse_time(value, "where")
    except CptoError as exc:
        one_line_error(exc)
        return
    assert moment is None or (moment.tzinfo is not None and EARLIEST <= moment < LATEST)


@PROPERTY
@given(st.one_of(date_like, yaml_values))
def test_parse_date_gives_a_day_in_range_or_one_line(value: object) -> None:
    try:
        day = parse_date(value, "where")
    except CptoError as exc:
        one_line_error(exc)
        return
    assert day is None or EARLIEST.date() - timedelta(days=1) <= day <= LATEST.date()


@PROPERTY
@given(date_like, st.dates())
def test_week_and_since_give_a_start_or_one_line(text: str, today: date) -> None:
    for read, arguments in ((week_start, (text, today)), (since_start, (text,))):
        try:
            start = read(*arguments)
        except CptoError as exc:
            one_line_error(exc)
            continue
        assert isinstance(start, datetime) and 1969 <= start.year < 2100
        start - timedelta(weeks=12)  # the heartbeat counts weeks back from it: this must not overflow


@PROPERTY
@given(
    st.one_of(st.from_regex(r"\A\s*\d{0,20}(\.\d{0,20})?\s*[hdwm]?\s*\Z"), st.text(max_size=30), yaml_values)
)
def test_durations_are_bounded_or_one_line(value: object) -> None:
    try:
        span = parse_duration(value, "cpto.toml: [sla] decision")
    except CptoError as exc:
        one_line_error(exc)
        return
    assert timedelta(0) < span <= MAX_DURATION


yaml_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "people:",
                "items:",
                "\n",
                "  - ",
                "- ",
                "&a ",
                "*a",
                "&b ",
                "*b",
                "[",
                "]",
                "{",
                "}",
                ", ",
                ": ",
                "handle: ",
                "2026-02-30",
                "2026-01-01 10:00:00+25:00",
                "1:30:00",
                "0x1F",
                "~",
                "'",
                '"',
                "!!str ",
                "!!python/object:os.system ",
                "<<: ",
                "? ",
                "---",
                "...",
                "#",
                "yes",
                "1e400",
                "\t",
            ]
        ),
        max_size=40,
    ).map("".join),
)


@PROPERTY
@given(yaml_text)
def test_yaml_lists_read_or_one_line(text: str) -> None:
    try:
        listing = parse_yaml_list(text, Path("people.yaml"), "people")
    except CptoError as exc:
        one_line_error(exc)
        return
    assert all(isinstance(line, int) and line >= 1 for line, _ in listing.items)


@PROPERTY
@given(yaml_text | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_front_matter_reads_or_one_line(tmp_path: Path, front: str) -> None:
    path = tmp_path / "prd.md"
    path.write_text(f"---\n{front}\n---\n# PRD\n", encoding="utf-8", errors="surrogatepass")
    try:
        doc = read_document(path)
    except CptoError as exc:
        one_line_error(exc)
        return
    assert isinstance(doc.front_matter, dict)


@PROPERTY
@given(yaml_values)
def test_typed_values_or_one_line(value: object) -> None:
    for read, kind in ((text_value, str), (text_list, list), (mapping_value, dict)):
        try:
            got = read(value, "d.md: consulted")
        except CptoError as exc:
            one_line_error(exc)
            continue
        assert isinstance(got, kind)
    with contextlib.suppress(CptoError):
        assert all(isinstance(item, str) for item in text_list(value, "x"))


json_lines = st.one_of(
    st.text(max_size=100),
    st.lists(
        st.sampled_from(
            ['{"id": 1', ', "text": "a"', "}", "[", "]", "{", '"', "1" * 5000, "\n", "nul", "ll"]
        ),
        max_size=30,
    ).map("".join),
    st.integers(min_value=0, max_value=3000).map(lambda n: '{"id": "a", "text": ' + "[" * n + "]" * n + "}"),
)


@PROPERTY
@given(json_lines)
def test_json_lines_read_or_one_line(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    try:
        for name, number, record in read_json_lines(None, "text"):
            assert name == "<stdin>" and number >= 1 and "id" in record
    except CptoError as exc:
        one_line_error(exc)


toml_text = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "[workspace]",
                "[sla]",
                "[meetings]",
                "[alarms]",
                "[code]",
                "[privacy]",
                "[incidents]",
                "[deploys]",
                "[working_agreement]",
                "[reposs]",
                "\n",
                "repos = ",
                "name = ",
                "decision = ",
                "timezone = ",
                "joint_review = ",
                "debt_weeks = ",
                "severities = ",
                "tests = ",
                "person_scores = ",
                "log = ",
                "decisions = ",
                "max_appeal_rate = ",
                '"2d"',
                '"99999999999999d"',
                '"thu"',
                '"Europe/Berlin"',
                "nan",
                "inf",
                "true",
                "3",
                '["."]',
                "[]",
                '"notes.md"',
                '""',
                '"20%"',
                "1979-05-27",
                "{a = 1}",
            ]
        ),
        max_size=30,
    ).map("".join),
)


@PROPERTY
@given(toml_text)
def test_cpto_toml_loads_or_one_line(tmp_path: Path, text: str) -> None:
    (tmp_path / "notes.md").write_text("a file where a folder may be named")
    (tmp_path / "cpto.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config = load_workspace(tmp_path)
    except CptoError as exc:
        one_line_error(exc)
        return
    assert timedelta(0) < config.decision_sla <= MAX_DURATION
    assert all(name in string.printable or True for name in config.name)

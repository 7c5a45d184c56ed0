"""Dates and times in records and options: within 1970-01-01 to 2100-01-01, real, with dashes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from cpto.errors import CptoError
from cpto.records.times import parse_date, parse_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T10:00", datetime(2026, 11, 2, 10, tzinfo=UTC)),
        ("2026-11-02 10:00Z", datetime(2026, 11, 2, 10, tzinfo=UTC)),
        ("2026-11-02T10:00+01:00", datetime(2026, 11, 2, 10, tzinfo=timezone(timedelta(hours=1)))),
        ("2026-11-02", datetime(2026, 11, 2, tzinfo=UTC)),
        (date(2026, 11, 2), datetime(2026, 11, 2, tzinfo=UTC)),
        (datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 9, tzinfo=UTC)),
        ("1970-01-01T00:00Z", datetime(1970, 1, 1, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_times_that_read(value: object, expected: datetime | None) -> None:
    assert parse_time(value, "x") == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-02-30", "'2026-02-30' is an impossible date or time"),
        ("2026-02-01T10:00+25:00", "is an impossible date or time"),
        (
            "0001-01-01",
            "'0001-01-01' is outside the dates cpto reads (1970-01-01 to 2100-01-01)",
        ),
        ("9999-12-31T23:59-01:00", "is outside the dates cpto reads"),
        (date(1, 1, 1), "is outside the dates cpto reads"),
        (
            datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-23))),
            "is outside the dates cpto reads",
        ),
        ("2100-01-01", "is outside the dates cpto reads"),
        (
            20260301,
            "'20260301' is not a date or time like 2026-11-02T10:00 (write it with dashes: 2026-03-01)",
        ),
        ("20260301", "(write it with dashes: 2026-03-01)"),
        (True, "'True' is not a date or time"),
        (["2026-01-01"], "'a list of 1' is not a date or time"),
        ("soon", "'soon' is not a date or time"),
        ("2026-11-02T10:00" + "0" * 1000, "is not a date or time"),
    ],
)
def test_times_that_do_not_read_are_one_line_naming_where(value: object, problem: str) -> None:
    with pytest.raises(CptoError) as err:
        parse_time(value, "d.md: raised")
    assert err.value.message.startswith("d.md: raised: ") and problem in err.value.message
    assert "\n" not in err.value.message and len(err.value.message) < 200


def test_dates() -> None:
    assert parse_date("2027-03-31", "x") == date(2027, 3, 31)
    assert parse_date(datetime(2027, 3, 31, 23, tzinfo=UTC), "x") == date(2027, 3, 31)
    assert parse_date("2027-03-31T23:00-05:00", "x") == date(2027, 3, 31)  # the day where it was written
    assert parse_date(None, "x") is None
    for wrong in ("2027-02-29", "1969-12-31", date(2100, 1, 1), 20270331, "31/03/2027"):
        with pytest.raises(CptoError, match=r"^roadmap\.yaml:4: RM-1 target: "):
            parse_date(wrong, "roadmap.yaml:4: RM-1 target")

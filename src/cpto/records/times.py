"""Times in records and options: how they are read (ISO 8601 or YAML dates, UTC unless a zone is given),
kept within the years a leadership record can be about, and written."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cpto.errors import CptoError

# Every date and time cpto reads, in records and in options, falls in these years: a typo (0026, 20266)
# is an error where it is read, instead of a traceback when a week is counted back from year 1 or a
# report sorts a time of year 9999 (docs/workspace.md, "Dates and times").
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RANGE = "1970-01-01 to 2100-01-01"
# Dates are written with dashes (2026-03-01): ISO 8601's basic form 20260301 is refused, since YAML and
# a reader alike take ``start: 20260301`` for a number.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|\Z)", re.ASCII)
_LONGEST = 40  # characters in the longest time worth reading (2026-11-02T10:00:00.000000+01:00)


def parse_time(value: Any, where: str) -> datetime | None:
    """A timestamp from a record or an option: ISO 8601 text or a YAML date/datetime; None if absent.

    Times without a zone are UTC. A time before 1970 or from 2100 on, a date that does not exist
    (2026-02-30), a zone offset of a day or more, and a number (``start: 20260301``) are one-line errors
    naming ``where``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and len(text := value.strip()) <= _LONGEST and _ISO_DATE.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CptoError(f"{where}: '{shown(value)}' is an impossible date or time") from None
    else:
        raise CptoError(
            f"{where}: '{shown(value)}' is not a date or time like 2026-11-02T10:00{_hint(value)}"
        )
    written = shown(value) if isinstance(value, str) else None
    return check_time(moment if moment.tzinfo else moment.replace(tzinfo=UTC), where, written)


def parse_date(value: Any, where: str) -> date | None:
    """A day from a record or an option (``2027-03-31``, or a YAML date); None if absent.

    As :func:`parse_time`: within 1970-01-01 to 2100-01-01, a real day, written with dashes; a date
    with a time of day gives its day (in the time's own zone).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return check_day(value.date(), where)
    if isinstance(value, date):
        return check_day(value, where)
    if isinstance(value, str) and len(text := value.strip()) <= _LONGEST and _ISO_DATE.match(text):
        moment = parse_time(text, where)
        return None if moment is None else datetime.fromisoformat(text).date()
    raise CptoError(f"{where}: '{shown(value)}' is not a date like 2027-03-31{_hint(value)}")


def _hint(value: Any) -> str:
    """What to write instead of a date typed without dashes, which YAML reads as a number."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() < 64:
        value = str(value)
    digits = value.strip() if isinstance(value, str) else ""
    if len(digits) == 8 and digits.isdigit():
        return f" (write it with dashes: {digits[:4]}-{digits[4:6]}-{digits[6:]})"
    return ""


def check_time(moment: datetime, where: str, written: str | None = None) -> datetime:
    """``moment`` (aware) when it falls within 1970-01-01 to 2100-01-01, else a one-line error quoting
    ``written`` (the value as the user wrote it), else the moment itself."""
    # The year first: comparing a time of year 1 or 9999 with a zone converts it, and that can overflow.
    if not EARLIEST.year - 1 <= moment.year <= LATEST.year or not EARLIEST <= moment < LATEST:
        raise CptoError(
            f"{where}: '{written or moment.isoformat()}' is outside the dates cpto reads ({RANGE})"
        )
    return moment


def check_day(day: date, where: str) -> date:
    """``day`` when it falls within 1970-01-01 to 2100-01-01, else a one-line error."""
    if not EARLIEST.date() <= day < LATEST.date():
        raise CptoError(f"{where}: '{day.isoformat()}' is outside the dates cpto reads ({RANGE})")
    return day


def shown(value: Any) -> str:
    """A value quoted in an error message: on one line (whitespace runs become one space), at most 60 characters."""
    if isinstance(value, list | tuple | dict | set):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, int) and value.bit_length() > 256:  # Python will not print a 4300-digit number
        return "a very long number"
    text = " ".join(str(value).split()) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def stamp(moment: datetime) -> str:
    """How cpto writes a time into a record: UTC to the minute, with its Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def days(span: timedelta) -> float:
    """A span in days, as decision reports show waiting times."""
    return span.total_seconds() / 86400


def duration(span: timedelta | None) -> str:
    """5m, 2h 10m, 1d 3h: how incident and delivery times read (to the nearest minute); "" for None."""
    if span is None:
        return ""
    minutes = round(span.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    d, hours = divmod(hours, 24)
    return f"{d}d {hours}h"

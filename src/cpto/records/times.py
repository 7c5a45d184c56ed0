"""Times in records: how they are read (ISO 8601 or YAML dates, UTC unless a zone is given) and written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from cpto.errors import CptoError


def parse_time(value: Any, where: str) -> datetime | None:
    """A record's timestamp: ISO 8601 text or a YAML date/datetime; times without a zone are UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise CptoError(f"{where}: '{value}' is not a date or time like 2026-11-02T10:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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

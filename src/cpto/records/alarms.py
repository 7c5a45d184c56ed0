"""The stop cord: anyone can raise an alarm, and it is recorded like a decision until someone clears it.

An alarm is a Markdown record in the alarms folder: who pulled the cord, when, why, and (once cleared)
who cleared it and what was done. Every open alarm heads every heartbeat, whatever week it reports,
named and counted apart from the threshold breaches the heartbeat computes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cpto.errors import CptoError
from cpto.records.ids import find, next_id, record_files, require_unique, slug
from cpto.records.times import parse_time, stamp
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.edit import append_to_section, render_key, set_front_matter
from cpto.workspace.markdown import read_document


@dataclass(frozen=True)
class Alarm:
    path: Path
    id: str
    title: str
    by: str
    raised: datetime | None
    status: str  # open | cleared
    cleared: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def read_alarm(path: Path) -> Alarm:
    doc = read_document(path)
    fm = doc.front_matter
    where = f"{path}:1"
    status = str(fm.get("status") or "open").strip().lower()
    if status not in ("open", "cleared"):
        raise CptoError(f"{where}: status '{status}' is not open or cleared")
    return Alarm(
        path=path,
        id=str(fm.get("id") or path.stem),
        title=str(fm.get("title") or path.stem),
        by=str(fm.get("by") or ""),
        raised=parse_time(fm.get("raised"), where),
        status=status,
        cleared=parse_time(fm.get("cleared"), where),
    )


def alarms_folder(config: WorkspaceConfig) -> Path:
    """Where the workspace keeps its alarms: ``[workspace] alarms``, else ``alarms/``. ``cpto alarm`` and
    the heartbeat both read it here, so the heartbeat's count of open stop cords is ``cpto alarm list``'s."""
    return config.alarms or config.root / "alarms"


def read_alarms(folder: Path | None) -> list[Alarm]:
    alarms = [read_alarm(p) for p in record_files(folder)]
    require_unique(alarms, "alarm")
    return alarms


def find_alarm(alarms: list[Alarm], wanted: str) -> Alarm:
    return find(alarms, wanted, "alarm")


def new_alarm(
    folder: Path, alarms: list[Alarm], title: str, by: str, at: datetime, why: str
) -> tuple[Path, str]:
    """The path and text of a new alarm record, numbered after the folder's last one."""
    if not title.strip():
        raise CptoError("an alarm needs a title: what is wrong, in a line")
    aid = next_id([a.id for a in alarms], "ALARM-", width=1)
    text = "\n".join(
        [
            "---",
            render_key("id", aid),
            render_key("title", " ".join(title.split())),
            "status: open",
            render_key("by", by),
            f"raised: {stamp(at)}",
            "---",
            "",
            f"# {' '.join(title.split())}",
            "",
            "## Why",
            "",
            why.strip() or "What was seen, where, and since when.",
            "",
        ]
    )
    return folder / f"{at:%Y-%m-%d}-{slug(title)}.md", text + "\n"


def clear_edit(alarm: Alarm, by: str, what: str, at: datetime) -> Callable[[str], str]:
    """The edit that clears an open alarm and says what was done about it."""
    if not alarm.is_open:
        raise CptoError(f"{alarm.path}: {alarm.id} is already cleared")

    def change(text: str) -> str:
        if not read_alarm(alarm.path).is_open:  # inside the lock: someone may have just cleared it
            raise CptoError(f"{alarm.path}: {alarm.id} is already cleared")
        text = set_front_matter(text, {"status": "cleared", "cleared": stamp(at), "cleared_by": by})
        return append_to_section(text, "Resolution", " ".join(what.split()) or "cleared")

    return change

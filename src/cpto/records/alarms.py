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
from cpto.records.fields import body_text, folder_records, handle, one_line
from cpto.records.ids import find, next_id, require_unique, slug
from cpto.records.times import parse_time, stamp
from cpto.workspace.config import WorkspaceConfig
from cpto.workspace.edit import append_to_section, render_key, set_front_matter
from cpto.workspace.markdown import read_document
from cpto.workspace.yamlfile import text_value


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
    """One alarm record. A file without front matter is an error, not an open alarm: every open alarm
    heads every heartbeat, so a stray note in the folder must not pull the cord."""
    doc = read_document(path)
    fm = doc.front_matter
    where = f"{path}:1"
    if not fm:
        raise CptoError(f"{where}: not an alarm record: no front matter (cpto alarm raise writes one)")
    for key in ("id", "title", "by", "status", "cleared_by"):
        text_value(fm.get(key), f"{where}: {key}")
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
    alarms = [read_alarm(p) for p in folder_records(folder, "alarm")]
    require_unique(alarms, "alarm")
    return alarms


def find_alarm(alarms: list[Alarm], wanted: str) -> Alarm:
    return find(alarms, wanted, "alarm")


def new_alarm(
    folder: Path, alarms: list[Alarm], title: str, by: str, at: datetime, why: str
) -> tuple[Path, str]:
    """The path and text of a new alarm record, numbered after the folder's last one; the text reads
    back through :func:`read_alarm` to the same title and author, or the input is refused."""
    if not title.strip():
        raise CptoError("an alarm needs a title: what is wrong, in a line")
    title = one_line(title, "title")
    by = handle(by, "--by")
    why = body_text(why, "--why")
    aid = next_id([a.id for a in alarms], "ALARM-", width=1)
    text = "\n".join(
        [
            "---",
            render_key("id", aid),
            render_key("title", title),
            "status: open",
            render_key("by", by),
            f"raised: {stamp(at)}",
            "---",
            "",
            f"# {title}",
            "",
            "## Why",
            "",
            why or "What was seen, where, and since when.",
            "",
        ]
    )
    return folder / f"{at:%Y-%m-%d}-{slug(title)}.md", text + "\n"


def clear_edit(alarm: Alarm, by: str, what: str, at: datetime) -> Callable[[str], str]:
    """The edit that clears an open alarm and says what was done about it."""
    if not alarm.is_open:
        raise CptoError(f"{alarm.path}: {alarm.id} is already cleared")
    by = handle(by, "--by")
    what = body_text(what, "what was done")

    def change(text: str) -> str:
        if not read_alarm(alarm.path).is_open:  # inside the lock: someone may have just cleared it
            raise CptoError(f"{alarm.path}: {alarm.id} is already cleared")
        text = set_front_matter(text, {"status": "cleared", "cleared": stamp(at), "cleared_by": by})
        return append_to_section(text, "Resolution", what or "cleared")

    return change

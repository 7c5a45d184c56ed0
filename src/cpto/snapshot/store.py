"""The snapshots file, ``.cpto/snapshots.duckdb``: one row per figure per week, apart from the index.

The history index is started over from git when it cannot be upgraded and is deleted by ``cpto index
--rebuild``; these figures cannot be recomputed (history is rewritten, settings change), so they never
share its file. An unreadable snapshots file is an error naming it, never started over silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from cpto.errors import CptoError
from cpto.snapshot.figures import Figure
from cpto.workspace.config import WorkspaceConfig

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS snapshots (week VARCHAR NOT NULL, taken_at TIMESTAMPTZ NOT NULL,"
    " name VARCHAR NOT NULL, subject VARCHAR NOT NULL, value DOUBLE, detail VARCHAR NOT NULL,"
    " PRIMARY KEY (week, name, subject))"
)


@dataclass(frozen=True)
class Snapshot:
    week: str
    taken_at: datetime
    figures: list[Figure]

    def get(self, name: str, subject: str = "") -> Figure | None:
        return next((f for f in self.figures if f.name == name and f.subject == subject), None)


def snapshots_path(config: WorkspaceConfig) -> Path:
    """Beside the index, in the workspace's ``.cpto`` folder, but its own file."""
    return config.index_path.parent / "snapshots.duckdb"


@contextmanager
def _open(path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
    except OSError as exc:
        raise CptoError(f"{path.parent}: cannot hold the snapshots: {exc.strerror or exc}") from None
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise CptoError(f"{path}: the snapshots are in use by another cpto process; try again") from None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CptoError(
            f"{path}: the snapshots file is unreadable ({first}); move it aside to start over"
        ) from None
    try:
        con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            con.execute(_SCHEMA)
        yield con
    except duckdb.Error as exc:
        raise CptoError(f"{path}: the snapshots file is unreadable ({str(exc).splitlines()[0]})") from None
    finally:
        con.close()


def save(path: Path, snapshot: Snapshot, *, replace: bool = True) -> bool:
    """Store ``snapshot`` in one transaction: all its figures or none (an error rolls back, the earlier
    figures of the week stay). ``replace``: an earlier snapshot of the same week is replaced (``cpto
    snapshot``); else it is kept and nothing is written (the server's weekly snapshot, so two processes
    racing for a week leave the first one's). The check runs inside the write transaction, and DuckDB
    lets one process write the file at a time. Returns whether it was written."""
    rows = [
        (snapshot.week, snapshot.taken_at, f.name, f.subject, f.value, f.detail) for f in snapshot.figures
    ]
    with _open(path, read_only=False) as con:
        con.execute("BEGIN")
        if not replace:
            found = con.execute("SELECT count(*) FROM snapshots WHERE week = ?", [snapshot.week]).fetchone()
            if found and found[0]:
                con.execute("ROLLBACK")
                return False
        con.execute("DELETE FROM snapshots WHERE week = ?", [snapshot.week])
        if rows:
            con.executemany("INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
    return True


def has_week(path: Path, week: str) -> bool:
    """Whether ``week`` was taken: one indexed read of a small file, cheap enough for every page."""
    if not path.exists():
        return False
    with _open(path, read_only=True) as con:
        if not _has_table(con):
            return False
        row = con.execute("SELECT 1 FROM snapshots WHERE week = ? LIMIT 1", [week]).fetchone()
        return row is not None


def latest(path: Path, count: int = 2) -> list[Snapshot]:
    """The ``count`` newest snapshots, newest first (fewer when fewer were taken), in one read."""
    if not path.exists():
        return []
    with _open(path, read_only=True) as con:
        if not _has_table(con):
            return []
        weeks = con.execute(
            "SELECT DISTINCT week FROM snapshots ORDER BY week DESC LIMIT ?", [count]
        ).fetchall()
        found = [_load(con, str(w)) for (w,) in weeks]
    return [s for s in found if s is not None]


def previous(path: Path, week: str) -> Snapshot | None:
    """The newest snapshot of a week before ``week`` (ISO week names sort in time), or None."""
    if not path.exists():
        return None
    with _open(path, read_only=True) as con:
        if not _has_table(con):
            return None
        row = con.execute("SELECT max(week) FROM snapshots WHERE week < ?", [week]).fetchone()
        if row is None or row[0] is None:
            return None
        return _load(con, str(row[0]))


def load(path: Path, week: str) -> Snapshot | None:
    """The snapshot of ``week``, or None when none was taken."""
    if not path.exists():
        return None
    with _open(path, read_only=True) as con:
        return _load(con, week)


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    # duckdb_tables(), not information_schema: the latter costs tens of milliseconds on a cold connection
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'snapshots'").fetchone()
    return bool(row and row[0])


def _load(con: duckdb.DuckDBPyConnection, week: str) -> Snapshot | None:
    if not _has_table(con):
        return None
    rows = con.execute(
        "SELECT taken_at, name, subject, value, detail FROM snapshots WHERE week = ? ORDER BY rowid", [week]
    ).fetchall()
    if not rows:
        return None
    figures = [Figure(str(n), None if v is None else float(v), str(d), str(s)) for _, n, s, v, d in rows]
    return Snapshot(week, rows[0][0], figures)

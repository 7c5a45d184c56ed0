"""Taking a week's snapshot: ``cpto snapshot``'s one code path, and the server's weekly one.

``cpto serve`` calls :func:`ensure_weekly_snapshot` on start-up and then hourly, so "since last week"
exists without anyone remembering a Monday routine. It writes only ``.cpto/snapshots.duckdb``; the
history index it reads is brought up to date the way every command does (``cpto index``), under the
caller's lock so the server's own page requests never open the index for writing at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from cpto.errors import CptoError
from cpto.snapshot.figures import Week, figures, gather
from cpto.snapshot.store import Snapshot, has_week, save, snapshots_path
from cpto.workspace.config import WorkspaceConfig


def read_week(
    config: WorkspaceConfig,
    week: str | None,
    now: datetime,
    *,
    index: Callable[..., object] | None = None,
) -> Week:
    """The week ``week`` names (``--week``: an ISO week or a date in it; None: the last full week in
    the workspace's time zone) read as ``cpto snapshot`` and ``cpto digest`` read it: the index brought
    up to date with the repositories (``index(path, repos, words=...)``: how; default quietly,
    ``cpto snapshot`` passes its progress bar), then :func:`gather`."""
    from cpto.heartbeat.week import week_start
    from cpto.history.estate import update_index
    from cpto.review.service import needs_search_words

    if not config.repos:
        raise CptoError(f"{config.root}: no repositories to read ([workspace] repos in cpto.toml)")
    now = now.astimezone(config.zone)
    start = week_start(week, now.date(), config.zone)
    (index or update_index)(config.index_path, list(config.repos), words=needs_search_words(config))
    return gather(config, start, now)


def snapshot_of(week: Week) -> Snapshot:
    """The snapshot of a week that was read: its name, when, and its figures."""
    return Snapshot(week.beat.week, week.taken_at, figures(week))


def last_full_week(config: WorkspaceConfig, now: datetime) -> str:
    """The ISO week name (2026-W44) of the last full week at ``now`` in the workspace's time zone."""
    from cpto.heartbeat.week import iso_week, week_start

    return iso_week(week_start(None, now.astimezone(config.zone).date(), config.zone))


def ensure_weekly_snapshot(
    config: WorkspaceConfig, now: datetime, *, lock: AbstractContextManager[object] | None = None
) -> Snapshot | None:
    """Take the last full week's snapshot if none is stored, exactly as ``cpto snapshot`` takes it, and
    return it; else None. Safe to call on every start and every hour: when the week is there it costs
    one small read of the snapshots file (about a millisecond; the index is not touched); a week is
    never taken twice, even by two processes racing (:func:`save` with ``replace=False`` checks inside
    its transaction), and an error leaves the file as it was. ``lock``: held while the index is
    written and the snapshots read or written (the forum passes its own, so its pages wait).
    Errors are :class:`CptoError` (the caller logs them and tries again later)."""
    name = last_full_week(config, now)
    path = snapshots_path(config)
    with lock if lock is not None else nullcontext():
        if has_week(path, name):
            return None
        week = read_week(config, name, now)
        taken = snapshot_of(week)
        return taken if save(path, taken, replace=False) else None

"""Shards: each repository's history indexed on its own, so an estate of repositories indexes in parallel.

A repository's history lives in its own shard, a folder of Parquet files (one per index table) under
``.cpto/shards/<repo id>/g<generation>/``, written by whoever indexed it (this process, a process per
core, or a cluster's worker) without waiting for anyone. ``catalog.json`` beside them says what each
shard holds (the repository, its generation, a fingerprint of its refs, the schema, its commit count).

Reports keep reading one DuckDB database, ``.cpto/index.duckdb``: after each run the shards that
changed are loaded into it in one transaction (all of a shard's rows replaced), and the index records
which generation of each shard it holds. The index is therefore rebuilt from the shards alone, without
git, when it is lost or out of step (a run killed between writing a shard and loading it).

Why whole generations: a writer writes ``g<N>.tmp-*`` and renames it to ``g<N>`` only when every file
is complete; the catalog names a generation only after that. A writer killed at any point leaves the
previous generation, and every other shard, as they were.

Why a fingerprint: a no-op re-index of a thousand repositories must not start a thousand git
processes. The fingerprint is the size and modification time of what a ref change touches (HEAD,
packed-refs, the loose refs, shallow, config); when it is unchanged the repository is not opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

from cpto.errors import CptoError
from cpto.history import store
from cpto.history.indexer import IndexResult, ProgressAdvance, ProgressStart, index_repository

SHARD_TABLES = tuple(name for name in store.TABLES if name != "meta")
CATALOG = "catalog.json"
MERGE_BATCH = 25  # landed shards loaded into the index per transaction, at least
MERGE_MAX = 250  # and at most: the last batch of a large estate is not left for the end
MERGE_EVERY = 3.0  # seconds between loads while shards land: each load costs a checkpoint (measured:
# 1,000 shards of 100 commits loaded 25 at a time took 17.8 s, 250 at a time 6.3 s)


@dataclass
class ShardEntry:
    """One catalog line: which generation of a repository's shard is complete, and what it holds."""

    repo_id: int
    path: str
    generation: int
    fingerprint: str = ""
    schema: int = store.SCHEMA_VERSION
    commits: int = 0
    refs: int = 0
    shallow: bool = False
    partial: bool = False
    empty: bool = False
    pending: int = 0  # commits whose line counts are not computed yet (a phase-1 run)
    unworded: int = 0  # commits without the review's search words (indexed for reports without a review)
    head: bool = False  # the generation keeps each HEAD file's figures (cpto.heartbeat.headfiles)

    def folder(self, shards: Path) -> Path:
        return generation_folder(shards, self.repo_id, self.generation)


@dataclass
class ShardTask:
    """What a worker needs to bring one repository's shard up to date (plain values: it is pickled)."""

    repo: str
    repo_id: int
    repos_row: tuple[Any, ...]  # the repository's row of the index's repos table, as the index has it
    shards: str  # the shards folder (a shared path when a cluster's workers write)
    previous: int  # the generation to start from; 0 for none
    jobs: int | None = None
    fetch_blobs: bool = False  # a partial clone: fetch the blobs its history needs, in one batch
    lines: bool = True  # False: commits and paths only (phase 1); line counts on a later run
    words: bool = True  # False: without the review's search words (kept by a later run that asks)
    head: bool = False  # the previous generation keeps HEAD's file figures (else this run writes them)
    heads: bool = False  # keep HEAD's file figures (an estate: its heartbeat reads them instead of git)


@dataclass
class ShardDone:
    """What a worker did: its index result, the generation it wrote (0: none needed), or its error."""

    repo: str
    repo_id: int
    result: IndexResult | None = None
    generation: int = 0
    fingerprint: str = ""
    error: str = ""
    notes: list[str] = field(default_factory=list)
    head: bool = False  # the generation (new or kept) keeps HEAD's file figures


def shards_folder(index_path: Path) -> Path:
    """Where the shards of the index at ``index_path`` live."""
    return index_path.parent / "shards"


def generation_folder(shards: Path, repo_id: int, generation: int) -> Path:
    return shards / str(repo_id) / f"g{generation}"


def read_catalog(shards: Path) -> dict[int, ShardEntry]:
    """The catalog's entries by repository id; {} before the first sharded run."""
    path = shards / CATALOG
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(ShardEntry)}  # a newer cpto's fields are left to it
        return {
            int(e["repo_id"]): ShardEntry(**{k: v for k, v in e.items() if k in known})
            for e in data["shards"]
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CptoError(
            f"{path}: not a shard catalog cpto can read ({exc}); run `cpto index --rebuild`"
        ) from None


def write_catalog(shards: Path, entries: dict[int, ShardEntry]) -> None:
    """Write the catalog whole (a temporary file renamed over the old one)."""
    from cpto.fsutil import atomic_write_text

    shards.mkdir(parents=True, exist_ok=True)
    data = {"schema": store.SCHEMA_VERSION, "shards": [asdict(e) for _, e in sorted(entries.items())]}
    atomic_write_text(shards / CATALOG, json.dumps(data, indent=1) + "\n")


def fingerprint(repo: Path) -> str:
    """Sizes and times of what changes when a ref, HEAD, the shallow boundary or the remote changes;
    "" when the repository's git folder cannot be found (then it is opened as usual)."""
    git_dir = _git_dir(repo)
    if git_dir is None:
        return ""
    common = _common_dir(git_dir)
    digest = hashlib.sha1(str(repo.resolve()).encode())
    for path in _ref_files(git_dir, common):
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _git_dir(repo: Path) -> Path | None:
    dot = repo / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():  # a worktree or submodule: "gitdir: <path>"
        with contextlib.suppress(OSError):
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (repo / text[7:].strip()).resolve()
        return None
    if (repo / "HEAD").is_file() and (repo / "refs").is_dir():  # bare
        return repo
    return None


def _ref_files(git_dir: Path, common: Path) -> Iterator[Path]:
    for name in ("HEAD", "shallow", "config"):
        yield git_dir / name
    for name in ("packed-refs", "shallow", "config"):
        yield common / name
    refs = common / "refs"
    yield refs
    for folder, dirs, files in os.walk(refs):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name
        yield Path(folder)


def index_shard(
    task: ShardTask, on_start: ProgressStart | None = None, on_advance: ProgressAdvance | None = None
) -> ShardDone:
    """Bring one repository's shard up to date: its previous generation read into an in-memory
    database, the new commits indexed as ``cpto index`` always has, and the result written as the next
    generation. Never raises for the repository's own problems: the error is returned, so one bad
    repository never stops the others."""
    done = ShardDone(task.repo, task.repo_id)
    shards = Path(task.shards)
    print_ = fingerprint(Path(task.repo))
    try:
        con = _scratch()
        try:
            if task.previous:
                load_generation(con, generation_folder(shards, task.repo_id, task.previous))
            stored = _repos_row(con, task.repo_id)  # a moved repository's shard still names its old folder
            con.execute("DELETE FROM repos")
            con.execute(
                f"INSERT INTO repos VALUES ({', '.join('?' * len(task.repos_row))})", list(task.repos_row)
            )
            result = index_repository(
                con,
                Path(task.repo),
                on_start=on_start,
                on_advance=on_advance,
                jobs=task.jobs,
                fetch_blobs=task.fetch_blobs,
                lines=task.lines,
                words=task.words,
            )
            done.result = result
            done.fingerprint = print_
            done.head = task.head
            changed = not result.up_to_date or bool(result.worded)  # words kept for a review change it too
            # a partial clone's blobs are not all here: its heartbeat reads HEAD from git, as before
            wanted = task.heads and not result.partial and not result.empty and (changed or not task.head)
            files = _read_heads(task, shards) if wanted else None
            heads = files is not None
            if not task.previous or changed or heads or _repos_row(con, task.repo_id) != stored:
                done.generation = task.previous + 1
                write_generation(
                    con,
                    task.repo_id,
                    shards,
                    done.generation,
                    extra=_writer(files) if files is not None else None,
                )
                done.head = heads
        finally:
            _clear(con)  # kept for this process's next repository: set-up costs 24 ms, emptying 2
    except CptoError as exc:
        done.error = exc.message
    except (duckdb.Error, OSError) as exc:
        done.error = f"{task.repo}: {store.first_line(exc)}"
    return done


def _read_heads(task: ShardTask, shards: Path) -> list[Any] | None:
    """The figures of each file at HEAD (``cpto.heartbeat.headfiles``: the estate heartbeat reads them
    instead of asking git for every changed file of every repository), reading only the blobs the
    previous generation did not hold; None when git cannot say (the shard is written without them and
    the heartbeat asks git, as before)."""
    from cpto.heartbeat import headfiles

    previous = generation_folder(shards, task.repo_id, task.previous) if task.previous and task.head else None
    try:
        known = headfiles.read(previous / headfiles.FILE) if previous is not None else {}
        return headfiles.read_head_files(Path(task.repo), known)
    except (CptoError, OSError, ValueError):
        return None


def _writer(files: list[Any]) -> Callable[[Path], None]:
    from cpto.heartbeat import headfiles

    return lambda folder: headfiles.write(folder, files)


_SCRATCH = threading.local()  # one in-memory index per worker thread, emptied between repositories


def _scratch() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory index with the index's (empty) tables, made once per thread."""
    con: duckdb.DuckDBPyConnection | None = getattr(_SCRATCH, "con", None)
    if con is None:
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        store.create_tables(con)
        _SCRATCH.con = con
    return con


def _clear(con: duckdb.DuckDBPyConnection) -> None:
    """Empty every table of a scratch index; one that cannot be emptied is dropped for a new one."""
    try:
        for table in SHARD_TABLES:
            con.execute(f"DELETE FROM {table}")
    except duckdb.Error:
        con.close()
        _SCRATCH.con = None


def _repos_row(con: duckdb.DuckDBPyConnection, repo_id: int) -> tuple[Any, ...]:
    row = con.execute("SELECT * FROM repos WHERE repo_id = ?", [repo_id]).fetchone()
    return tuple(row) if row else ()


def load_generation(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Fill ``con``'s (empty) index tables from a shard generation's Parquet files."""
    for table in SHARD_TABLES:
        con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)", [str(folder / f"{table}.parquet")])


def write_generation(
    con: duckdb.DuckDBPyConnection,
    repo_id: int,
    shards: Path,
    generation: int,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write the repository's rows of every index table as generation ``generation``, whole or not at all;
    ``extra(folder)`` adds files of its own to the generation before it is named."""
    final = generation_folder(shards, repo_id, generation)
    temporary = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        for table in SHARD_TABLES:
            target = str(temporary / f"{table}.parquet").replace("'", "''")
            con.execute(
                f"COPY (SELECT * FROM {table} WHERE repo_id = {int(repo_id)}) TO '{target}' (FORMAT parquet)"
            )
        if extra is not None:
            extra(temporary)
        shutil.rmtree(final, ignore_errors=True)  # a generation a killed run wrote but never named
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return final


def merge(con: duckdb.DuckDBPyConnection, shards: Path, entries: Sequence[ShardEntry]) -> None:
    """Replace each entry's repository rows in the index with its shard generation, in one transaction,
    and record which generation the index now holds.

    A repository the index holds no generation of is only inserted: deleting its rows would scan every
    table for nothing, which on a first index of an estate grows with the estate. What the index holds
    is read inside the transaction, not remembered from the start of the run: another cpto (the
    forum's re-index) may have loaded the same repository meanwhile."""
    if not entries:
        return
    ids = [e.repo_id for e in entries]
    with store.transaction(con):
        held = loaded_generations(con)
        replaced = [i for i in ids if i in held]
        for table in SHARD_TABLES:
            doomed = ids if table == "repos" else replaced  # a new repository's row was registered first
            if doomed:
                con.execute(f"DELETE FROM {table} WHERE list_contains(?, repo_id)", [doomed])
            files = [str(e.folder(shards) / f"{table}.parquet") for e in entries]
            con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)", [files])
        con.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [[f"shard:{e.repo_id}", str(e.generation)] for e in entries],
        )


def loaded_generations(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Which generation of each shard the index holds."""
    rows = con.execute("SELECT key, value FROM meta WHERE key LIKE 'shard:%'").fetchall()
    return {int(str(k)[6:]): int(v) for k, v in rows if str(k)[6:].isdigit() and str(v).isdigit()}


def export_unsharded(
    con: duckdb.DuckDBPyConnection, shards: Path, catalog: dict[int, ShardEntry]
) -> list[ShardEntry]:
    """Repositories the index holds without a shard (an index written before shards): each written as
    its first generation straight from the index, so upgrading reads nothing from git again."""
    rows = con.execute(
        "SELECT repo_id, path, coalesce(shallow, false), coalesce(partial, false) FROM repos"
    ).fetchall()
    made = []
    for repo_id, path, shallow, partial in rows:
        if int(repo_id) in catalog:
            continue
        write_generation(con, int(repo_id), shards, 1)
        count = con.execute("SELECT count(*) FROM commits WHERE repo_id = ?", [repo_id]).fetchone()
        entry = ShardEntry(
            int(repo_id),
            str(path),
            1,
            commits=int(count[0]) if count else 0,
            shallow=shallow,
            partial=partial,
            unworded=store.count_without_words(con, int(repo_id)),
        )
        catalog[entry.repo_id] = entry
        made.append(entry)
    return made


def prune(shards: Path, entries: Iterable[ShardEntry]) -> None:
    """Delete generations older than the one before each entry's current one (a reader that opened
    the previous one a moment ago can still finish) and temporary folders of killed runs."""
    for entry in entries:
        folder = shards / str(entry.repo_id)
        for child in folder.iterdir() if folder.is_dir() else ():
            name = child.name
            number = name[1:].split(".", 1)[0]
            stale_tmp = ".tmp-" in name
            old = number.isdigit() and int(number) < entry.generation - 1
            if stale_tmp or old:
                shutil.rmtree(child, ignore_errors=True)


def remove_shards(index_path: Path) -> None:
    """Delete every shard and the catalog (``cpto index --rebuild``)."""
    shutil.rmtree(shards_folder(index_path), ignore_errors=True)


def run_tasks(
    tasks: Sequence[ShardTask],
    *,
    workers: int,
    on_done: Callable[[ShardDone], None],
    on_start: ProgressStart | None = None,
    on_advance: ProgressAdvance | None = None,
    cluster: Any = None,
) -> None:
    """Run ``tasks`` here (one worker, or one task), in ``workers`` processes, or on the workers of the
    Dask cluster that ``cluster`` (a connected ``distributed.Client``) is connected to, calling
    ``on_done`` in this process as each finishes, so the catalog and the index are updated as shards land."""
    if cluster is not None:
        from cpto.history.cluster import run_on_cluster

        run_on_cluster(tasks, cluster, on_done=on_done)
        return
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            on_done(index_shard(task, on_start, on_advance))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn, not fork: DuckDB's and git readers' threads in this process must not be copied mid-flight
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(index_shard, task) for task in tasks]
        for future in as_completed(futures):
            on_done(future.result())


@dataclass
class EstateRun:
    """What one ``cpto index`` of an estate did: each repository's result, and the ones that failed."""

    results: list[IndexResult] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def raise_failures(self, total: int) -> None:
        """One line naming every repository that could not be indexed (the others were)."""
        if self.failures:
            shown = "; ".join(self.failures[:5]) + (
                f"; and {len(self.failures) - 5} more" if len(self.failures) > 5 else ""
            )
            raise CptoError(
                f"{len(self.failures)} of {total} repositories could not be indexed (the others were): {shown}"
            )


def index_estate(
    index_path: Path,
    repos: Sequence[Path],
    *,
    jobs: int | None = None,
    workers: int = 1,
    notes: list[str] | None = None,
    on_start: ProgressStart | None = None,
    on_advance: ProgressAdvance | None = None,
    on_repo: Callable[[str, int], None] | None = None,
    cluster: str | None = None,
    fetch_blobs: bool = False,
    lines: bool = True,
    words: bool = True,
) -> EstateRun:
    """Bring every repository's shard and the index up to date; ``workers`` repositories at a time, or
    one task per repository on the Dask cluster whose scheduler is at ``cluster``.

    ``lines`` and ``words`` say what the reports to come need (:func:`index_repository`): without them
    a repository's shard is left without line counts or search words, and a later run that asks for
    them opens the repository again even when its refs did not move.

    ``on_repo(path, remaining)`` is called as each repository is done (the estate's progress);
    ``on_start``/``on_advance`` report commits read when repositories are indexed in this process.
    """
    shards = shards_folder(index_path)
    catalog = read_catalog(shards)
    prints = {p: fingerprint(p) for p in repos}
    # Only an estate's heartbeat reads HEAD's file figures from the shards (one repository's reads HEAD
    # from git as cheaply as they are kept). A run narrowed to one repository of an estate (--only)
    # keeps them too, or the next full run would read that repository's HEAD again from scratch.
    heads = len(repos) > 1 or any(e.head for e in catalog.values())
    if jobs is None and workers > 1:  # git readers per repository: the cores shared among the workers
        jobs = max(1, (os.cpu_count() or 1) // workers) + 1
    run = EstateRun()
    # the cluster is reached first: one that cannot be stops the run before anything is written
    session: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
    if cluster:
        from cpto.history.cluster import session as cluster_session

        session = cluster_session(cluster)
    with session as client:
        with store.open_index(index_path, notes=notes) as con:
            if not catalog and (made := export_unsharded(con, shards, catalog)):
                merge_meta(con, made)
                write_catalog(shards, catalog)
                if notes is not None:
                    notes.append(
                        f"{index_path}: history now kept in one shard per repository ({shards}); nothing read again"
                    )
            loaded = loaded_generations(con)
            # Shards the index does not hold (it was deleted, or a run was killed before loading them):
            # loaded first, so the index knows every repository the shards do before any is registered.
            missing = [
                e
                for e in catalog.values()
                if loaded.get(e.repo_id) != e.generation and e.folder(shards).is_dir()
            ]
            merge(con, shards, missing)
            by_path = {
                str(path): int(rid) for rid, path in con.execute("SELECT repo_id, path FROM repos").fetchall()
            }
            next_id = max(by_path.values(), default=0) + 1
            tasks: list[ShardTask] = []
            order: dict[str, int] = {}
            moved: dict[int, str] = {}
            listed = [p.expanduser().resolve() for p in repos]  # resolved once: 1,000 resolves cost 64 ms
            # Only a row whose folder is not listed now can be a repository that moved; without one, a new
            # folder is a new repository and gets its id without a git process (a first index of an estate).
            can_move = bool(set(by_path) - {str(p) for p in listed})
            new_rows: list[tuple[Any, ...]] = []
            inserted = [0]  # how many of new_rows the index holds
            for repo, resolved in zip(repos, listed, strict=True):
                order[str(resolved)] = len(order)
                repo_id = by_path.get(str(resolved))
                entry = catalog.get(repo_id) if repo_id is not None else None
                fresh = entry is not None and prints[repo] and entry.fingerprint == prints[repo]
                if (
                    entry is not None
                    and fresh
                    and entry.folder(shards).is_dir()
                    and not (fetch_blobs and entry.partial)
                    and not (lines and entry.pending)
                    and not (words and entry.unworded)
                    and (not heads or entry.head or entry.partial or entry.empty)
                ):
                    run.results.append(_unchanged(entry))
                    continue
                if repo_id is None and not can_move and _git_dir(resolved) is not None:
                    repo_id = next_id + len(new_rows)
                    new_rows.append(_new_row(repo_id, resolved))
                    by_path[str(resolved)] = repo_id
                elif repo_id is None:
                    _insert_rows(
                        con, new_rows, inserted
                    )  # the ids given so far, before the index picks the next one
                    try:
                        repo_id, moved_from = _register(con, resolved, listed)
                    except CptoError as exc:
                        run.failures.append(exc.message)
                        continue
                    entry = catalog.get(repo_id)
                    if moved_from:
                        moved[repo_id] = moved_from
                    next_id = max(next_id, repo_id + 1)
                previous = entry.generation if entry is not None and entry.folder(shards).is_dir() else 0
                if new_rows and new_rows[-1][0] == repo_id:
                    row: tuple[Any, ...] | None = new_rows[-1]
                elif any(r[0] == repo_id for r in new_rows):
                    row = next(r for r in new_rows if r[0] == repo_id)
                else:
                    row = con.execute("SELECT * FROM repos WHERE repo_id = ?", [repo_id]).fetchone()
                tasks.append(
                    ShardTask(
                        str(resolved),
                        repo_id,
                        tuple(row or ()),
                        str(shards),
                        previous,
                        jobs,
                        fetch_blobs,
                        lines,
                        words,
                        head=bool(previous and entry is not None and entry.head),
                        heads=heads,
                    )
                )
            _insert_rows(con, new_rows, inserted)
        # The index stays closed while workers read git, so reports can read it meanwhile; it is opened
        # to load each batch of landed shards.
        landed: list[ShardEntry] = []
        pending: list[ShardEntry] = []  # landed, not yet in the index: merged in batches
        last_merge = [time.monotonic()]

        def merge_landed() -> None:
            if pending:
                with store.open_index(index_path) as con:
                    merge(con, shards, pending)
                pending.clear()
                write_catalog(shards, catalog)
            last_merge[0] = time.monotonic()

        def on_done(done: ShardDone) -> None:
            if done.error or done.result is None:
                run.failures.append(done.error or f"{done.repo}: not indexed")
            else:
                run.results.append(done.result)
                r = done.result
                r.moved_from = r.moved_from or moved.get(done.repo_id)
                entry = catalog.get(done.repo_id)
                generation = done.generation or (entry.generation if entry else 0)
                new = ShardEntry(
                    done.repo_id,
                    done.repo,
                    generation,
                    done.fingerprint,
                    commits=r.total_commits,
                    refs=r.refs,
                    shallow=r.shallow,
                    partial=r.partial,
                    empty=r.empty,
                    pending=r.pending,
                    unworded=r.unworded,
                    head=done.head,
                )
                catalog[done.repo_id] = new
                if done.generation or loaded.get(done.repo_id) != generation:
                    pending.append(new)
                landed.append(new)
                due = time.monotonic() - last_merge[0] >= MERGE_EVERY
                if len(pending) >= MERGE_MAX or (len(pending) >= MERGE_BATCH and due):
                    merge_landed()
            if on_repo:
                on_repo(done.repo, len(tasks) - len(landed) - len(run.failures))

        if workers > 1 or cluster:  # the largest first, so the last to finish is a small one
            tasks.sort(key=lambda t: -_size_of(Path(t.repo)))
        run_tasks(
            tasks, workers=workers, on_done=on_done, on_start=on_start, on_advance=on_advance, cluster=client
        )
        merge_landed()
        if tasks:
            write_catalog(shards, catalog)
        prune(shards, landed)
    run.results.sort(key=lambda r: order.get(r.repo, len(order)))
    return run


def _common_dir(git_dir: Path) -> Path:
    """Where a repository's shared git data lives: its git folder, or for a worktree the main
    repository's (named by ``commondir``): refs and objects are there."""
    if (git_dir / "commondir").is_file():
        with contextlib.suppress(OSError):
            return (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
    return git_dir


def _size_of(repo: Path) -> int:
    """About how much history a repository holds: the bytes of its object store's packs (stat only, no
    git), to start the largest first."""
    git_dir = _git_dir(repo)
    if git_dir is None:
        return 0
    objects = _common_dir(git_dir) / "objects"
    total = 0
    with contextlib.suppress(OSError):
        for pack in (objects / "pack").iterdir():
            with contextlib.suppress(OSError):
                total += pack.stat().st_size
    return total


def _new_row(repo_id: int, repo: Path) -> tuple[Any, ...]:
    """A repository's first row of the index's repos table; the worker fills in the rest."""
    columns = store.COLUMNS["repos"]
    values = {"repo_id": repo_id, "path": str(repo), "name": repo.name}
    return tuple(values.get(c) for c in columns)


def _insert_rows(con: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]], done: list[int]) -> None:
    """Register the new repositories of ``rows`` not registered yet (``done[0]`` of them were), in one
    transaction: each statement on its own would cost a commit."""
    fresh = rows[done[0] :]
    if fresh:
        with store.transaction(con):
            con.executemany(f"INSERT INTO repos VALUES ({', '.join('?' * len(fresh[0]))})", fresh)
        done[0] = len(rows)


def merge_meta(con: duckdb.DuckDBPyConnection, entries: Sequence[ShardEntry]) -> None:
    """Record that the index holds these generations (their rows are already in it)."""
    con.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [[f"shard:{e.repo_id}", str(e.generation)] for e in entries],
    )


def _unchanged(entry: ShardEntry) -> IndexResult:
    return IndexResult(
        repo=entry.path,
        total_commits=entry.commits,
        refs=entry.refs,
        shallow=entry.shallow,
        partial=entry.partial,
        empty=entry.empty,
        up_to_date=True,
        pending=entry.pending,
        unworded=entry.unworded,
    )


def _register(con: duckdb.DuckDBPyConnection, repo: Path, siblings: Sequence[Path]) -> tuple[int, str | None]:
    """The id of a repository the index does not know at this folder: a moved one keeps its id (and
    history), a new one gets the next id. Done here, one at a time, so parallel workers never pick the
    same id."""
    from cpto.history import git

    state = git.open_repository(repo)
    with store.transaction(con):
        return store.repo_id_for(
            con,
            state,
            lambda: git.root_commits(state.path, state.tips),
            [p for p in siblings if p != state.path],  # resolved by the caller, once
        )


def default_workers(repositories: int) -> int:
    """Repositories indexed at once by default: one per core when there are several, else this process."""
    return min(repositories, os.cpu_count() or 1) if repositories > 1 else 1


def update_index(index_path: Path, repos: Sequence[Path], *, words: bool = True) -> list[IndexResult]:
    """Bring the index up to date with ``repos``, quietly: what the forum and the weekly snapshot run
    before reading (``cpto index`` adds a progress bar and prints the run's notes). Failures are one
    error naming each repository that could not be indexed. ``words``: keep the review's search words
    (:func:`cpto.review.service.needs_search_words` says whether a workspace's reports need them)."""
    run = index_estate(index_path, repos, workers=default_workers(len(repos)), words=words)
    run.raise_failures(len(repos))
    return run.results

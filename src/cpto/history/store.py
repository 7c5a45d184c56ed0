"""The one index: an embedded DuckDB file holding commits, file changes and refs of each repository.

The index is a cache of what git already knows, so it can always be rebuilt. Every index run writes in
one transaction: a run that is interrupted leaves the previous index exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from cpto.errors import CptoError
from cpto.history.git import LINES_PENDING, CommitBatch, Ref, RepoState

if TYPE_CHECKING:
    import pyarrow as pa

# 2: commit_words; 3: words kept as ids of each repository's vocabulary (words); 4: a repository is
# known by its root commits and remote (roots, remote), not only its folder, and its shallow boundary
# is kept (shallow_commits).
SCHEMA_VERSION = 4

# Each table and its columns: the schema a new index is made with, and the shape an index must have
# to be used as it is.
_TABLES = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    "repos": "repo_id INTEGER PRIMARY KEY, path VARCHAR UNIQUE, name VARCHAR, head_ref VARCHAR, "
    "shallow BOOLEAN, partial BOOLEAN, indexed_at TIMESTAMPTZ, roots VARCHAR, remote VARCHAR, "
    "shallow_commits VARCHAR[]",
    "commits": "repo_id INTEGER, sha VARCHAR, parents VARCHAR[], "
    "author_name VARCHAR, author_email VARCHAR, author_time TIMESTAMPTZ, author_tz SMALLINT, "
    "committer_name VARCHAR, committer_email VARCHAR, committer_time TIMESTAMPTZ, committer_tz SMALLINT, "
    "message VARCHAR, files INTEGER, added INTEGER, deleted INTEGER, diff_complete BOOLEAN",
    "file_changes": 'repo_id INTEGER, sha VARCHAR, path VARCHAR, old_path VARCHAR, added INTEGER, deleted INTEGER, "binary" BOOLEAN',
    "refs": "repo_id INTEGER, name VARCHAR, kind VARCHAR, sha VARCHAR, tag_object VARCHAR, tagger_time TIMESTAMPTZ",
    "problems": "repo_id INTEGER, sha VARCHAR, problem VARCHAR",
    "words": "repo_id INTEGER, word_id INTEGER, word VARCHAR",
    "commit_words": "repo_id INTEGER, sha VARCHAR, message INTEGER[], paths INTEGER[]",
    "change_words": "repo_id INTEGER, sha VARCHAR, path VARCHAR, words INTEGER[]",
}
TABLES = _TABLES  # the index's tables, for the shards (cpto.history.estate) that hold one repository's rows
_SCHEMA = "".join(f"CREATE TABLE IF NOT EXISTS {name} ({columns});\n" for name, columns in _TABLES.items())
_COLUMNS = {
    name: [column.strip().split()[0].strip('"') for column in columns.split(", ")]
    for name, columns in _TABLES.items()
}

COLUMNS = _COLUMNS  # each table's column names, in order

# Schema 3 to 4: repositories get their identity; the roots of a full clone are its commits without
# parents, already in the index (the remote is learnt on the next run, NULL meaning not known yet).
_IDENTITY = """
ALTER TABLE repos ADD COLUMN IF NOT EXISTS roots VARCHAR;
ALTER TABLE repos ADD COLUMN IF NOT EXISTS remote VARCHAR;
ALTER TABLE repos ADD COLUMN IF NOT EXISTS shallow_commits VARCHAR[];
UPDATE repos SET roots = (
    SELECT string_agg(c.sha, ' ' ORDER BY c.sha) FROM commits c
    WHERE c.repo_id = repos.repo_id AND len(c.parents) = 0
) WHERE NOT coalesce(shallow, false);
"""

# Schema 2 kept search words as space-separated text. Each word becomes an id of its repository's
# vocabulary (ids by word order), every list keeping its words in order; rows whose words were all
# empty keep an empty list, so no commit loses its row (and is read from git again).
_WORDS_AS_IDS = """
ALTER TABLE commit_words RENAME TO commit_words_text;
ALTER TABLE change_words RENAME TO change_words_text;
INSERT INTO words
SELECT repo_id, (row_number() OVER (PARTITION BY repo_id ORDER BY word) - 1)::INTEGER, word FROM (
    SELECT DISTINCT repo_id, unnest(string_split(message, ' ')) AS word FROM commit_words_text
    UNION SELECT DISTINCT repo_id, unnest(string_split(paths, ' ')) FROM commit_words_text
    UNION SELECT DISTINCT repo_id, unnest(string_split(words, ' ')) FROM change_words_text
) WHERE word <> '';
CREATE TABLE commit_words (repo_id INTEGER, sha VARCHAR, message INTEGER[], paths INTEGER[]);
CREATE TABLE change_words (repo_id INTEGER, sha VARCHAR, path VARCHAR, words INTEGER[]);
CREATE TEMP TABLE _split AS
SELECT repo_id, sha, NULL::VARCHAR AS path, 0 AS field, string_split(message, ' ') AS list FROM commit_words_text
UNION ALL SELECT repo_id, sha, NULL, 1, string_split(paths, ' ') FROM commit_words_text
UNION ALL SELECT repo_id, sha, path, 2, string_split(words, ' ') FROM change_words_text;
CREATE TEMP TABLE _ids AS
WITH flat AS (
    SELECT repo_id, sha, path, field, unnest(list) AS word, generate_subscripts(list, 1) AS i FROM _split
)
SELECT f.repo_id, f.sha, f.path, f.field, list(w.word_id ORDER BY f.i) AS ids
FROM flat f JOIN words w ON w.repo_id = f.repo_id AND w.word = f.word
GROUP BY ALL;
INSERT INTO commit_words
SELECT c.repo_id, c.sha, coalesce(m.ids, []::INTEGER[]), coalesce(p.ids, []::INTEGER[])
FROM commit_words_text c
LEFT JOIN _ids m ON m.repo_id = c.repo_id AND m.sha = c.sha AND m.field = 0
LEFT JOIN _ids p ON p.repo_id = c.repo_id AND p.sha = c.sha AND p.field = 1;
INSERT INTO change_words
SELECT c.repo_id, c.sha, c.path, coalesce(a.ids, []::INTEGER[])
FROM change_words_text c
LEFT JOIN _ids a ON a.repo_id = c.repo_id AND a.sha = c.sha AND a.path = c.path AND a.field = 2;
DROP TABLE _ids;
DROP TABLE _split;
DROP TABLE commit_words_text;
DROP TABLE change_words_text;
"""


@cache
def _arrow_schemas() -> tuple[pa.Schema, pa.Schema]:
    """The Arrow schemas of commits and file changes, made on first insert: importing PyArrow is kept
    out of commands that only read the index (a no-op ``cpto index`` starts faster)."""
    import pyarrow as pa

    commits = pa.schema(
        [
            ("repo_id", pa.int32()),
            ("sha", pa.string()),
            ("parents", pa.list_(pa.string())),
            ("author_name", pa.string()),
            ("author_email", pa.string()),
            ("author_time", pa.timestamp("s", tz="UTC")),
            ("author_tz", pa.int16()),
            ("committer_name", pa.string()),
            ("committer_email", pa.string()),
            ("committer_time", pa.timestamp("s", tz="UTC")),
            ("committer_tz", pa.int16()),
            ("message", pa.string()),
            ("files", pa.int32()),
            ("added", pa.int32()),
            ("deleted", pa.int32()),
            ("diff_complete", pa.bool_()),
        ]
    )

    changes = pa.schema(
        [
            ("repo_id", pa.int32()),
            ("sha", pa.string()),
            ("path", pa.string()),
            ("old_path", pa.string()),
            ("added", pa.int32()),
            ("deleted", pa.int32()),
            ("binary", pa.bool_()),
        ]
    )
    return commits, changes


@contextmanager
def open_index(
    path: Path, *, read_only: bool = False, notes: list[str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the index file, creating it and its folder when writing; a clear error when it is busy.

    Opened for writing, an index written by an older cpto is upgraded in place (one transaction); one
    that cannot be (a newer cpto's, an unknown schema, a table missing) is started over, since it is a
    cache of git, and ``notes`` gets one line saying so. A file DuckDB cannot read at all is a one-line
    error pointing at ``cpto index --rebuild``.
    """
    if read_only and not path.exists():
        raise CptoError(f"{path}: no index yet; run `cpto index` first")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CptoError(f"{path.parent}: cannot hold the index: {exc.strerror or exc}") from None
    con = _connect(path, read_only)
    try:
        con.execute("SET TimeZone = 'UTC'")  # the same answers on every machine
        if not read_only:
            problem = _upgrade(con)
            if problem:
                con.close()
                remove_index(path)
                con = _connect(path, read_only)
                con.execute("SET TimeZone = 'UTC'")
                _upgrade(con)
                if notes is not None:
                    notes.append(f"{path}: {problem}; started the index over from git")
        elif (version := schema_version(con)) != SCHEMA_VERSION:
            age = "an older" if version < SCHEMA_VERSION else "a newer"
            raise CptoError(
                f"{path}: index written by {age} cpto (schema {version}, this cpto reads {SCHEMA_VERSION});"
                " run `cpto index` to bring it up to date"
            )
    except duckdb.Error as exc:
        con.close()
        raise _damaged(path, exc) from None
    try:
        yield con
    finally:
        con.close()


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise CptoError(f"{path}: the index is in use by another cpto process; try again") from None
        raise _damaged(path, exc) from None
    except duckdb.Error as exc:
        raise _damaged(path, exc) from None


def _damaged(path: Path, exc: BaseException) -> CptoError:
    return CptoError(
        f"{path}: the index is unreadable ({_first_line(exc)}); run `cpto index --rebuild` to start it over"
    )


def remove_index(path: Path) -> None:
    """Delete an index file and its write-ahead log: the next run rebuilds it from git."""
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            file.unlink(missing_ok=True)
        except OSError as exc:
            raise CptoError(f"{file}: cannot remove the index: {exc.strerror or exc}") from None


def _upgrade(con: duckdb.DuckDBPyConnection) -> str:
    """Bring the index to SCHEMA_VERSION in one transaction; "" when done, else why it cannot be.

    Each older schema has its step (1: the word tables are created, filled on the next run; 2: words as
    text become ids; 3: repositories get their identity). A current index is only checked for shape.
    """
    tables = _tables(con)
    if not tables:
        with transaction(con):
            con.execute(_SCHEMA)
            _set_version(con)
        return ""
    version = schema_version(con)
    if version == SCHEMA_VERSION:
        return "" if _shape_ok(tables) else "the index is missing tables or columns"
    if version > SCHEMA_VERSION:
        return f"index written by a newer cpto (schema {version}; this cpto writes {SCHEMA_VERSION})"
    if version < 1 or "commits" not in tables or "repos" not in tables:
        return "index written by an early cpto with no known upgrade"
    try:
        with transaction(con):
            if version < 3:
                con.execute(
                    "".join(
                        f"CREATE TABLE IF NOT EXISTS {n} ({_TABLES[n]});\n" for n in ("words", "problems")
                    )
                )
                if _column_type(con, "commit_words", "message") == "VARCHAR":
                    con.execute(_WORDS_AS_IDS)
                else:
                    con.execute(
                        "".join(
                            f"CREATE TABLE IF NOT EXISTS {n} ({_TABLES[n]});\n"
                            for n in ("commit_words", "change_words")
                        )
                    )
            con.execute(_IDENTITY)
            con.execute(_SCHEMA)
            if not _shape_ok(_tables(con)):
                raise CptoError("the upgraded index is missing tables or columns")
            _set_version(con)
    except (duckdb.Error, CptoError) as exc:
        return f"index written by cpto schema {version} could not be upgraded ({_first_line(exc)})"
    return ""


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each table of the index and its columns, in order."""
    rows = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns()"
        " WHERE database_name = current_database() AND schema_name = 'main' GROUP BY table_name"
    ).fetchall()
    return {str(name): list(columns) for name, columns in rows}


def _shape_ok(tables: dict[str, list[str]]) -> bool:
    return all(tables.get(name) == columns for name, columns in _COLUMNS.items())


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The index's tables in an empty database (a shard's worker builds one in memory)."""
    con.execute(_SCHEMA)
    _set_version(con)


def _set_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema the index was last written with (0 for an index without one)."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.CatalogException:
        return 0
    value = str(row[0]).strip() if row else ""
    return int(value) if value.isdigit() else 0


def _column_type(con: duckdb.DuckDBPyConnection, table: str, column: str) -> str | None:
    row = con.execute(
        "SELECT data_type FROM duckdb_columns() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return str(row[0]) if row else None


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: commit on success, roll back on any error or interruption.

    A write DuckDB cannot make (a full disk, a file cut short) is a one-line error; what was committed
    before stays as it was, so the previous index is still usable.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException as exc:
        with suppress(duckdb.Error):  # a failed commit has already ended the transaction
            con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error) and not isinstance(
            exc, duckdb.CatalogException | duckdb.BinderException
        ):
            raise CptoError(
                f"{_database_file(con)}: cannot write the index ({_first_line(exc)}); the previous index is"
                " kept: free some disk space and run `cpto index` again, or `cpto index --rebuild`"
            ) from None
        raise


def _database_file(con: duckdb.DuckDBPyConnection) -> str:
    try:
        row = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    except duckdb.Error:
        return "index"
    return str(row[0]) if row and row[0] else "index"


def indexed_repo_id(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The id of the already-indexed repository at ``path``; a one-line error if it is not indexed."""
    row = con.execute("SELECT repo_id FROM repos WHERE path = ?", [str(path)]).fetchone()
    if row is None:
        raise CptoError(f"{path}: repository is not indexed yet; run cpto index first")
    return int(row[0])


def head_commit(con: duckdb.DuckDBPyConnection, repo_id: int) -> str | None:
    """The commit HEAD pointed at when the repository was indexed: its branch's tip, or a detached HEAD."""
    row = con.execute(
        "SELECT r.sha FROM refs r JOIN repos p ON p.repo_id = r.repo_id WHERE r.repo_id = ?"
        " AND (r.kind = 'head' OR (r.kind = 'branch' AND 'refs/heads/' || r.name = p.head_ref)) LIMIT 1",
        [repo_id],
    ).fetchone()
    return str(row[0]) if row else None


def repo_id_for(
    con: duckdb.DuckDBPyConnection,
    state: RepoState,
    roots: Callable[[], list[str]],
    siblings: Iterable[Path] = (),
) -> tuple[int, str | None]:
    """The id of the repository ``state`` describes and, when it was indexed in another folder (a moved
    or renamed workspace), that folder; a repository seen for the first time is registered.

    A repository is its root commits plus its remote (a fork shares the roots, not the remote), so a
    moved folder keeps its history once instead of counting every commit twice. ``roots`` is called
    only when the folder is new to the index; a shallow clone has no roots to go by and is known by its
    folder only. ``siblings`` are the other repositories indexed with this one: two clones of one
    repository in a workspace stay two rows, each at its folder.
    """
    path = str(state.path)
    row = con.execute("SELECT repo_id FROM repos WHERE path = ?", [path]).fetchone()
    if row:
        return int(row[0]), None
    found = None
    if not state.shallow and state.refs:
        found = con.execute(
            "SELECT repo_id, path FROM repos WHERE roots = ? AND (remote IS NULL OR remote = ?)"
            " AND NOT list_contains(?, path) ORDER BY indexed_at DESC NULLS LAST, repo_id LIMIT 1",
            [" ".join(roots()), state.remote, sorted({str(p) for p in siblings})],
        ).fetchone()
    if found:
        con.execute(
            "UPDATE repos SET path = ?, name = ? WHERE repo_id = ?", [path, state.path.name, found[0]]
        )
        return int(found[0]), str(found[1])
    next_id = con.execute("SELECT coalesce(max(repo_id), 0) + 1 FROM repos").fetchone()
    repo_id = int(next_id[0]) if next_id else 1
    con.execute("INSERT INTO repos (repo_id, path, name) VALUES (?, ?, ?)", [repo_id, path, state.path.name])
    return repo_id, None


def stored_remote(con: duckdb.DuckDBPyConnection, repo_id: int) -> str | None:
    """The normalised remote the previous run saw (None when unknown)."""
    rows = con.execute("SELECT remote FROM repos WHERE repo_id = ?", [repo_id]).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def stored_shallow_commits(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[str]:
    """The shallow boundary the previous run saw (empty for a full clone)."""
    rows = con.execute("SELECT shallow_commits FROM repos WHERE repo_id = ?", [repo_id]).fetchall()
    return sorted(rows[0][0] or []) if rows else []


def has_commits(con: duckdb.DuckDBPyConnection, repo_id: int) -> bool:
    """Whether the index holds any commit of the repository."""
    return bool(con.execute("SELECT 1 FROM commits WHERE repo_id = ? LIMIT 1", [repo_id]).fetchall())


def stored_refs(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[Ref]:
    """The refs recorded by the previous run, which mark what is already indexed."""
    rows = con.execute(
        "SELECT name, kind, sha, tag_object, epoch(tagger_time)::BIGINT FROM refs WHERE repo_id = ?"
        " ORDER BY kind, name",
        [repo_id],
    ).fetchall()
    return [Ref(name=r[0], kind=r[1], commit=r[2], tag_object=r[3], tagger_time=r[4]) for r in rows]


def indexed_shas(con: duckdb.DuckDBPyConnection, repo_id: int, among: Sequence[str]) -> set[str]:
    """Which of ``among`` are already in the index."""
    import pyarrow as pa

    if not among:
        return set()
    table = pa.table({"sha": pa.array(list(among), pa.string())})
    con.register("_among", table)
    try:
        rows = con.execute(
            "SELECT c.sha FROM commits c JOIN _among a ON c.sha = a.sha WHERE c.repo_id = ?", [repo_id]
        ).fetchall()
    finally:
        con.unregister("_among")
    return {r[0] for r in rows}


def insert_batch(con: duckdb.DuckDBPyConnection, repo_id: int, batch: CommitBatch) -> None:
    """Bulk-insert one batch of commits, file changes and problems through Arrow."""
    import pyarrow as pa

    n = len(batch)
    if n:
        commits = pa.table(
            [
                pa.array([repo_id] * n, pa.int32()),
                pa.array(batch.sha, pa.string()),
                pa.array(batch.parents, pa.list_(pa.string())),
                pa.array(batch.author_name, pa.string()),
                pa.array(batch.author_email, pa.string()),
                pa.array(batch.author_time, pa.timestamp("s", tz="UTC")),
                pa.array(batch.author_tz, pa.int16()),
                pa.array(batch.committer_name, pa.string()),
                pa.array(batch.committer_email, pa.string()),
                pa.array(batch.committer_time, pa.timestamp("s", tz="UTC")),
                pa.array(batch.committer_tz, pa.int16()),
                pa.array(batch.message, pa.string()),
                pa.array(batch.files, pa.int32()),
                pa.array(batch.added, pa.int32()),
                pa.array(batch.deleted, pa.int32()),
                pa.array(batch.diff_complete, pa.bool_()),
            ],
            schema=_arrow_schemas()[0],
        )
        _append(con, "commits", commits)
    m = len(batch.change_sha)
    if m:
        changes = pa.table(
            [
                pa.array([repo_id] * m, pa.int32()),
                pa.array(batch.change_sha, pa.string()),
                pa.array(batch.change_path, pa.string()),
                pa.array(batch.change_old_path, pa.string()),
                pa.array(batch.change_added, pa.int32()),
                pa.array(batch.change_deleted, pa.int32()),
                pa.array(batch.change_binary, pa.bool_()),
            ],
            schema=_arrow_schemas()[1],
        )
        _append(con, "file_changes", changes)
    if batch.problems:  # in bulk: a partial clone can have a problem on every commit
        problems = pa.table(
            {
                "repo_id": pa.array([repo_id] * len(batch.problems), pa.int32()),
                "sha": pa.array([sha for sha, _ in batch.problems], pa.string()),
                "problem": pa.array([problem for _, problem in batch.problems], pa.string()),
            }
        )
        _append(con, "problems", problems)


def _append(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    """Append an Arrow table to ``table`` by name (DuckDB scans the registered Arrow data)."""
    con.register("_batch", data)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _batch")
    finally:
        con.unregister("_batch")


def delete_commits(con: duckdb.DuckDBPyConnection, repo_id: int, shas: Iterable[str]) -> int:
    """Drop commits (and their changes and problems) that no ref reaches any more."""
    import pyarrow as pa

    table = pa.table({"sha": pa.array(list(shas), pa.string())})
    if not table.num_rows:
        return 0
    con.register("_gone", table)
    try:
        for name in ("commits", "file_changes", "problems", "commit_words", "change_words"):
            con.execute(f"DELETE FROM {name} WHERE repo_id = ? AND sha IN (SELECT sha FROM _gone)", [repo_id])
    finally:
        con.unregister("_gone")
    return int(table.num_rows)


def graph_commits(con: duckdb.DuckDBPyConnection) -> str:
    """The table the history's graph is read from: ``commits``, or on a connection narrowed to a path
    or a team (``cpto.workspace.narrow.restrict_index``) ``commit_graph``, every commit of the chosen
    repositories. Tags, releases and what reaches what are the repository's whole graph even when the
    commits counted are some people's or some folder's: a release tagged on a commit outside the team
    still ships the team's commits before it."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = 'commit_graph'"
    ).fetchone()
    return "commit_graph" if row and row[0] else "commits"


def count_without_words(con: duckdb.DuckDBPyConnection, repo_id: int) -> int:
    """How many of the repository's commits have no search words in the index (see ``commits_without_words``)."""
    row = con.execute(
        """
        SELECT count(*) FROM commits c
        ANTI JOIN commit_words w ON w.repo_id = c.repo_id AND w.sha = c.sha
        WHERE c.repo_id = ?
        """,
        [repo_id],
    ).fetchone()
    return int(row[0]) if row else 0


def commits_without_words(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[tuple[str, str, list[str]]]:
    """(sha, message, changed paths) of the commits whose search words are not in the index yet: new
    commits, and every commit of an index written before words were kept."""
    rows = con.execute(
        """
        SELECT c.sha, c.message, list(f.path ORDER BY f.path) FILTER (WHERE f.path IS NOT NULL)
        FROM commits c
        LEFT JOIN file_changes f ON f.repo_id = c.repo_id AND f.sha = c.sha
        ANTI JOIN commit_words w ON w.repo_id = c.repo_id AND w.sha = c.sha
        WHERE c.repo_id = ?
        GROUP BY ALL
        ORDER BY c.sha
        """,
        [repo_id],
    ).fetchall()
    return [(r[0], r[1] or "", list(r[2] or ())) for r in rows]


class Vocabulary:
    """One repository's words and their ids (0, 1, 2, ... in the order first met): the index keeps each
    distinct word once and every commit's words as ids, so a review reads integers, not text."""

    def __init__(self, con: duckdb.DuckDBPyConnection, repo_id: int) -> None:
        rows = con.execute("SELECT word, word_id FROM words WHERE repo_id = ?", [repo_id]).fetchall()
        self.repo_id = repo_id
        self._ids: dict[str, int] = {word: int(i) for word, i in rows}
        self._next = max(self._ids.values(), default=-1) + 1
        self._new: list[str] = []

    def ids(self, words: Iterable[str]) -> list[int]:
        """The ids of ``words``, new words getting the next ones."""
        known = self._ids
        out = []
        for word in words:
            found = known.get(word)
            if found is None:
                found = known[word] = self._next
                self._next += 1
                self._new.append(word)
            out.append(found)
        return out

    def take_new(self) -> list[tuple[int, str]]:
        """(id, word) of the words met since the last call: the rows ``words`` still lacks."""
        new, self._new = self._new, []
        return [(self._ids[word], word) for word in new]


def insert_words(
    con: duckdb.DuckDBPyConnection,
    vocabulary: Vocabulary,
    commits: Sequence[tuple[str, list[int], list[int]]],
    changes: Sequence[tuple[str, str, list[int]]],
) -> None:
    """Store search words as ids of ``vocabulary``: (sha, message words, path words) per commit and
    (sha, path, added words) per changed file; the words new to the vocabulary are stored with them."""
    import pyarrow as pa

    repo_id = vocabulary.repo_id
    new = vocabulary.take_new()
    ids = pa.list_(pa.int32())
    if new:
        _append(
            con,
            "words",
            pa.table(
                {
                    "repo_id": pa.array([repo_id] * len(new), pa.int32()),
                    "word_id": pa.array([i for i, _ in new], pa.int32()),
                    "word": pa.array([w for _, w in new], pa.string()),
                }
            ),
        )
    if commits:
        _append(
            con,
            "commit_words",
            pa.table(
                {
                    "repo_id": pa.array([repo_id] * len(commits), pa.int32()),
                    "sha": pa.array([r[0] for r in commits], pa.string()),
                    "message": pa.array([r[1] for r in commits], ids),
                    "paths": pa.array([r[2] for r in commits], ids),
                }
            ),
        )
    if changes:
        _append(
            con,
            "change_words",
            pa.table(
                {
                    "repo_id": pa.array([repo_id] * len(changes), pa.int32()),
                    "sha": pa.array([r[0] for r in changes], pa.string()),
                    "path": pa.array([r[1] for r in changes], pa.string()),
                    "words": pa.array([r[2] for r in changes], ids),
                }
            ),
        )


def incomplete_shas(con: duckdb.DuckDBPyConnection, repo_id: int) -> set[str]:
    """The commits indexed without their file changes' text (``diff_complete`` false)."""
    rows = con.execute(
        "SELECT sha FROM commits WHERE repo_id = ? AND NOT diff_complete", [repo_id]
    ).fetchall()
    return {r[0] for r in rows}


def pending_shas(con: duckdb.DuckDBPyConnection, repo_id: int) -> list[str]:
    """The commits indexed by the first phase (commits and paths) whose line counts are not computed
    yet, sorted: what the second phase reads."""
    rows = con.execute(
        "SELECT DISTINCT sha FROM problems WHERE repo_id = ? AND problem = ? ORDER BY sha",
        [repo_id, LINES_PENDING],
    ).fetchall()
    return [r[0] for r in rows]


def count_pending(con: duckdb.DuckDBPyConnection) -> int:
    """How many commits of the whole index wait for their line counts: a report that sums lines says
    so (``pending_note``) instead of printing an undercount, since SQL's sum() skips the NULLs."""
    try:
        row = con.execute(
            "SELECT count(DISTINCT (repo_id, sha)) FROM problems WHERE problem = ?", [LINES_PENDING]
        ).fetchone()
    except duckdb.CatalogException:  # an index of an older cpto, or a narrowed view without problems
        return 0
    return int(row[0]) if row else 0


def pending_note(con: duckdb.DuckDBPyConnection) -> str | None:
    """The one line a report reading line counts shows while some are missing, or None."""
    n = count_pending(con)
    if not n:
        return None
    return (
        f"line counts not computed yet for {n} commit{'s' if n != 1 else ''}; run `cpto index` "
        "(lines, churn and sizes below leave them out)"
    )


def replace_commits(con: duckdb.DuckDBPyConnection, repo_id: int, batch: CommitBatch) -> None:
    """Put ``batch`` in place of the rows its commits had (the second phase: the same commits, now
    with line counts). Call it inside a transaction, so each commit is either counted or still pending."""
    delete_commits(con, repo_id, [*batch.sha, *(sha for sha, _ in batch.problems if sha)])
    insert_batch(con, repo_id, batch)


def all_indexed_shas(con: duckdb.DuckDBPyConnection, repo_id: int) -> set[str]:
    """Every commit of the repository in the index (used only to reconcile rewritten history)."""
    return {r[0] for r in con.execute("SELECT sha FROM commits WHERE repo_id = ?", [repo_id]).fetchall()}


def save_repo_state(con: duckdb.DuckDBPyConnection, repo_id: int, state: RepoState) -> None:
    """Record the refs and repository flags that this run indexed up to."""
    import pyarrow as pa

    con.execute("DELETE FROM refs WHERE repo_id = ?", [repo_id])
    refs = state.refs
    if refs:
        table = pa.table(
            {
                "repo_id": pa.array([repo_id] * len(refs), pa.int32()),
                "name": pa.array([r.name for r in refs], pa.string()),
                "kind": pa.array([r.kind for r in refs], pa.string()),
                "sha": pa.array([r.commit for r in refs], pa.string()),
                "tag_object": pa.array([r.tag_object for r in refs], pa.string()),
                # ints straight into the timestamp type: a cast would import pyarrow.compute (0.3 s)
                "tagger_time": pa.array([r.tagger_time for r in refs], pa.timestamp("s", tz="UTC")),
            }
        )
        _append(con, "refs", table)
    roots = None
    if not state.shallow:
        rows = con.execute(
            "SELECT string_agg(sha, ' ' ORDER BY sha) FROM commits WHERE repo_id = ? AND len(parents) = 0",
            [repo_id],
        ).fetchall()  # all, not one: DuckDB 2 refuses the next statement while a result is unfinished
        roots = rows[0][0] if rows else None
    con.execute(
        "UPDATE repos SET head_ref = ?, shallow = ?, partial = ?, indexed_at = now(), roots = ?, remote = ?,"
        " shallow_commits = ? WHERE repo_id = ?",
        [state.head_ref, state.shallow, state.partial, roots, state.remote, state.shallow_commits, repo_id],
    )


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, for one-line errors."""
    return _first_line(exc)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

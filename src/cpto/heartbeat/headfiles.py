"""What the heartbeat needs from each file at HEAD, kept in the repository's shard at index time.

Why: a hotspot is changes x complexity, and complexity is only known by reading the file. At report
time that meant one ``git cat-file`` per repository and a content check per changed code file: on an
estate of 1,000 repositories x 300 commits, 9 of the heartbeat's 21 seconds. The shard's worker reads
HEAD anyway, on a core of its own, and a file's figures only change with its blob: so each shard
generation keeps, per file at HEAD, its blob id, size, indentation complexity, TODO markers and
whether its content marks it generated (GitHub Linguist's check), and a re-index reads only the blobs
that changed. Report time reads them for every repository in one query.

The figures are the ones :func:`cpto.heartbeat.hotspots.hotspots` computes from git (the same text
limits: at most 1 MiB, not binary); what counts as code is still decided at report time by
:class:`cpto.history.filekinds.FileKinds` (records, ``[code]``, .gitattributes), given the stored
content flag instead of the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

FILE = "head_files.parquet"  # beside a shard generation's table files


@dataclass(frozen=True)
class HeadFile:
    """One file at HEAD: ``text`` false for binary and oversized files (no figures then)."""

    path: str
    oid: str
    size: int
    text: bool
    complexity: int
    markers: int
    generated: bool | None  # its content marks it generated; None: not read (not code by its path)


def read_head_files(repo: Path, previous: Mapping[tuple[str, str], HeadFile] | None = None) -> list[HeadFile]:
    """Every file at HEAD with its figures; files whose (path, blob) ``previous`` holds are not read
    again. A repository without HEAD has none."""
    from cpto.heartbeat.hotspots import indentation_complexity, markers
    from cpto.history.filekinds import CODE, generated_by_content, kind_of
    from cpto.history.git import read_tree_files, resolve_commit

    if resolve_commit(repo, "HEAD") is None:
        return []
    known = previous or {}

    def wanted(path: str, blob: str) -> bool:
        # Only code by its path is read: nothing else can be a hotspot unless .gitattributes or [code]
        # make it code, and then the report reads it from git (``generated`` None says so).
        return (path, blob) not in known and kind_of(path) == CODE

    out: list[HeadFile] = []
    for f in read_tree_files(repo, "HEAD", wanted=wanted):  # up to MAX_TEXT_BYTES, as the hotspots read
        if f.skipped == "submodule":
            continue
        if f.skipped == "not read":
            out.append(known.get((f.path, f.object)) or HeadFile(f.path, f.object, f.size, True, 0, 0, None))
            continue
        if f.text is None:
            out.append(HeadFile(f.path, f.object, f.size, False, 0, 0, None))
            continue
        generated = generated_by_content(f.path, f.text)
        complexity = indentation_complexity(f.text)
        out.append(HeadFile(f.path, f.object, f.size, True, complexity, markers(f.text), generated))
    return out


def to_table(files: list[HeadFile]) -> pa.Table:
    import pyarrow as pa

    return pa.table(
        {
            "path": pa.array([f.path for f in files], pa.string()),
            "oid": pa.array([f.oid for f in files], pa.string()),
            "size": pa.array([f.size for f in files], pa.int64()),
            "text": pa.array([f.text for f in files], pa.bool_()),
            "complexity": pa.array([f.complexity for f in files], pa.int64()),
            "markers": pa.array([f.markers for f in files], pa.int64()),
            "generated": pa.array([f.generated for f in files], pa.bool_()),
        }
    )


def write(folder: Path, files: list[HeadFile]) -> None:
    """Write ``files`` as ``folder``/head_files.parquet (the caller renames the whole folder into place)."""
    import pyarrow.parquet as pq

    pq.write_table(to_table(files), folder / FILE)


def read(path: Path) -> dict[tuple[str, str], HeadFile]:
    """A generation's head files by (path, blob), for the next generation to reuse; {} when it has none."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return {}
    rows = pq.read_table(path).to_pylist()
    return {(r["path"], r["oid"]): HeadFile(**r) for r in rows}

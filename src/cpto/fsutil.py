"""Files on disk, safely: writes that a crash never tears, and that never follow a link out of the
workspace; globs that skip such links, never go round a loop and name each real file once.

A hostile repository can commit symbolic links (``decisions/0042-x.md -> ~/.bashrc``,
``docs/prd/up -> ..``). Every record writer and every scan over workspace content goes through this
module, so the rule is kept in one place: a link that stays inside the workspace is followed (and a
linked record is edited where it lives); a link that leaves it is refused by writers and skipped, with a
warning, by globs; a folder link that leads back to a folder above it is a loop and is not followed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from cpto.errors import CptoError

MARKERS = ("cpto.toml", ".git")  # a folder holding one of these is a workspace (or a repository) root
_MAGIC = frozenset("*?[")


def atomic_write_text(path: Path, text: str | Iterable[str], *, workspace: Path | None = None) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``;
    anything the system refuses is a one-line error naming ``path``.

    A symbolic link is written through (its target is replaced, the link stays). With ``workspace``
    (every record writer passes it), a link that leads out of the workspace is refused and nothing is
    written; without it (``--output FILE``, which the user names) the link is followed wherever it
    goes. A path that is not a regular file (a folder, a pipe, a device) is refused rather than
    replaced. The file keeps the mode it had, or gets the umask's default when new; the mode is set on
    the temporary file before the rename, so the file never shows other permissions.
    """
    real = inside_workspace(path, workspace) if workspace is not None else Path(os.path.realpath(path))
    try:
        _replace(real, text)
    except OSError as exc:
        raise CptoError(f"{path}: cannot write: {exc.strerror or exc}") from None


def inside_workspace(path: Path, root: Path | None = None) -> Path:
    """The real file ``path`` names (through any links), or a one-line error when that lies outside the
    workspace: a writer calls this before it writes anything.

    The workspace is ``root`` when ``path`` lies under it, else the one :func:`workspace_root` finds
    above ``path`` (a record folder configured outside the workspace, in another repository, is bounded
    by that repository).
    """
    real = Path(os.path.realpath(path))
    bound = _boundary(path, root)
    if not real.is_relative_to(bound):
        raise CptoError(f"{path}: links to {real}, outside the workspace {bound}; nothing was written")
    return real


def workspace_root(path: Path) -> Path:
    """The real folder of the workspace ``path`` belongs to, for a caller that was not told.

    Read from the top down: the deepest folder above ``path`` that holds cpto.toml or .git, unless it
    was reached through a link below an outer such folder (``decisions -> ~`` must not make ``~`` the
    workspace because it holds a .git). Links above every marker (``/tmp`` on macOS) do not count. With
    no marker at all, the real folder that holds ``path``.
    """
    parts = Path(os.path.abspath(path)).parts
    real = parts[0]
    root: str | None = None
    crossed = False  # a link was followed since the current root was chosen
    for name in parts[1:]:  # the last too: a folder may be the workspace (a file holds no marker)
        here = os.path.join(real, name)
        if root is not None and os.path.islink(here):
            crossed = True
        real = os.path.realpath(here)
        if (root is None or not crossed) and any(os.path.lexists(os.path.join(real, m)) for m in MARKERS):
            root = real
    return Path(root if root is not None else os.path.dirname(real) if not os.path.isdir(real) else real)


def _boundary(path: Path, root: Path | None) -> Path:
    """The real folder no link from ``path`` may leave: ``root`` when ``path`` is under it, else inferred."""
    if root is not None:
        lexical = os.path.normpath(os.path.abspath(path))
        real_root = os.path.realpath(root)
        for top in (os.path.normpath(os.path.abspath(root)), real_root):
            if lexical == top or lexical.startswith(top.rstrip(os.sep) + os.sep):
                return Path(real_root)
    return workspace_root(path)


def _replace(path: Path, text: str | Iterable[str]) -> None:
    try:
        existing = path.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise CptoError(f"{path}: not a regular file; cpto writes only files")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)  # pieces as they are made (a large JSON report)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


# --------------------------------------------------------------------------------------------------
# Globs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A path a glob did not follow, and why (``str()`` gives the one line to show)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Found(list[Path]):
    """The files a workspace glob matched, in path order, and ``skipped``: each link it did not follow
    and why, for the caller to show (a list, so callers that only want the files use it as one)."""

    def __init__(self, files: Iterable[Path] = (), skipped: Iterable[Skipped] = ()) -> None:
        super().__init__(files)
        self.skipped = list(skipped)


def workspace_glob(
    folder: Path,
    pattern: str,
    *,
    root: Path | None = None,
    skip_dir: Callable[[str], bool] | None = None,
    limit: int | None = None,
) -> Found:
    """The regular files under ``folder`` matching ``pattern`` (``*.md``, ``docs/prd/**/*.md``), each
    real file once, without following a link out of the workspace or round a loop.

    Matching is :func:`glob.glob`'s with ``recursive=True``: ``*`` and ``?`` stay within a name and do
    not match a leading dot, ``**`` is any number of folders (hidden ones left out). Links are followed
    only while they stay inside the workspace (``root``, else :func:`workspace_root` of ``folder``); one
    that leaves it, points nowhere, or leads back to a folder above it (``up -> ..``, ``self -> .``) is
    skipped and named in ``skipped``. A file reached by several paths (a link beside its target) is
    listed once, under its own path when that matched. ``skip_dir`` (a folder's path relative to
    ``folder``, with ``/``) leaves folders out unread; ``limit`` stops after that many files.
    """
    full = os.path.join(os.path.abspath(folder), pattern)
    parts = [p for p in full.replace(os.sep, "/").split("/") if p not in ("", ".")]
    fixed = 0
    while fixed < len(parts) - 1 and not _MAGIC & set(parts[fixed]):
        fixed += 1
    base = os.sep + os.path.join(*parts[:fixed]) if fixed else os.sep
    walk = _Walk(folder, _boundary(Path(base), root), parts[fixed:], skip_dir, limit)
    if not os.path.lexists(base):
        return Found()
    real_base = os.path.realpath(base)
    if not walk.allowed(base, real_base):
        return Found(skipped=walk.skipped)
    if os.path.isdir(real_base):
        walk.expand(base, real_base, 0, (real_base,))
    return Found(walk.files(), walk.skipped)


class _Walk:
    """One glob's walk: real folders it has expanded at each step of the pattern (so nothing is read
    twice and no loop goes round), the files it found by real path, and the links it skipped."""

    def __init__(
        self,
        folder: Path,
        bound: Path,
        parts: list[str],
        skip_dir: Callable[[str], bool] | None,
        limit: int | None,
    ) -> None:
        self.folder = os.path.abspath(folder)
        self.bound = str(bound)
        self.parts = parts
        self.skip_dir = skip_dir
        self.limit = limit
        self.seen: set[tuple[str, int]] = set()
        self.found: dict[str, list[str]] = {}
        self.skipped: list[Skipped] = []

    def full(self) -> bool:
        return self.limit is not None and len(self.found) >= self.limit

    def allowed(self, lexical: str, real: str) -> bool:
        """Whether the walk may use ``lexical`` (real path ``real``); a link that may not is noted."""
        if not os.path.exists(real):
            self._skip(lexical, f"links to {real}, which does not exist; skipped")
        elif real == self.bound or real.startswith(self.bound.rstrip(os.sep) + os.sep):
            return True
        else:
            self._skip(lexical, f"links to {real}, outside the workspace {self.bound}; not followed")
        return False

    def expand(self, lexical: str, real: str, at: int, above: tuple[str, ...]) -> None:
        """Match ``parts[at:]`` inside the folder ``lexical`` (real path ``real``; ``above``: the real
        folders it was reached through)."""
        if (real, at) in self.seen or self.full() or at >= len(self.parts):
            return
        self.seen.add((real, at))
        part = self.parts[at]
        last = at == len(self.parts) - 1
        if part == "**" and not last:
            self.expand(lexical, real, at + 1, above)  # ** as no folder at all
        for name, is_link, is_dir in self._entries(lexical, real):
            if self.full():
                return
            if name.startswith(".") and not part.startswith("."):
                continue  # glob leaves hidden names to patterns that ask for them
            if part != "**" and not fnmatchcase(name, part):
                continue
            path = os.path.join(lexical, name)
            target = os.path.join(real, name)
            if is_link:
                target = os.path.realpath(path)
                if not self.allowed(path, target):
                    continue
                is_dir = os.path.isdir(target)
            if is_dir:
                if (last and part != "**") or self._skipped_dir(path) or self._loops(path, target, above):
                    continue
                self.expand(path, target, at if part == "**" else at + 1, (*above, target))
            elif last and os.path.isfile(target):
                self.found.setdefault(target, []).append(path)

    def _entries(self, lexical: str, real: str) -> list[tuple[str, bool, bool]]:
        """The folder's names, whether each is a link, and whether it is a folder (links: not looked at)."""
        try:
            with os.scandir(real) as it:
                return sorted((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in it)
        except OSError as exc:
            self._skip(lexical, f"cannot read the folder: {exc.strerror or exc}; skipped")
            return []

    def _skipped_dir(self, path: str) -> bool:
        if self.skip_dir is None:
            return False
        rel = os.path.relpath(path, self.folder).replace(os.sep, "/")
        return self.skip_dir(rel)

    def _loops(self, lexical: str, target: str, above: tuple[str, ...]) -> bool:
        """Whether the folder ``target`` holds one the walk is already inside (``up -> ..``, ``self -> .``)."""
        inner = target.rstrip(os.sep) + os.sep
        if not any(a == target or a.startswith(inner) for a in above):
            return False
        self._skip(lexical, f"links to {target}, a folder that holds it (a loop); not followed")
        return True

    def _skip(self, path: str, reason: str) -> None:
        if Skipped(path, reason) not in self.skipped:
            self.skipped.append(Skipped(path, reason))

    def files(self) -> list[Path]:
        """Each real file once: under its own path when the walk found it there, else its first name."""
        out = []
        for real, names in self.found.items():
            own = [
                n for n in names if not os.path.islink(n) and os.path.basename(n) == os.path.basename(real)
            ]
            out.append(Path(min(own or names, key=_order)))
        return sorted(out)


def _order(name: str) -> tuple[int, str]:
    return (name.count(os.sep), name)

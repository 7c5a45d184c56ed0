"""Build the deterministic "Acme Checkout" demo workspace: one git repository with twelve weeks of history.

The whole history is first simulated in memory (files as blocks or parameters, branches as copies of the
file models, commits in time order), then written with a single ``git fast-import`` stream. Every date,
identity and random choice comes from the content module and ``random.Random(seed)``, so the same seed
gives byte-identical commit ids on every machine.
"""

from __future__ import annotations

import copy
import math
import os
import random
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO

from cpto.demo import content as C
from cpto.demo.github import REMOTE, write_github

# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`build_demo` made."""

    path: Path
    commits: int
    people: int
    tags: list[str]
    prds: list[str]


def build_demo(path: Path, *, seed: int = 7) -> DemoSummary:
    """Build the demo workspace as a git repository at ``path`` (which must be missing or empty).

    Raises ValueError when ``path`` is a file or a non-empty folder, RuntimeError when git fails.
    """
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ValueError(f"{path}: refusing to build the demo into a non-empty location")
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    try:
        history = _History(seed)
        history.run()
        _write_repository(path, history)
        write_github(path, path / "github")  # what `cpto github import github` reads
        _raise_todays_alarm(path)
    except BaseException:
        _clean_up(path, created)
        raise
    return DemoSummary(
        path=path,
        commits=len(history.commits),
        people=C.PEOPLE_COUNT,
        tags=[tag.name for tag in history.tags],
        prds=sorted(p for p in history.main.snapshot if p.startswith("docs/prd/")),
    )


def _raise_todays_alarm(path: Path) -> None:
    """Pull the demo's stop cord now, as `cpto alarm raise` would (the record, not committed)."""
    from cpto.records.alarms import new_alarm

    by, title, why = C.TODAYS_ALARM
    folder = path / "alarms"
    folder.mkdir(exist_ok=True)
    file, text = new_alarm(folder, [], title, by, datetime.now(UTC), why)
    file.write_text(text, encoding="utf-8")


def _clean_up(path: Path, created: bool) -> None:
    """Remove what a failed build left behind (the folder itself only if we created it)."""
    if created:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------
# Time: local working hours in a few time zones, with 2026's daylight-saving changes
# --------------------------------------------------------------------------------------------------

_EU_DST_END = int(datetime(2026, 10, 25, 1, 0, tzinfo=UTC).timestamp())
_US_DST_END = int(datetime(2026, 11, 1, 6, 0, tzinfo=UTC).timestamp())


def _offset_minutes(region: str, epoch: int) -> int:
    """UTC offset in minutes for a region at an instant."""
    if region in ("paris", "berlin"):
        return 120 if epoch < _EU_DST_END else 60
    if region == "london":
        return 60 if epoch < _EU_DST_END else 0
    if region == "new_york":
        return -240 if epoch < _US_DST_END else -300
    if region == "bangalore":
        return 330
    return 0


def _to_epoch(day: date, minute_of_day: int, region: str) -> tuple[int, int]:
    """Epoch seconds and UTC offset (minutes) for a local wall time in a region."""
    wall = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + minute_of_day * 60
    offset = _offset_minutes(region, wall)
    offset = _offset_minutes(region, wall - offset * 60)
    return wall - offset * 60, offset


def _hhmm(text: str) -> int:
    """'14:05' -> minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _working_minute(rng: random.Random, person: C.Person) -> int:
    """A plausible local commit time: office hours, the odd evening for engineers."""
    shift = 60 if person.region == "bangalore" else 0
    if person.discipline == "engineering" and rng.random() < 0.05:
        return rng.randint(20 * 60, 22 * 60 + 30)
    return rng.randint(9 * 60 + 5, 18 * 60 + 20) + shift


def _weekdays(start: date, end: date) -> Iterator[date]:
    """Monday-to-Friday dates from start to end inclusive."""
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


# --------------------------------------------------------------------------------------------------
# File models
# --------------------------------------------------------------------------------------------------

_NAME_PATTERNS = (
    r"^(?:export )?(?:async )?function (\w+)",
    r"^def (\w+)",
    r"^class (\w+)",
    r'^(?:resource|data) "\w+" "([\w-]+)"',
    r'^(?:module|provider|variable|output) "([\w-]+)"',
    r'^it\("(.+?)"',
    r"^(?:export )?const (\w+)",
    r"^(\w+)(?:: [^=]+)? =",
    r"^## (.+)$",
    r"^(\S[^{\n]*?) \{$",
)
_MARKER_RE = re.compile(r"^\s*(?:#|//|/\*) (TODO|FIXME)(?:\(\w+\))?: (.*?)(?: \*/)?$")


def _block_name(code: str) -> str:
    """The name a block is known by: function, class, resource, rule, test or section title."""
    for pattern in _NAME_PATTERNS:
        found = re.search(pattern, code, re.M)
        if found:
            return found.group(1)
    raise ValueError(f"cannot name block: {code[:60]!r}")


def _lang(kind: str) -> str:
    """py, ts, css, tf or md from a generator kind such as 'py-module' or 'tsx-component'."""
    head = kind.split("-")[0]
    return "ts" if head in ("ts", "tsx") else head


@dataclass
class Block:
    """A top-level unit of a source file."""

    name: str
    lines: list[str]
    pinned: bool = True
    meta: tuple[str, int] | None = None
    tested: bool = True


@dataclass
class BlockFile:
    """A source file as header plus blocks; generic edits work on blocks."""

    kind: str
    header: list[str]
    blocks: list[Block]
    nouns: tuple[C.Noun, ...] = ()
    test: str | None = None
    import_from: str | None = None
    imports: list[str] = field(default_factory=list)
    pool: list[str] = field(default_factory=list)

    @property
    def lang(self) -> str:
        """Language family of the file."""
        return _lang(self.kind)

    def names(self) -> set[str]:
        """Names of all blocks."""
        return {b.name for b in self.blocks}

    def find(self, name: str) -> Block:
        """The block called ``name``."""
        for block in self.blocks:
            if block.name == name:
                return block
        raise KeyError(name)

    def render(self) -> bytes:
        """The file's bytes."""
        head = "\n".join(self.header)
        if self.import_from and self.imports:
            names = ", ".join(sorted(self.imports))
            if self.lang == "py":
                head += f"\n\nfrom {self.import_from} import {names}"
            else:
                head += f'\nimport {{ {names} }} from "{self.import_from}";'
        sep = "\n\n\n" if self.lang == "py" else "\n\n"
        parts = ([head.strip("\n")] if head.strip() else []) + ["\n".join(b.lines) for b in self.blocks]
        return (sep.join(parts) + "\n").encode()


@dataclass
class ParamFile:
    """A file rendered from parameters (configs, lock files, copy strings)."""

    kind: str
    params: dict[str, str]

    def render(self) -> bytes:
        """The file's bytes."""
        return C.RENDERERS[self.kind](self.params).encode()


@dataclass
class RawFile:
    """A file kept as bytes (documents, the logo)."""

    data: bytes

    def render(self) -> bytes:
        """The file's bytes."""
        return self.data


FileModel = BlockFile | ParamFile | RawFile


def _as_block_file(model: FileModel) -> BlockFile:
    """Narrow a file model to a block file."""
    if not isinstance(model, BlockFile):
        raise TypeError("not a block file")
    return model


def _from_src(path: str, src: C.Src) -> BlockFile:
    """A block file from its content description."""
    blocks = [Block(_block_name(code), code.splitlines(), pinned=src.pinned) for code in src.blocks]
    return BlockFile(
        kind=src.kind,
        header=src.header.splitlines(),
        blocks=blocks,
        nouns=src.nouns,
        test=src.test,
        import_from=src.import_from,
        imports=list(src.imports),
        pool=list(C.MD_POOLS.get(path, ())),
    )


def _png(variant: int) -> bytes:
    """A small deterministic PNG logo (uncompressed deflate, so every zlib gives the same bytes)."""
    size = 48
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            dist = math.hypot(x - 23.5, y - 23.5)
            stripe = abs((x - 23.5) * 2 - (y - 4) * 0.9) < 3 or abs((x - 23.5) * -2 - (y - 4) * 0.9) < 3
            if dist > 22 or (stripe and 6 < y < 40):
                pixel = (255, 255, 255)
            elif variant == 1:
                pixel = (59, 91, 219)
            else:
                pixel = (20 + y * 2, 110 + x, 200)
            rows += bytes(pixel)
    raw = bytes(rows)
    deflate = bytearray(b"\x78\x01")
    for start in range(0, len(raw), 65535):
        chunk = raw[start : start + 65535]
        final = 1 if start + 65535 >= len(raw) else 0
        deflate += bytes([final]) + struct.pack("<HH", len(chunk), 0xFFFF ^ len(chunk)) + chunk
    deflate += struct.pack(">I", zlib.adler32(raw))

    def chunk_of(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk_of(b"IHDR", header)
        + chunk_of(b"IDAT", bytes(deflate))
        + chunk_of(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------------
# History model
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ident:
    """A git identity at an instant."""

    name: str
    email: str
    epoch: int
    tz: int

    def line(self) -> str:
        """'Name <email> epoch +hhmm' as git writes it."""
        sign = "+" if self.tz >= 0 else "-"
        hours, minutes = divmod(abs(self.tz), 60)
        return f"{self.name} <{self.email}> {self.epoch} {sign}{hours:02d}{minutes:02d}"


@dataclass
class CommitRec:
    """One commit for the fast-import stream."""

    mark: int
    ref: str
    author: Ident
    committer: Ident
    message: str
    parents: list[int]
    changes: list[tuple[str, bytes | None]]


@dataclass
class TagRec:
    """A tag: annotated when it has a tagger."""

    name: str
    mark: int
    tagger: Ident | None
    message: str


@dataclass
class Line:
    """A line of development (main or a branch): its own file models and last committed bytes."""

    ref: str
    files: dict[str, FileModel]
    snapshot: dict[str, bytes]
    head: int | None = None
    dirty: dict[str, None] = field(default_factory=dict)
    fork: dict[str, bytes] = field(default_factory=dict)
    touched: dict[str, None] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)
    merged: bool = False

    def model(self, path: str) -> FileModel:
        """The file model at ``path``; marks it as changed in the next commit."""
        self.mark(path)
        return self.files[path]

    def block_file(self, path: str) -> BlockFile:
        """The block file at ``path`` (marked as changed)."""
        model = self.model(path)
        if not isinstance(model, BlockFile):
            raise TypeError(f"{path} is not a block file")
        return model

    def params(self, path: str) -> ParamFile:
        """The parameter file at ``path`` (marked as changed)."""
        model = self.model(path)
        if not isinstance(model, ParamFile):
            raise TypeError(f"{path} is not a parameter file")
        return model

    def put(self, path: str, model: FileModel) -> None:
        """Create or replace a file."""
        self.files[path] = model
        self.mark(path)

    def remove(self, path: str) -> None:
        """Delete a file."""
        del self.files[path]
        self.mark(path)

    def mark(self, path: str) -> None:
        """Remember that ``path`` may differ from the last commit."""
        self.dirty[path] = None
        self.touched[path] = None


@dataclass(order=True)
class _Event:
    """Something that happens at an instant: a scripted story or an everyday commit."""

    epoch: int
    seq: int
    tz: int = field(compare=False)
    person: C.Person = field(compare=False)
    story: C.Story | None = field(compare=False, default=None)
    area: str | None = field(compare=False, default=None)


_PEOPLE = {p.handle: p for p in C.PEOPLE}
_SHA_RE = re.compile(rb"@@SHA:([\w-]+):(\d+)@@")
_VERSION_FILES = ("web/package.json", "web/package-lock.json", "api/version.py")


class _History:
    """Simulates the repository's history in memory; :func:`_write_repository` writes it out."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.main = Line("refs/heads/main", {}, {})
        self.branches: dict[str, Line] = {}
        self.commits: list[CommitRec] = []
        self.tags: list[TagRec] = []
        self.keys: dict[str, int] = {}
        self.next_pr = 101
        self.unreleased: list[str] = []
        self.locks = _branch_paths(C.storyline())
        self.edits = _Edits(self)

    # ---- schedule ---------------------------------------------------------------------------------

    def run(self) -> None:
        """Schedule every story and everyday commit, then replay them in time order."""
        events = self._story_events()
        start = min(
            e.epoch for e in events if e.story and any(isinstance(c, C.Initial) for c in e.story.changes)
        )
        events += [e for e in self._filler_events(len(events)) if e.epoch > start]
        for event in sorted(events):
            if event.story is not None:
                self._apply_story(event)
            elif event.area is not None:
                self._apply_filler(event)

    def _story_events(self) -> list[_Event]:
        """Stories at their stated local time, or a working-hours time that keeps branch order."""
        events: list[_Event] = []
        last: dict[str, int] = {}
        for seq, story in enumerate(C.storyline()):
            person = _PEOPLE[story.who]
            day = date.fromisoformat(story.day)
            minute = _hhmm(story.at) if story.at else _working_minute(self.rng, person)
            epoch, tz = _to_epoch(day, minute, person.region)
            after = last.get(story.merge or story.branch, 0) if story.merge or story.branch != "main" else 0
            if epoch <= after:
                if story.at:
                    raise ValueError(f"story out of order on {story.branch}: {story.message!r}")
                epoch = after + self.rng.randint(600, 3000)
            last[story.branch] = max(last.get(story.branch, 0), epoch)
            events.append(_Event(epoch, seq, tz, person, story=story))
        return events

    def _filler_events(self, seq: int) -> list[_Event]:
        """Everyday commits: a Poisson number per person per working day, plus weekly dependabot."""
        events: list[_Event] = []
        for day in _weekdays(C.START, C.END):
            for person in C.PEOPLE:
                if any(lo <= day <= hi for lo, hi in person.off):
                    continue
                for _ in range(_poisson(self.rng, person.rate)):
                    epoch, tz = _to_epoch(day, _working_minute(self.rng, person), person.region)
                    seq += 1
                    events.append(_Event(epoch, seq, tz, person, area=_weighted(self.rng, person.areas)))
            if day.weekday() == 0 and day > C.START and self.rng.random() < 0.85:
                epoch, tz = _to_epoch(day, self.rng.randint(5 * 60, 7 * 60), "utc")
                seq += 1
                events.append(_Event(epoch, seq, tz, C.BOT, area="deps"))
        return events

    # ---- stories ----------------------------------------------------------------------------------

    def _apply_story(self, event: _Event) -> None:
        """Apply one scripted commit (code, docs, merge or release)."""
        story = event.story
        assert story is not None
        author = self._ident(event, story.alt_email)
        message = (
            story.message.replace("{pr}", str(self._take_pr())) if "{pr}" in story.message else story.message
        )
        if story.pr:
            first, _, rest = message.partition("\n")
            message = f"{first} (#{self._take_pr()})" + (f"\n{rest}" if rest else "")
        committer = Ident(*C.GITHUB, author.epoch, author.tz) if story.pr or story.github else author
        if story.merge:
            self._merge(story.merge, author, committer, message)
            return
        if story.release:
            self._release(story.release, author)
            return
        line = self._line(story.branch)
        for change in story.changes:
            self.edits.apply(line, change, event.person)
        mark = self._commit(line, author, committer, message)
        if story.key:
            self.keys[story.key] = mark
        if story.tag:
            self.tags.append(TagRec(story.tag, mark, None, ""))

    def _line(self, branch: str) -> Line:
        """Main, an existing branch, or a new branch forked from main's current head."""
        if branch == "main":
            return self.main
        if branch not in self.branches:
            self.branches[branch] = Line(
                f"refs/heads/{branch}",
                copy.deepcopy(self.main.files),
                dict(self.main.snapshot),
                head=self.main.head,
                fork=dict(self.main.snapshot),
            )
        return self.branches[branch]

    def _merge(self, name: str, author: Ident, committer: Ident, message: str) -> None:
        """A --no-ff merge of a branch into main; the branch's files win (they never conflict)."""
        branch = self.branches[name]
        for path in branch.touched:
            if self.main.snapshot.get(path) != branch.fork.get(path):
                raise RuntimeError(f"demo content conflict: {path} changed on main and {name}")
            if path in branch.files:
                self.main.put(path, branch.files[path])
            elif path in self.main.files:
                self.main.remove(path)
        branch.merged = True
        self.unreleased += branch.subjects
        self._commit(self.main, author, committer, message, merge=branch.head)

    def _release(self, version: str, author: Ident) -> None:
        """Release commit (changelog and version bump) plus an annotated tag."""
        day = datetime.fromtimestamp(author.epoch + author.tz * 60, tz=UTC).date()
        entries = _changelog_entries(self.unreleased)
        changelog = self.main.model("CHANGELOG.md")
        assert isinstance(changelog, RawFile)
        title, _, rest = changelog.data.decode().partition("\n\n")
        intro, _, older = rest.partition("\n\n")
        section = f"## v{version} ({day.isoformat()})\n\n" + "\n".join(entries)
        changelog.data = "\n\n".join(part for part in (title, intro, section, older) if part).encode()
        changelog.data = changelog.data.rstrip(b"\n") + b"\n"
        for path in _VERSION_FILES:
            self.main.params(path).params["version"] = version
        mark = self._commit(self.main, author, author, f"chore(release): v{version}")
        self.unreleased = []
        tagger = Ident(author.name, author.email, author.epoch + 120, author.tz)
        notes = "\n".join(entries[:8])
        self.tags.append(TagRec(f"v{version}", mark, tagger, f"Acme Checkout v{version}\n\n{notes}\n"))

    # ---- everyday commits -------------------------------------------------------------------------

    def _apply_filler(self, event: _Event) -> None:
        """An everyday commit in one of the person's areas, if there is something sensible to do."""
        assert event.area is not None
        result = self.edits.everyday(event.area, event.person)
        if result is None:
            if any(
                self.main.files[p].render() != self.main.snapshot.get(p)
                for p in self.main.dirty
                if p in self.main.files
            ):
                raise RuntimeError(f"everyday edit in {event.area} changed files but made no commit")
            self.main.dirty.clear()
            return
        kind, scope, phrase = result
        author = self._ident(event, self.rng.random() < 0.25)
        message = _message(self.rng, event.person, kind, scope, phrase)
        committer = author
        if event.person.bot or (event.person.discipline == "engineering" and self.rng.random() < 0.35):
            message = f"{message} (#{self._take_pr()})"
            committer = Ident(*C.GITHUB, author.epoch, author.tz)
        message += _body(self.rng, event.person, kind, scope, self.next_pr)
        self._commit(self.main, author, committer, message)

    # ---- commits ----------------------------------------------------------------------------------

    def _ident(self, event: _Event, alternate: bool) -> Ident:
        """Author identity; people with two emails sometimes use the second one."""
        person = event.person
        if alternate and len(person.emails) > 1:
            return Ident(person.alt_name or person.name, person.emails[1], event.epoch, event.tz)
        return Ident(person.name, person.emails[0], event.epoch, event.tz)

    def _take_pr(self) -> int:
        """The next pull-request number."""
        self.next_pr += 1 + (self.rng.random() < 0.3)
        return self.next_pr

    def _commit(
        self, line: Line, author: Ident, committer: Ident, message: str, merge: int | None = None
    ) -> int:
        """Record a commit of everything marked dirty on ``line``; returns its mark."""
        changes: list[tuple[str, bytes | None]] = []
        for path in sorted(line.dirty):
            model = line.files.get(path)
            if model is None:
                if line.snapshot.pop(path, None) is not None:
                    changes.append((path, None))
                continue
            data = model.render()
            if line.snapshot.get(path) != data:
                line.snapshot[path] = data
                changes.append((path, data))
        line.dirty.clear()
        if not changes and merge is None:
            raise RuntimeError(f"demo content produced an empty commit: {message!r}")
        mark = len(self.commits) + 1
        parents = ([line.head] if line.head else []) + ([merge] if merge else [])
        self.commits.append(
            CommitRec(mark, line.ref, author, committer, message.rstrip("\n") + "\n", parents, changes)
        )
        line.head = mark
        subject = message.split("\n", 1)[0]
        if line is self.main:
            self.unreleased.append(subject)
        else:
            line.subjects.append(subject)
        return mark

    def locked(self, path: str) -> bool:
        """True while an open branch owns ``path`` (everyday commits on main leave it alone)."""
        for name, paths in self.locks.items():
            branch = self.branches.get(name)
            if path in paths and (branch is None or not branch.merged):
                return True
        return False


def _branch_paths(stories: list[C.Story]) -> dict[str, set[str]]:
    """Paths each branch's stories touch."""
    out: dict[str, set[str]] = {}
    for story in stories:
        if story.branch == "main":
            continue
        paths = out.setdefault(story.branch, set())
        for change in story.changes:
            paths.update(_change_paths(change))
    return out


def _change_paths(change: C.Change) -> list[str]:
    """The paths a change touches."""
    if isinstance(change, C.Move):
        return [change.old, change.new]
    path = getattr(change, "path", None)
    return [path] if isinstance(path, str) else []


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's Poisson sampler (small rates only)."""
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weighted(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    """Pick a name by weight."""
    total = sum(weight for _, weight in options)
    point = rng.random() * total
    for name, weight in options:
        point -= weight
        if point <= 0:
            return name
    return options[-1][0]


def _changelog_entries(subjects: list[str]) -> list[str]:
    """Changelog bullets from conventional (and 'Fix ...') subjects since the last release."""
    groups: dict[str, list[str]] = {"feat": [], "fix": [], "perf": []}
    for subject in subjects:
        found = re.match(r"^(feat|fix|perf)(?:\([\w-]+\))?: (.+)$", subject)
        if found:
            groups[found.group(1)].append(found.group(2))
        elif subject.startswith("Fix "):
            groups["fix"].append(subject[4:])
    out = [f"- {text}" for text in groups["feat"]]
    out += [f"- Fixed: {text}" for text in groups["fix"]]
    out += [f"- Faster: {text}" for text in groups["perf"]]
    return out or ["- First tagged release."]


# --------------------------------------------------------------------------------------------------
# Commit messages
# --------------------------------------------------------------------------------------------------

_TYPES = {
    "feature": "feat",
    "fix": "fix",
    "refactor": "refactor",
    "test": "test",
    "marker": "chore",
    "style": "style",
    "copy": "copy",
    "docs": "docs",
    "ci": "ci",
    "deps": "chore",
    "perf": "perf",
    "infra": "chore",
}


def _message(rng: random.Random, person: C.Person, kind: str, scope: str, phrase: str) -> str:
    """Conventional or free-form subject, in the person's usual style."""
    if person.bot:
        return f"chore(deps): {phrase}"
    if kind == "marker" or (kind != "deps" and rng.random() < 0.06):
        return rng.choice(C.FREEFORM)
    if rng.random() < person.conventional:
        kind_name = _TYPES[kind]
        if kind == "deps":
            return f"chore(deps): {phrase}"
        if kind in ("docs", "ci", "copy") or rng.random() < 0.2:
            return f"{kind_name}: {phrase}"
        return f"{kind_name}({scope}): {phrase}"
    return phrase[0].upper() + phrase[1:]


def _body(rng: random.Random, person: C.Person, kind: str, scope: str, pr: int) -> str:
    """An optional body: issue references, notes and the odd co-author."""
    lines: list[str] = []
    roll = rng.random()
    if person.bot:
        lines.append("Bumps the dependency to the latest patch release. See the release notes for details.")
    elif roll < 0.08:
        lines.append(f"Fixes #{rng.randint(40, pr)}")
    elif roll < 0.14:
        lines.append(f"Refs #{rng.randint(40, pr)}")
    elif roll < 0.18 and kind == "refactor":
        lines.append("No behaviour change.")
    if person.discipline == "engineering" and scope == "web" and rng.random() < 0.1:
        lines.append("Co-authored-by: Aiko Tanaka <aiko@acme.example>")
    if person.discipline == "engineering" and scope == "billing" and rng.random() < 0.06:
        lines.append("Co-authored-by: Nina Petrova <nina@acme.example>")
    return "\n\n" + "\n".join(lines) if lines else ""


# --------------------------------------------------------------------------------------------------
# Edits: scripted changes and everyday operations
# --------------------------------------------------------------------------------------------------


def _plural(word: str) -> str:
    """English plural of a code noun (address -> addresses, property -> properties)."""
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def _fill(template: str, **tokens: str) -> str:
    """Replace @key@ tokens; '@n@s', '@N@s' and '@w@s' become proper plurals."""
    for key in ("n", "N", "w"):
        if key in tokens:
            template = template.replace(f"@{key}@s", _plural(tokens[key]))
    for key, value in tokens.items():
        template = template.replace(f"@{key}@", value)
    return template


def _camel(name: str) -> str:
    """snake or camel to Pascal case."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _scope(path: str) -> str:
    """Conventional-commit scope from a path."""
    if path.startswith("api/checkout/"):
        return "checkout"
    if path.startswith(".github/"):
        return "ci"
    return path.split("/", 1)[0]


def _module(path: str) -> str:
    """Python module or TS import path for a source file, as its test file imports it."""
    stem = path.rsplit(".", 1)[0]
    if path.endswith(".py"):
        return stem.replace("/", ".")
    return "../" + stem.removeprefix("web/src/")


def _code_start(block: Block, lang: str) -> int:
    """Index after a block's signature line (and Python docstring): where a comment or guard goes."""
    for i, text in enumerate(block.lines):
        if text.rstrip().endswith((":", "{")):
            nxt = i + 1
            if lang == "py" and nxt < len(block.lines) and block.lines[nxt].strip().startswith('"""'):
                nxt += 1
            return nxt
    return 0


def _indent(block: Block, at: int) -> str:
    """Indentation to use at a line index."""
    if at == 0 or at >= len(block.lines):
        return "" if at == 0 else "    "
    text = block.lines[at]
    return text[: len(text) - len(text.lstrip())]


_TUNABLE_RE = re.compile(
    r"\b(limit|attempts|timeout\w*|threshold|period|evaluation_periods|\w*retention\w*|maxsize|cpu|memory"
    r"|allocated_storage|delayMs|MAX_\w+)\b[^=\n]*=\s*(\d{1,7})\b"
)
_PX_RE = re.compile(
    r"\b(gap|padding|margin|font-size|border-radius|min-height|max-width)\b[^;\n]*?(\d{1,3})px"
)
_RENAMES = (
    ("load_", "fetch_"),
    ("format_", "render_"),
    ("find_", "get_"),
    ("validate_", "check_"),
    ("count_", "tally_"),
    ("format", "display"),
    ("fetch", "load"),
    ("sort", "order"),
    ("is", "has"),
)


class _Edits:
    """Applies scripted changes and picks everyday edits."""

    def __init__(self, history: _History) -> None:
        self.h = history
        self.rng = random.Random(history.seed * 7919 + 17)

    # ---- scripted changes -------------------------------------------------------------------------

    def apply(self, line: Line, change: C.Change, person: C.Person) -> None:
        """Apply one scripted change to a line of development."""
        if isinstance(change, C.Initial):
            self._initial(line)
        elif isinstance(change, C.Put):
            line.put(change.path, RawFile(change.text.encode()))
        elif isinstance(change, C.NewFile):
            line.put(change.path, _from_src(change.path, change.src))
        elif isinstance(change, C.NewParams):
            line.put(change.path, ParamFile(change.kind, dict(change.params)))
        elif isinstance(change, C.Logo):
            line.put(C.LOGO, RawFile(_png(change.variant)))
        elif isinstance(change, C.AddBlock):
            target = line.block_file(change.path)
            target.blocks.append(Block(_block_name(change.code), change.code.splitlines()))
            target.imports += [name for name in change.imports if name not in target.imports]
        elif isinstance(change, C.ReplaceBlock):
            target = line.block_file(change.path)
            target.find(_block_name(change.code)).lines = change.code.splitlines()
        elif isinstance(change, C.Sub):
            self._sub(line, change)
        elif isinstance(change, C.Move):
            self._move(line, change)
        elif isinstance(change, C.SetParam):
            line.params(change.path).params[change.key] = change.value
        elif isinstance(change, C.Generic):
            self._generic(line, change.path, change.op, person)

    def _initial(self, line: Line) -> None:
        """Every file of the initial import."""
        for path, src in C.BASE_SOURCES.items():
            line.put(path, _from_src(path, src))
        for path, (kind, params) in C.BASE_PARAMS.items():
            line.put(path, ParamFile(kind, dict(params)))
        for path, text in C.BASE_TEXT.items():
            line.put(path, RawFile(text.encode()))
        line.put("README.md", RawFile(C.readme(self.h.seed).encode()))
        line.put(C.LOGO, RawFile(_png(1)))

    def _sub(self, line: Line, change: C.Sub) -> None:
        """Text replacement across a block file; it is a content bug if nothing matches."""
        target = line.block_file(change.path)
        texts = ["\n".join(target.header)] + ["\n".join(b.lines) for b in target.blocks]
        hits = sum(text.count(change.old) for text in texts)
        if not hits:
            raise ValueError(f"{change.path}: {change.old!r} not found")
        target.header = texts[0].replace(change.old, change.new).splitlines()
        for block, text in zip(target.blocks, texts[1:], strict=True):
            block.lines = text.replace(change.old, change.new).splitlines()

    def _move(self, line: Line, change: C.Move) -> None:
        """Rename a file; tests that import it follow."""
        model = line.files[change.old]
        line.remove(change.old)
        line.put(change.new, model)
        if isinstance(model, BlockFile) and model.lang == "md":
            model.pool = list(C.MD_POOLS.get(change.old, ()))
        old_mod, new_mod = _module(change.old), _module(change.new)
        for path, other in line.files.items():
            if isinstance(other, BlockFile) and other.import_from == old_mod:
                other.import_from = new_mod
                line.mark(path)

    def _generic(self, line: Line, path: str, op: str, person: C.Person) -> None:
        """A scripted everyday edit; falls back to other edits so the commit is never empty."""
        target = line.block_file(path)
        ops: dict[str, Callable[[], str | None]] = {
            "tweak": lambda: self.tweak_number(target),
            "marker": lambda: self.add_marker(target, person),
            "guard": lambda: self.add_guard(target),
        }
        for name in (op, "tweak", "guard", "marker"):
            if ops[name]() is not None:
                return
        raise ValueError(f"{path}: no generic edit possible")

    # ---- everyday commits -------------------------------------------------------------------------

    def everyday(self, area: str, person: C.Person) -> tuple[str, str, str] | None:
        """Make one everyday change on main in ``area``: returns (kind, scope, phrase) or None."""
        handlers: dict[str, Callable[[C.Person], tuple[str, str, str] | None]] = {
            "api": lambda p: self._code(p, ("api/",)),
            "billing": lambda p: self._code(p, ("billing/",)),
            "web": lambda p: self._code(p, ("web/src/",)),
            "tests": self._tests,
            "infra": self._infra,
            "ci": self._ci,
            "deps": self._deps,
            "css": self._css,
            "copy": self._copy,
            "docs": self._docs,
            "data": self._data,
        }
        return handlers[area](person)

    def _files(self, prefixes: tuple[str, ...], kinds: tuple[str, ...]) -> list[str]:
        """Main's block files under prefixes with one of the kinds, skipping branch-owned paths."""
        main = self.h.main
        return sorted(
            path
            for path, model in main.files.items()
            if isinstance(model, BlockFile)
            and path.startswith(prefixes)
            and model.kind in kinds
            and not self.h.locked(path)
            and not (model.test and self.h.locked(model.test))
        )

    def _code(self, person: C.Person, prefixes: tuple[str, ...]) -> tuple[str, str, str] | None:
        """Feature, fix, refactor or a marker in a source file."""
        paths = self._files(prefixes, ("py-module", "py-routes", "ts-module", "tsx-component", "py-events"))
        if not paths:
            return None
        path = self.rng.choice(paths)
        target = self.h.main.block_file(path)
        roll = self.rng.random()
        if roll < 0.42:
            phrase = self.add_feature(target)
            if phrase is not None:
                if self.rng.random() < 0.5:
                    self.add_test(path, target)
                if self.rng.random() < 0.3:
                    self.add_marker(target, person, newest=True)
                return "feature", _scope(path), phrase
        if roll < 0.5:
            phrase = self.rename(path, target)
            if phrase is not None:
                return "refactor", _scope(path), phrase
        if roll < 0.56 and self.add_marker(target, person) is not None:
            return "marker", _scope(path), "wip"
        return self._fix(path, target)

    def _fix(self, path: str, target: BlockFile) -> tuple[str, str, str] | None:
        """A fix: a guard clause or a changed limit, often resolving a TODO/FIXME on the way."""
        resolved = self.remove_marker(target) if self.rng.random() < 0.45 else None
        first, second = (
            (self.add_guard, self.tweak_number)
            if self.rng.random() < 0.6
            else (self.tweak_number, self.add_guard)
        )
        detail = first(target) or second(target)
        if detail is None:
            return ("fix", _scope(path), resolved) if resolved else None
        if self.rng.random() < 0.25:
            area = "web" if path.startswith("web/") else ("billing" if path.startswith("billing/") else "api")
            functions = [b.name for b in target.blocks if b.name[:1].islower()] or [target.blocks[0].name]
            words = self.rng.choice(target.nouns).w if target.nouns else "request"
            detail = _fill(self.rng.choice(C.FIX_PHRASES[area]), w=words, fn=self.rng.choice(functions))
        return "fix", _scope(path), detail

    def _tests(self, person: C.Person) -> tuple[str, str, str] | None:
        """Add a test for a function that has none yet."""
        main = self.h.main
        kinds = ("py-module", "py-routes", "ts-module", "tsx-component")
        candidates = [
            path
            for path in self._files(("api/", "billing/", "web/src/"), kinds)
            if any(not b.tested and b.meta for b in _as_block_file(main.files[path]).blocks)
        ]
        if not candidates:
            return self._code(person, ("web/src/",) if person.handle == "priya" else ("api/", "billing/"))
        path = self.rng.choice(candidates)
        phrase = self.add_test(path, _as_block_file(main.files[path]))
        return ("test", _scope(path), phrase) if phrase else None

    def _infra(self, person: C.Person) -> tuple[str, str, str] | None:
        """Terraform resources, tfvars sizing, or a changed threshold."""
        roll = self.rng.random()
        if roll < 0.35:
            params = self.h.main.params(C.TFVARS_FILE).params
            key = self.rng.choice([k for k, v in params.items() if v.isdigit()])
            old = int(params[key])
            params[key] = str(old + max(1, old // 3) if self.rng.random() < 0.75 else max(1, old - 1))
            return "infra", "infra", f"set {key} to {params[key]} in production"
        paths = self._files(("infra/",), ("tf",))
        target = self.h.main.block_file(self.rng.choice(paths))
        if roll < 0.7:
            phrase = self.add_feature(target)
            if phrase:
                return "feature", "infra", phrase
        detail = self.tweak_number(target)
        return ("fix", "infra", detail) if detail else None

    def _ci(self, person: C.Person) -> tuple[str, str, str] | None:
        """Small CI workflow changes: node and ruff versions, timeout, parallel tests."""
        if C.CI_FILE not in self.h.main.files:
            return None
        params = self.h.main.params(C.CI_FILE).params
        choice = self.rng.randrange(4)
        major, minor = params["node"].split(".")
        if choice == 0 and int(minor) < 18:
            params["node"] = f"{major}.{int(minor) + 1}"
            return "ci", "ci", f"bump node to {params['node']}"
        if choice == 1:
            params["timeout"] = "20" if params["timeout"] == "15" else "15"
            return "ci", "ci", f"set job timeout to {params['timeout']} minutes"
        if choice == 2 and "-n auto" not in params["pytest_args"]:
            params["pytest_args"] += " -n auto"
            return "ci", "ci", "run api tests in parallel"
        params["ruff"] = _bump(self.rng, params["ruff"], patch_only=True)
        return "ci", "ci", f"pin ruff {params['ruff']}"

    def _deps(self, person: C.Person) -> tuple[str, str, str] | None:
        """A dependency bump: package.json plus lock file, or requirements.txt."""
        main = self.h.main
        if self.rng.random() < 0.6:
            key = self.rng.choice(sorted(k for k in C.JS_DEPS))
            files = [main.params(p).params for p in C.JS_DEP_FILES]
            old = files[0][key]
            new = _bump(self.rng, old)
            for params in files:
                params[key] = new
            name, where = key.split(":", 1)[1], "/web"
        else:
            params = main.params(C.PY_DEP_FILE).params
            name = self.rng.choice(sorted(params))
            old = params[name]
            params[name] = new = _bump(self.rng, old)
            where = "/api"
        if person.bot or self.rng.random() < 0.5:
            return "deps", "deps", f"bump {name} from {old} to {new} in {where}"
        return "deps", "deps", f"bump {name} to {new}"

    def _css(self, person: C.Person) -> tuple[str, str, str] | None:
        """New rules or spacing changes in stylesheets."""
        paths = self._files(("web/src/styles/",), ("css",))
        target = self.h.main.block_file(self.rng.choice(paths))
        if self.rng.random() < 0.4:
            phrase = self.add_feature(target)
            if phrase:
                return "style", "web", phrase
        detail = self.tweak_number(target, css=True)
        if detail is None:
            return None
        return (
            "style",
            "web",
            self.rng.choice(("tweak @w@", "adjust @w@", "tighten @w@")).replace("@w@", detail),
        )

    def _copy(self, person: C.Person) -> tuple[str, str, str] | None:
        """Rewrite or add a UI string."""
        params = self.h.main.params(C.COPY_FILE).params
        missing = [(k, v) for k, v in C.COPY_NEW if k not in params]
        if missing and self.rng.random() < 0.3:
            key, value = missing[0]
            params[key] = value
            return "copy", "web", f"add '{value}' string"
        key = self.rng.choice(sorted(C.COPY_VARIANTS))
        options = [v for v in C.COPY_VARIANTS[key] if v != params.get(key)]
        params[key] = self.rng.choice(options)
        label = key.replace(".", " ").replace("_", " ")
        return (
            "copy",
            "web",
            self.rng.choice((f"clearer {label} text", f"reword {label}", f"update {label} copy")),
        )

    def _docs(self, person: C.Person) -> tuple[str, str, str] | None:
        """Add a section to one of the docs."""
        options = (
            ["docs/metrics.md"]
            if person.discipline == "data"
            else ["docs/architecture.md", "docs/runbook.md", "docs/runbooks/checkout.md"]
        )
        paths = [
            p
            for p in options
            if p in self.h.main.files and not self.h.locked(p) and _as_block_file(self.h.main.files[p]).pool
        ]
        if not paths:
            return None
        path = self.rng.choice(paths)
        target = self.h.main.block_file(path)
        phrase = self.add_feature(target)
        return ("docs", "docs", phrase) if phrase else None

    def _data(self, person: C.Person) -> tuple[str, str, str] | None:
        """Analytics events or metric definitions."""
        if "api/events.py" in self.h.main.files and self.rng.random() < 0.6:
            target = self.h.main.block_file("api/events.py")
            phrase = self.add_feature(target)
            if phrase:
                return "feature", "api", phrase
        return self._docs(person)

    # ---- generic operations on a block file -------------------------------------------------------

    def add_feature(self, target: BlockFile) -> str | None:
        """Append a generated block; returns the commit phrase."""
        made = self._generate(target)
        if made is None:
            return None
        code, phrase, meta = made
        block = Block(_block_name(code), code.splitlines(), pinned=False, meta=meta, tested=meta is None)
        if block.name in target.names():
            return None
        target.blocks.append(block)
        return phrase

    def _generate(self, target: BlockFile) -> tuple[str, str, tuple[str, int] | None] | None:
        """Code, phrase and (template, noun) for a new block that does not exist yet."""
        if target.kind == "md":
            return self._generate_md(target)
        if target.kind == "py-events":
            used = target.names()
            fresh = [(e, d) for e, d in C.EVENT_POOL if e not in used]
            if not fresh:
                return None
            event, desc = fresh[0]
            return _fill(C.EVENT_TEMPLATE, e=event, d=desc), f"track {event.replace('_', ' ')}", None
        if target.kind == "css":
            used = target.names()
            unused = [n for n in target.nouns if f".checkout-{n.n}" not in used]
            if not unused:
                return None
            noun = self.rng.choice(unused)
            sizes = ("4", "8", "12", "16", "24")
            code = _fill(
                C.CSS_TEMPLATE,
                n=noun.n,
                p1=self.rng.choice(sizes),
                p2=self.rng.choice(sizes),
                p3=self.rng.choice(sizes),
            )
            return code, f"add styles for {noun.w}", None
        templates = self._templates(target)
        if not templates or not target.nouns:
            return None
        options = [(key, i) for key in sorted(templates) for i in range(len(target.nouns))]
        self.rng.shuffle(options)
        used = target.names()
        for key, index in options:
            code, phrase = self._render_template(templates[key], target.nouns[index], target.kind)
            if _block_name(code) not in used:
                return code, phrase, (key, index)
        return None

    def _generate_md(self, target: BlockFile) -> tuple[str, str, tuple[str, int] | None] | None:
        """The next unused section from the file's pool."""
        if not target.pool:
            return None
        section = target.pool.pop(0)
        title = section.split("\n", 1)[0].removeprefix("## ")
        return section, f"add '{title}' section", None

    def _templates(self, target: BlockFile) -> dict[str, tuple[str, str, str]]:
        """Code templates (name, code, phrase) for a file kind."""
        if target.kind == "py-module":
            return {k: v[:3] for k, v in C.PY_MODULE.items()}
        if target.kind == "py-routes":
            return {k: v[:3] for k, v in C.PY_ROUTES.items()}
        if target.kind in ("ts-module", "tsx-component"):
            items = {k: v[:3] for k, v in C.TS_MODULE.items()}
            if target.kind == "ts-module":
                items.pop("row")
            return items
        if target.kind == "tf":
            return dict(C.TF_TEMPLATES)
        return {}

    def _render_template(self, template: tuple[str, str, str], noun: C.Noun, kind: str) -> tuple[str, str]:
        """Code and commit phrase of a template filled for a noun."""
        tokens = self._tokens(noun, template[0])
        return _fill(template[1], **tokens), _fill(template[2], **tokens)

    def add_test(self, path: str, target: BlockFile) -> str | None:
        """Add a test for an untested generated block; returns the phrase."""
        untested = [b for b in target.blocks if not b.tested and b.meta]
        if not untested or not target.test:
            return None
        block = untested[-1] if self.rng.random() < 0.6 else self.rng.choice(untested)
        block.tested = True
        assert block.meta is not None
        key, index = block.meta
        table = (
            C.PY_ROUTES
            if target.kind == "py-routes"
            else (C.PY_MODULE if target.lang == "py" else C.TS_MODULE)
        )
        name_template, _, _, test_template = table[key]
        tokens = self._tokens(target.nouns[index], name_template)
        code = _fill(test_template, **tokens).replace(_fill(name_template, **tokens), block.name)
        name = _block_name(code)
        existing = self.h.main.files.get(target.test)
        if isinstance(existing, BlockFile) and name in existing.names():
            return None
        tests = self._test_file(path, target)
        tests.blocks.append(Block(name, code.splitlines(), pinned=False))
        if target.kind != "py-routes" and block.name not in tests.imports:
            tests.imports.append(block.name)
        return f"cover {block.name}"

    def _tokens(self, noun: C.Noun, name_template: str) -> dict[str, str]:
        """Template tokens for a noun; the adjective is a stable function of noun and template."""
        adjective = C.ADJECTIVES[sum(map(ord, noun.n + name_template)) % len(C.ADJECTIVES)]
        return {
            "n": noun.n,
            "N": _camel(noun.n),
            "T": noun.t,
            "t": noun.t,
            "f": noun.f,
            "w": noun.w,
            "a": adjective,
        }

    def _test_file(self, path: str, target: BlockFile) -> BlockFile:
        """The test companion of a source file, created on first use."""
        assert target.test is not None
        main = self.h.main
        if target.test not in main.files:
            if target.lang == "py":
                src = C.Src("py-tests", C.PY_TEST_HEADER, import_from=_module(path))
            else:
                src = C.Src(
                    "ts-tests",
                    'import { render, screen } from "@testing-library/react";',
                    import_from=_module(path),
                )
            main.put(target.test, _from_src(target.test, src))
        return main.block_file(target.test)

    def add_marker(self, target: BlockFile, person: C.Person, newest: bool = False) -> str | None:
        """Insert a TODO/FIXME comment into a block; returns its text."""
        if target.lang == "md" or not target.blocks:
            return None
        block = target.blocks[-1] if newest else self.rng.choice(target.blocks)
        if any(_MARKER_RE.match(text) for text in block.lines):
            return None
        kind = "FIXME" if self.rng.random() < 0.3 else "TODO"
        text = self.rng.choice(C.MARKERS[kind])
        owner = f"({person.handle})" if kind == "TODO" and self.rng.random() < 0.5 and not person.bot else ""
        at = _code_start(block, target.lang)
        if at >= len(block.lines) or len(block.lines) == 1:
            at = 0
        indent = _indent(block, at) if at else ""
        if target.lang == "css":
            comment = f"{indent}/* {kind}: {text} */"
        else:
            prefix = "#" if target.lang in ("py", "tf") else "//"
            comment = f"{indent}{prefix} {kind}{owner}: {text}"
        block.lines.insert(at, comment)
        return text

    def remove_marker(self, target: BlockFile) -> str | None:
        """Delete one TODO/FIXME comment; returns a phrase for the commit."""
        found = [(b, i) for b in target.blocks for i, text in enumerate(b.lines) if _MARKER_RE.match(text)]
        if not found:
            return None
        block, index = self.rng.choice(found)
        matched = _MARKER_RE.match(block.lines.pop(index))
        assert matched is not None
        kind, text = matched.groups()
        return f"{text}" if kind == "FIXME" else f"resolve TODO in {block.name}"

    def add_guard(self, target: BlockFile) -> str | None:
        """Insert an early return for a missing first argument; returns the phrase."""
        if target.kind == "py-events":
            return None
        options = []
        for block in target.blocks:
            head = "\n".join(block.lines[:3])
            if target.lang == "py":
                found = re.search(r"^def (\w+)\((\w+): [^)]*\) -> ([\w\[\], |]+):$", head, re.M)
            elif target.lang == "ts":
                found = re.search(
                    r"^(?:export )?function (\w+)\((\w+)(?:: [^)]*)?\): (boolean|string|number)", head, re.M
                )
            else:
                found = None
            if found and found.group(2) not in ("request", "self", "client", "cls"):
                guard = f"if not {found.group(2)}:" if target.lang == "py" else f"if (!{found.group(2)})"
                if not any(guard in text for text in block.lines):
                    options.append((block, found.group(1), found.group(2), found.group(3), guard))
        if not options:
            return None
        block, name, param, returns, guard = self.rng.choice(options)
        at = _code_start(block, target.lang)
        indent = _indent(block, at) or ("    " if target.lang == "py" else "  ")
        if target.lang == "py":
            default = {"bool": "False", "str": '""', "int": "0", "None": ""}.get(returns.split("[")[0])
            if default is None:
                default = (
                    "[]" if returns.startswith("list") else ("{}" if returns.startswith("dict") else "None")
                )
            block.lines[at:at] = [f"{indent}{guard}", f"{indent}    return {default}".rstrip()]
        else:
            default = {"boolean": "false", "string": '""', "number": "0"}[returns]
            block.lines.insert(at, f"{indent}{guard} return {default};")
        return f"handle missing {param.replace('_', ' ')} in {name}"

    def tweak_number(self, target: BlockFile, css: bool = False) -> str | None:
        """Change one tunable number (limit, timeout, threshold, spacing); returns a commit phrase."""
        pattern = _PX_RE if css or target.lang == "css" else _TUNABLE_RE
        spots = [
            (block, i, m)
            for block in target.blocks
            for i, text in enumerate(block.lines)
            if not _MARKER_RE.match(text)
            for m in pattern.finditer(text)
        ]
        if not spots:
            return None
        block, index, found = self.rng.choice(spots)
        what, old = found.group(1), int(found.group(2))
        if pattern is _PX_RE:
            new = self.rng.choice([v for v in (4, 8, 12, 16, 20, 24, 32) if v != old])
        else:
            new = self.rng.choice(
                [v for v in (old + max(1, old // 4), old * 2, max(1, old // 2)) if v != old]
            )
        text = block.lines[index]
        block.lines[index] = text[: found.start(2)] + str(new) + text[found.end(2) :]
        where = block.name.lstrip(".").replace("-", " ") if pattern is _PX_RE else block.name
        verb = "raise" if new > old else "lower"
        return (
            f"{what} on {where}"
            if pattern is _PX_RE
            else f"{verb} {what.replace('_', ' ')} in {where} to {new}"
        )

    def rename(self, path: str, target: BlockFile) -> str | None:
        """Rename a generated (or unpinned) function here and in its tests; returns the phrase."""
        options = []
        for block in target.blocks:
            if block.pinned or target.lang not in ("py", "ts"):
                continue
            for old, new in _RENAMES:
                if block.name.startswith(old) and block.name[len(old) : len(old) + 1].isalnum():
                    candidate = new + block.name[len(old) :]
                    if candidate not in target.names():
                        options.append((block, candidate))
                    break
        if not options:
            return None
        block, new_name = self.rng.choice(options)
        old_name = block.name
        pattern = re.compile(rf"\b{re.escape(old_name)}\b")
        touched = [target]
        if target.test and target.test in self.h.main.files:
            touched.append(self.h.main.block_file(target.test))
        for model in touched:
            for each in model.blocks:
                each.lines = [pattern.sub(new_name, text) for text in each.lines]
                if each.name == old_name or pattern.search(each.name):
                    each.name = pattern.sub(new_name, each.name)
            model.imports = [new_name if name == old_name else name for name in model.imports]
        return f"rename {old_name} to {new_name}"


def _bump(rng: random.Random, version: str, patch_only: bool = False) -> str:
    """Next patch (usually) or minor version."""
    major, minor, patch = (int(x) for x in version.split("."))
    if patch_only or rng.random() < 0.75:
        return f"{major}.{minor}.{patch + rng.randint(1, 2)}"
    return f"{major}.{minor + 1}.0"


# --------------------------------------------------------------------------------------------------
# Writing the repository
# --------------------------------------------------------------------------------------------------

_KEEP_BRANCHES = ("main", "feature/wallets", "feature/gift-cards", "spike/graphql-gateway")


def _git_env(home: str) -> dict[str, str]:
    """An environment where no user, system or inherited git setting can change the result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        HOME=home,
        XDG_CONFIG_HOME=home,
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
    )
    return env


def _git(path: Path, env: dict[str, str], *args: str) -> str:
    """Run git in ``path``; RuntimeError with git's message when it fails."""
    done = subprocess.run(["git", *args], cwd=path, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _write_repository(path: Path, history: _History) -> None:
    """git init, one fast-import stream, drop merged branches, check out main."""
    with tempfile.TemporaryDirectory(prefix="cpto-demo-") as home:
        env = _git_env(home)
        _git(path, env, "init", "-q")
        _git(path, env, "symbolic-ref", "HEAD", "refs/heads/main")
        _fast_import(path, env, history, Path(home) / "fast-import.err")
        stale = [
            f"delete refs/heads/{name}\n"
            for name, line in history.branches.items()
            if name not in _KEEP_BRANCHES and line.merged
        ]
        if stale:
            done = subprocess.run(
                ["git", "update-ref", "--stdin"],
                cwd=path,
                env=env,
                input="".join(stale),
                text=True,
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"git update-ref failed: {done.stderr.strip()}")
        _git(path, env, "reset", "-q", "--hard", "refs/heads/main")
        _git(path, env, "remote", "add", "origin", REMOTE)  # where its recorded GitHub data belongs


def _fast_import(path: Path, env: dict[str, str], history: _History, err_path: Path) -> None:
    """Stream every commit and tag into ``git fast-import``, resolving commit ids for incident records."""
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"],
            cwd=path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            resolved: dict[int, str] = {}
            for commit in history.commits:
                _write_commit(proc.stdin, proc.stdout, commit, history.keys, resolved)
            for tag in history.tags:
                _write_tag(proc.stdin, tag)
            proc.stdin.write(b"done\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        code = proc.wait()
    if code != 0:
        raise RuntimeError(f"git fast-import failed: {err_path.read_text(errors='replace').strip()[:2000]}")


def _data(text: bytes) -> bytes:
    """A fast-import data block."""
    return b"data %d\n" % len(text) + text + b"\n"


def _write_commit(
    out: IO[bytes], replies: IO[bytes], commit: CommitRec, keys: dict[str, int], resolved: dict[int, str]
) -> None:
    """One commit command; asks fast-import for ids that an incident record refers to."""
    changes = []
    for file_path, data in commit.changes:
        if data is not None and b"@@SHA:" in data:
            data = _SHA_RE.sub(
                lambda m: _resolve(out, replies, keys[m.group(1).decode()], resolved, int(m.group(2))), data
            )
        changes.append((file_path, data))
    parts = [
        f"commit {commit.ref}\nmark :{commit.mark}\n".encode(),
        f"author {commit.author.line()}\ncommitter {commit.committer.line()}\n".encode(),
        _data(commit.message.encode()),
    ]
    if commit.parents:
        parts.append(f"from :{commit.parents[0]}\n".encode())
    parts += [f"merge :{parent}\n".encode() for parent in commit.parents[1:]]
    for file_path, data in changes:
        if data is None:
            parts.append(f"D {file_path}\n".encode())
        else:
            parts.append(f"M 100644 inline {file_path}\n".encode() + _data(data))
    parts.append(b"\n")
    out.write(b"".join(parts))


def _resolve(out: IO[bytes], replies: IO[bytes], mark: int, resolved: dict[int, str], length: int) -> bytes:
    """The abbreviated id of an already written commit (fast-import's get-mark)."""
    if mark not in resolved:
        out.write(f"get-mark :{mark}\n".encode())
        out.flush()
        resolved[mark] = replies.readline().decode().strip()
    return resolved[mark][:length].encode()


def _write_tag(out: IO[bytes], tag: TagRec) -> None:
    """An annotated tag, or a lightweight one via reset."""
    if tag.tagger is None:
        out.write(f"reset refs/tags/{tag.name}\nfrom :{tag.mark}\n\n".encode())
        return
    out.write(
        f"tag {tag.name}\nfrom :{tag.mark}\ntagger {tag.tagger.line()}\n".encode()
        + _data(tag.message.encode())
    )

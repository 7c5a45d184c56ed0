"""``cpto init``: look at what a team already keeps and write a cpto.toml that says so.

A plain git repository is already a workspace, but its defaults are guesses: ``[deploys] tags = "v*"``
finds no deploys in a repository that tags ``9.1.1``, the PRD globs find nothing when PRDs live in
``specs/``, and a missing incidents folder silently turns change failure rate into "unknown". This module
surveys the workspace (its repositories, their tags, Markdown files that read as PRDs, the leadership
records, the test and code folders, who commits), and writes every finding as a commented line of
cpto.toml, so the team reads what was found, what was decided and how to add what is missing.

``setup_gaps`` gives the same "what is missing and how to add it" for a workspace already set up, for
``cpto check``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import textwrap
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path

from cpto.errors import CptoError
from cpto.fsutil import atomic_write_text, inside_workspace, workspace_glob
from cpto.heartbeat.tagscheme import ENDS, plain_releases, release_pattern, suggest_tag_pattern
from cpto.history.git import run_git
from cpto.records.ids import record_files
from cpto.workspace.config import CONFIG_NAME, DEFAULT_PRD_GLOBS, WorkspaceConfig, load_workspace

PEOPLE_NAME = "people.yaml"
TOP_AUTHORS = 12  # a starting point for people.yaml: the people who do most of the work, not everyone
AUTHOR_WINDOW = timedelta(days=365)  # who commits now, not who committed in 2012
MAX_MARKDOWN_FILES = 5000  # PRD search stops here: enough for any product, bounded for a monorepo
MAX_MARKDOWN_BYTES = 512 << 10
COMMENT_WIDTH = 100
EXAMPLES = 4  # tag names shown per line of explanation
# Folders never searched for PRDs or records: dependencies, build output, caches.
_SKIP_DIRS = {
    ".git",
    ".cpto",
    "node_modules",
    ".venv",
    "venv",
    "vendor",
    "third_party",
    "dist",
    "build",
    "site-packages",
    ".tox",
    ".nox",
    "__pycache__",
}
_LOG_NAMES = ("changelog", "changes", "history", "news", "release", "releases")
_PRD_FOLDER = re.compile(r"(^|/)(prds?|specs?|requirements|product)(/|$)", re.IGNORECASE)
_BOT = re.compile(
    r"\[bot\]|(^|[-_.\s])bot($|[-_.@\s])|bot@|dependabot|renovate|github-actions", re.IGNORECASE
)
_MAX_TIME = 253402300799  # 9999-12-31T23:59:59Z: the last second datetime can hold
_HANDLE_CHARS = re.compile(r"[^a-z0-9._-]+")


# --------------------------------------------------------------------------------------------------
# What a survey finds
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagScheme:
    """The release tags of the workspace's repositories and the glob chosen for ``[deploys] tags``.

    Tag lists are newest first. ``left_out`` are tags the broad scheme would match but the chosen glob
    does not (pre-releases: ``9.2.0.dev0``, ``8.0.0rc1``); ``missed`` are plain release numbers the glob
    cannot match (a single glob cannot say "digits only", so ``[0-9]*.[0-9]`` misses ``4.6.10``).
    """

    pattern: str | None
    total: int
    matched: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # pre-releases the glob still matches (v1.2.0-rc.1)
    examples: list[str] = field(default_factory=list)  # the newest tags, when none looks like a release


@dataclass(frozen=True)
class Author:
    """One person as git knows them (mailmap applied): a starting point for a people.yaml entry."""

    handle: str
    name: str
    emails: list[str]
    commits: int


@dataclass(frozen=True)
class Record:
    """One kind of leadership record: where it is (or would go) and what it gives once it exists."""

    key: str  # the [workspace] setting: decisions | incidents | alarms | roadmap | people
    path: str  # relative to the workspace root
    present: bool
    gives: str
    start: str  # how to start it
    note: str = ""  # e.g. a folder found elsewhere that does not read as cpto records


@dataclass(frozen=True)
class Survey:
    """Everything ``cpto init`` found in a workspace, and the settings it derives from it."""

    root: Path
    name: str
    repos: list[str]  # relative to root, "." for the workspace itself
    tags: TagScheme
    prds: list[str]  # PRD files found, relative to root
    prd_globs: list[str]
    records: list[Record]
    code: dict[str, list[str]]
    authors: list[Author]
    authors_until: datetime | None  # the newest commit: the window of ``authors`` ends there
    offsets: list[tuple[str, float]]  # the commonest commit time-zone offsets and their shares


# --------------------------------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------------------------------


def survey(root: Path) -> Survey:
    """Look at ``root`` and its repositories; nothing is written."""
    from cpto.history.filekinds import suggest_code_settings  # Linguist's rules: loaded when init runs

    root = root.expanduser().resolve()
    if not root.is_dir():
        raise CptoError(f"{root}: workspace folder does not exist")
    repos = find_repos(root)
    tag_names = [name for repo in repos for name in _tags(root / repo)]
    records = find_records(root)
    record_dirs = {r.path for r in records}
    prds = find_prds(root, skip=record_dirs)
    paths = [p for repo in repos for p in _tracked(root / repo)]  # [code] globs are repository paths
    authors, until, offsets = find_authors([root / r for r in repos])
    return Survey(
        root=root,
        name=root.name,
        repos=repos,
        tags=tag_scheme(tag_names),
        prds=prds,
        prd_globs=prd_globs(root, prds),
        records=records,
        code=suggest_code_settings(paths),
        authors=authors,
        authors_until=until,
        offsets=offsets,
    )


def find_repos(root: Path) -> list[str]:
    """``["."]`` when the workspace is inside a git work tree, else the git repositories directly under it."""
    inside = run_git(root, "rev-parse", "--is-inside-work-tree", check=False).decode().strip()
    if inside == "true":
        return ["."]
    return sorted(
        child.name
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith(".") and (child / ".git").exists()
    )


def _tags(repo: Path) -> list[str]:
    """The repository's tag names, newest first (tagger date, else the tagged commit's)."""
    out = run_git(repo, "for-each-ref", "--sort=-creatordate", "--format=%(refname:short)", "refs/tags")
    return [line for line in out.decode("utf-8", "replace").splitlines() if line]


def _tracked(repo: Path) -> list[str]:
    """The files git tracks in ``repo``: what the review and the heartbeat read."""
    out = run_git(repo, "ls-files", "-z", check=False)
    return [p for p in out.decode("utf-8", "replace").split("\0") if p]


# --------------------------------------------------------------------------------------------------
# Tags
# --------------------------------------------------------------------------------------------------


def tag_scheme(tag_names: list[str]) -> TagScheme:
    """The glob for ``[deploys] tags``: the scheme ``suggest_tag_pattern`` reads, narrowed to leave out
    pre-releases when a glob can (see ``release_pattern``); tag names newest first."""
    base = suggest_tag_pattern(tag_names)
    if base is None:
        return TagScheme(None, len(tag_names), examples=tag_names[:EXAMPLES])
    pattern = release_pattern(tag_names, base)
    releases = plain_releases(tag_names, base)
    plain = set(releases)
    return TagScheme(
        pattern=pattern,
        total=len(tag_names),
        matched=[t for t in tag_names if fnmatchcase(t, pattern)],
        left_out=[
            t for t in tag_names if fnmatchcase(t, base) and not fnmatchcase(t, pattern) and t not in plain
        ],
        missed=[t for t in releases if not fnmatchcase(t, pattern)],
        kept=[t for t in tag_names if fnmatchcase(t, pattern) and t not in plain],
    )


# --------------------------------------------------------------------------------------------------
# PRDs
# --------------------------------------------------------------------------------------------------


def find_prds(root: Path, skip: Collection[str] = ()) -> list[str]:
    """Markdown files under ``root`` that read as PRDs, relative to it, in path order.

    A file is a PRD when the review's own reader finds in it two or more requirements with written IDs
    (``CHK-1``, ``REQ-12``), or at least one requirement and either PRD front matter (``target``,
    ``owner``, ``start``) or a PRD-like folder (``prd/``, ``specs/``, ``requirements/``). A README
    whose "Requirements" section lists Python versions has neither and is left alone; changelogs and
    the record folders in ``skip`` are never read.
    """
    from cpto.review.prd import read_prd  # the review's reader: what it finds is what a review reads

    found = []
    for path in _markdown_files(root, skip):
        rel = path.relative_to(root).as_posix()
        try:
            prd = read_prd(path)
        except CptoError:
            continue  # not readable as a PRD (bad front matter): not one
        reqs = prd.requirements
        with_ids = sum(not r.derived_id for r in reqs)
        front = bool(prd.owner or prd.target or prd.start)
        prd_folder = bool(_PRD_FOLDER.search(rel.rpartition("/")[0]))
        if with_ids >= 2 or (reqs and (front or prd_folder)):
            found.append(rel)
    return found


def _markdown_files(root: Path, skip: Collection[str]) -> list[Path]:
    """Markdown files under ``root`` (hidden, dependency and record folders left out), capped.

    Read with :func:`cpto.fsutil.workspace_glob`, as the review reads PRDs: a link out of the workspace
    or round a loop is not followed, a file linked twice is read once.
    """

    def skipped(rel: str) -> bool:
        name = rel.rpartition("/")[2]
        return name in _SKIP_DIRS or rel in skip or name.lower() in ("changelog", "changes")

    out: list[Path] = []
    for pattern in ("**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]"):
        for path in workspace_glob(root, pattern, root=root, skip_dir=skipped, limit=MAX_MARKDOWN_FILES):
            if path.name.lower().rsplit(".", 1)[0].split("-")[0] in _LOG_NAMES:
                continue
            try:
                if path.stat().st_size > MAX_MARKDOWN_BYTES:
                    continue
            except OSError:
                continue
            out.append(path)
    return sorted(out)[:MAX_MARKDOWN_FILES]


def prd_globs(root: Path, prds: list[str]) -> list[str]:
    """``[workspace] prds`` for the PRDs found: ``folder/**/*.md`` when every Markdown file under the
    folder is one of them (the review refuses a matched file without requirements), else the files."""
    if not prds:
        return list(DEFAULT_PRD_GLOBS)
    found = set(prds)
    globs: list[str] = []
    for folder in sorted({p.rpartition("/")[0] for p in prds}):
        mine = [p for p in prds if p.rpartition("/")[0] == folder]
        under = workspace_glob(root / folder, "**/*.md" if folder else "*.md", root=root)
        every = {p.relative_to(root).as_posix() for p in under}
        if folder and every <= found:
            globs.append(f"{folder}/**/*.md")
        else:
            globs.extend(mine)
    return globs


# --------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------

# key, default path, other places teams keep them, what it gives, how to start it
_RECORDS = (
    (
        "decisions",
        "decisions",
        ("docs/decisions", "docs/adr", "doc/adr", "adr", "docs/architecture/decisions"),
        "decision speed per point person, appeal rates and decisions on the heartbeat",
        'cpto decision new "Ship checkout v2 behind a flag" --domain outcomes --point HANDLE',
    ),
    (
        "incidents",
        "incidents",
        ("docs/incidents", "postmortems", "docs/postmortems"),
        "change failure rate and time to restore (DORA), unknown without them",
        'cpto incident new "Checkout returns 500s" --severity SEV1 --commander HANDLE --started 2026-11-03T14:22',
    ),
    (
        "alarms",
        "alarms",
        (),
        "the stop cord anyone can pull: open alarms on every heartbeat until cleared",
        'cpto alarm raise "Checkout p95 doubled since v1.6.0" --by HANDLE --why "what was seen"',
    ),
    (
        "roadmap",
        "roadmap.yaml",
        ("docs/roadmap.yaml", "roadmap.yml"),
        "clock speed: whether each joint review moves roadmap items closer (cpto roadmap review)",
        "an items: list in roadmap.yaml (id, title, horizon, prd, owner, target; docs/records.md)",
    ),
    (
        "people",
        "people.yaml",
        ("docs/people.yaml", "people.yml"),
        "commits per person and team, disciplines, spans of control, handles the writing commands check",
        "a people: list in people.yaml (handle, name, discipline, emails; docs/records.md)",
    ),
)


def find_records(root: Path) -> list[Record]:
    """Each kind of record: at its default place, else at a place teams often use, else missing.

    A folder found elsewhere (``docs/adr``) is only taken when cpto reads its records without error;
    otherwise the finding says why it was not taken.
    """
    out = []
    for key, default, others, gives, start in _RECORDS:
        place, note = default, ""
        if (root / default).exists():
            problem = _unreadable(key, root / default)
            note = (
                f"{default} does not read yet: {problem}; `cpto check` lists every problem" if problem else ""
            )
        else:
            for candidate in others:
                if not (root / candidate).exists():
                    continue
                problem = _unreadable(key, root / candidate)
                if problem is None:
                    place, note = candidate, ""
                    break
                note = (
                    note
                    or f"{candidate} exists but does not read as cpto {key} ({problem}), so it is not used"
                )
        out.append(Record(key, place, _has_records(root / place), gives, start, note))
    return out


def _has_records(path: Path) -> bool:
    return bool(record_files(path)) if path.is_dir() else path.is_file()


def _unreadable(key: str, path: Path) -> str | None:
    """Why cpto cannot read the records at ``path`` (None when it can)."""
    from cpto.records import alarms, decisions, incidents, people, roadmap

    readers: dict[str, Callable[[Path], object]] = {
        "decisions": decisions.read_decisions,
        "incidents": incidents.read_incidents,
        "alarms": alarms.read_alarms,
        "roadmap": roadmap.read_roadmap,
        "people": people.read_people,
    }
    try:
        readers[key](path)
    except CptoError as exc:
        return exc.message
    return None


# --------------------------------------------------------------------------------------------------


def code_settings(paths: list[str]) -> dict[str, list[str]]:
    """``[code]`` globs (tests, docs, generated, vendored) for the workspace's tracked files."""
    from cpto.history.filekinds import suggest_code_settings

    return suggest_code_settings(paths)


# --------------------------------------------------------------------------------------------------
# People and time zones
# --------------------------------------------------------------------------------------------------


def find_authors(repos: list[Path]) -> tuple[list[Author], datetime | None, list[tuple[str, float]]]:
    """The people who made a non-merge commit in the year up to the newest commit, ranked by all their
    non-merge commits (mailmap applied, bots left out): the current team, heaviest contributors first.
    Also when that newest commit was made, and the commonest time-zone offsets of the year's commits.

    Ranking by the year alone would put a one-commit visitor above a dormant project's main author;
    ranking by all history would bring back people who left years ago.
    """
    rows: list[tuple[str, str, datetime, str]] = []
    for repo in repos:
        if not run_git(repo, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip():
            continue  # an empty repository: nobody yet
        out = run_git(
            repo, "log", "--no-merges", "--use-mailmap", "--format=%aN%x00%aE%x00%at%x00%ai", "HEAD"
        )
        for line in out.decode("utf-8", "replace").splitlines():
            parts = line.split("\0")
            readable = (
                parts[2].isdigit() and int(parts[2]) <= _MAX_TIME
            )  # git shows nonsense dates as huge numbers
            if len(parts) == 4 and readable and not _BOT.search(f"{parts[0]} {parts[1]}"):
                rows.append((parts[0], parts[1], datetime.fromtimestamp(int(parts[2]), UTC), parts[3][-5:]))
    if not rows:
        return [], None, []
    until = max(r[2] for r in rows)
    since = until - AUTHOR_WINDOW
    commits: Counter[str] = Counter()
    active: set[str] = set()
    names: dict[str, str] = {}
    emails: dict[str, Counter[str]] = {}
    by_email: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for name, email, at, _ in rows:  # newest first: a person's latest name is the one shown
        lname, lemail = name.strip().lower(), email.strip().lower()
        # one person: the same name, or the same email under another name (a renamed identity)
        key = by_email.get(lemail) or by_name.get(lname) or lname or lemail
        by_email.setdefault(lemail, key)
        by_name.setdefault(lname, key)
        commits[key] += 1
        if at > since:
            active.add(key)
        names.setdefault(key, name.strip() or email)
        emails.setdefault(key, Counter())[lemail] += 1
    taken: set[str] = set()
    authors = []
    ranked = sorted(active, key=lambda k: (-commits[k], names[k]))
    for key in ranked[:TOP_AUTHORS]:
        handle = _handle(names[key], emails[key].most_common(1)[0][0], taken)
        taken.add(handle)
        listed = [e for e, _ in emails[key].most_common() if e]
        authors.append(Author(handle, names[key], listed, commits[key]))
    zones = Counter(r[3] for r in rows if r[2] > since)
    total = sum(zones.values())
    offsets = [(z, n / total) for z, n in zones.most_common(2)]
    return authors, until, offsets


def _handle(name: str, email: str, taken: set[str]) -> str:
    """A people.yaml handle: the first name in lower-case ASCII, then the full name, then a number."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in _HANDLE_CHARS.split(ascii_name) if w]
    local = _HANDLE_CHARS.sub("-", email.split("@")[0].lower()).strip("-._")
    options = [words[0]] if words else []
    options += ["-".join(words)] if len(words) > 1 else []
    options += [local] if local else []
    for option in options:
        if option and option[0].isalnum() and option not in taken:
            return option
    stem = options[0] if options and options[0][0].isalnum() else "person"
    n = 2
    while f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitResult:
    """What ``cpto init`` wrote, and what it found."""

    config: Path
    people: Path | None  # the drafted people.yaml, when one was written
    survey: Survey
    gaps: list[str]


def init_workspace(root: Path, *, force: bool = False, now: datetime | None = None) -> InitResult:
    """Survey ``root`` and write its cpto.toml (and a draft people.yaml when there is none).

    An existing cpto.toml is replaced only with ``force``; an existing people.yaml never is. The new
    cpto.toml is loaded before it is written, so a file cpto cannot read is never left behind.
    """
    root = root.expanduser().resolve()
    target = root / CONFIG_NAME
    if os.path.lexists(target) and not force:
        raise CptoError(f"{target}: already exists; nothing was written (--force replaces it)")
    found = survey(root)
    now = now or datetime.now(UTC)
    people = next(r for r in found.records if r.key == "people")
    # never replaced, and not drafted beside a people file that exists elsewhere
    fresh = not os.path.lexists(root / people.path) and not people.note and found.authors
    draft = root / people.path if fresh else None
    text = render_config(found, now, drafted_people=draft is not None)
    _checked(text)
    for path in (target, draft):  # both checked before either is written: a link out writes nothing
        if path is not None:
            inside_workspace(path, root)
    if draft is not None:
        atomic_write_text(draft, render_people(found, now), workspace=root)
    atomic_write_text(target, text, workspace=root)
    return InitResult(target, draft, found, setup_gaps(load_workspace(root)))


def _checked(text: str) -> WorkspaceConfig:
    """Load ``text`` as cpto would, in a scratch folder: a cpto.toml that does not load is a bug here."""
    with tempfile.TemporaryDirectory(prefix="cpto-init-") as scratch:
        Path(scratch, CONFIG_NAME).write_text(text, encoding="utf-8")
        return load_workspace(Path(scratch))


def _q(text: str) -> str:
    """A TOML (and YAML) double-quoted string."""
    return json.dumps(text, ensure_ascii=False)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _some(names: list[str], limit: int = EXAMPLES) -> str:
    """A few names for a comment, and how many more there are."""
    shown = ", ".join(_clean(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _clean(text: str) -> str:
    """Text safe on one comment line: no line breaks or control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _comment(text: str) -> list[str]:
    """``text`` as ``#`` comment lines of at most ``COMMENT_WIDTH`` characters (commands and globs are
    never cut in two)."""
    return textwrap.wrap(
        _clean(text),
        COMMENT_WIDTH,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )


# A minimal PRD, shown when none was found: the shape the review reads (docs/workspace.md).
PRD_EXAMPLE = (
    "---",
    "title: Checkout v2",
    "owner: dana",
    "target: 2026-12-15",
    "start: 2026-09-01",
    "---",
    "## Requirements",
    "### CHK-1: Guest checkout",
    "Shoppers can pay with only an email address.",
    "- CHK-2: The shipping form suggests full addresses as the shopper types.",
)


def render_config(found: Survey, now: datetime, *, drafted_people: bool = False) -> str:
    """The commented cpto.toml for what ``found`` holds: each setting with what was found and why."""
    lines = [
        *_comment(
            f"cpto.toml for {found.name}, written by `cpto init` on {now:%Y-%m-%d} from what the workspace"
            " holds. Every setting is optional (a missing one takes its default); each comment says what"
            " was found and how to add what was not. All settings: docs/workspace.md. `cpto check` lists"
            " what is still missing; `cpto init --force` writes this file again from scratch."
        ),
        "",
        "[workspace]",
        "# The name reports use (default: the folder's name).",
        f"name = {_q(found.name)}",
        *_repos_lines(found),
        "",
        *_prd_lines(found),
        "",
        "# Leadership records: plain files kept in git next to the work (docs/records.md).",
        *(line for r in found.records for line in _record_lines(found.root, r, drafted_people)),
        "",
        *_zone_lines(found),
        "",
        "[deploys]",
        *_deploy_lines(found.tags),
        "",
        "[code]",
        *_code_lines(found.code),
        "",
    ]
    return "\n".join(lines)


def _repos_lines(found: Survey) -> list[str]:
    if found.repos == ["."]:
        where = "this folder is a git repository, so it is the one repository."
    elif found.repos:
        where = f"the {len(found.repos)} git repositories directly under this folder."
    else:
        where = 'none. Add the paths of your repositories, like ["../api", "../web"].'
    return [
        *_comment(f"Git repositories cpto reads, relative to this folder. Found: {where}"),
        f"repos = {_list(found.repos)}",
    ]


def _prd_lines(found: Survey) -> list[str]:
    if found.prds:
        head = _comment(
            "PRDs: Markdown files whose requirements the product review traces to the work."
            f" Found {len(found.prds)}: {_some(found.prds)}."
        )
    else:
        head = _comment(
            "PRDs: Markdown files whose requirements the product review traces to the work. None found."
            " Add one as docs/prd/<name>.md: front matter (title, owner, target, start), then a"
            " Requirements heading with one requirement per heading or bullet, each starting with"
            " an ID like CHK-1 (an example below; formats in docs/workspace.md)."
        )
    if not found.prds:
        head += [f"#   {line}" for line in PRD_EXAMPLE]
    return [*head, f"prds = {_list(found.prd_globs)}"]


_RECORD_NAMES = {
    "decisions": "Decision records",
    "incidents": "Incident records",
    "alarms": "Alarms",
    "roadmap": "The roadmap",
    "people": "Who is who",
}
_FOLDERS = ("decisions", "incidents", "alarms")


def _record_lines(root: Path, record: Record, drafted_people: bool) -> list[str]:
    what = f"{_RECORD_NAMES[record.key]} ({_shown(record)}): {record.gives}."
    start: list[str] = []
    if record.present:
        path = root / record.path
        count = len(record_files(path)) if path.is_dir() else 0
        state = f"Found {count} records." if count else "Found."
    elif record.key == "people" and drafted_people:
        state = "None found, so cpto init drafted it from git history: fill in disciplines and roles."
    else:
        state, start = "Not there yet; start it with:", [f"#   {record.start}"]
    note = f" ({record.note})" if record.note else ""
    return [*_comment(f"{what}{note} {state}"), *start, f"{record.key} = {_q(record.path)}"]


def _shown(record: Record) -> str:
    """A record's path as people read it: folders end in a slash."""
    return record.path + "/" if record.key in _FOLDERS else record.path


def _zone_lines(found: Survey) -> list[str]:
    text = "The time zone the days of meetings, reviews and records fall on (an IANA name; default UTC)."
    if any(z not in ("+0000", "-0000") for z, _ in found.offsets):
        seen = ", ".join(f"{z[:3]}:{z[3:]} ({share:.0%})" for z, share in found.offsets)
        text += f" Not set: the commonest UTC offsets of the commits are {seen}; name the team's zone."
    return [*_comment(text), '# timezone = "Europe/Berlin"']


def _deploy_lines(tags: TagScheme) -> list[str]:
    text = "Release tags that count as deploys: the heartbeat's delivery numbers and the review's 'shipped'."
    if tags.pattern is None:
        if tags.total:
            text += f" None of the {tags.total} tags looks like a release number ({_some(tags.examples)});"
        else:
            text += " The repositories have no tags;"
        text += (
            " until releases are tagged, deploys are unknown. Set the glob your release tags follow, or"
            ' write deploys down: log = "deploys.log", one TIME REVISION [NAME] per line'
            " (docs/heartbeat.md)."
        )
        return [*_comment(text), 'tags = "v*"']
    text += (
        f" Found {tags.total} tags; this glob matches {len(tags.matched)}, newest {_some(tags.matched, 3)}."
    )
    if tags.left_out:
        text += (
            f" Left out on purpose: {len(tags.left_out)} pre-release tags ({_some(tags.left_out)}), as a"
            " pre-release is not a deploy to users; to count them too, use the commented glob below."
        )
    if tags.kept:
        text += (
            f" Still matched: {_some(tags.kept)}, tags that are not plain release numbers but that no"
            " glob can tell apart from them here; if they are not deploys, list deploys in a log"
            " instead (docs/heartbeat.md)."
        )
    if tags.missed:
        text += (
            f" Not matched though they look like releases: {_some(tags.missed)} (a glob cannot say"
            " 'digits only'); if they matter, list deploys in a log instead (docs/heartbeat.md)."
        )
    lines = [*_comment(text), f"tags = {_q(tags.pattern)}"]
    if tags.left_out:
        lines.append(f"# tags = {_q(_broad(tags.pattern))}")
    lines.append('# log = "deploys.log"   # or deploys written down, TIME REVISION [NAME] per line')
    return lines


def _broad(pattern: str) -> str:
    """The scheme's broad glob (``PREFIX[0-9]*``) from a narrowed one."""
    for end in ENDS:
        if pattern.endswith(end):
            return pattern.removesuffix(end) + "[0-9]*"
    return pattern


def _code_lines(code: dict[str, list[str]]) -> list[str]:
    text = (
        "Paths that are not product code, on top of the built-in rules (tests/, test_*.py, vendor/,"
        " lock files, ...) and .gitattributes linguist-* attributes: hotspots, debt and effort leave"
        " them out. Keys: tests, docs, generated, vendored."
    )
    if not any(code.values()):
        return [
            *_comment(text + " Nothing found that the built-in rules miss. Example:"),
            '# tests = ["qa/**"]',
        ]
    text += " Found folders of tests the built-in rules only partly recognise:"
    return [*_comment(text), *(f"{kind} = {_list(globs)}" for kind, globs in code.items() if globs)]


def render_people(found: Survey, now: datetime) -> str:
    """A draft people.yaml: the top authors as git knows them, each to be completed by the team."""
    until = f"{found.authors_until:%Y-%m-%d}" if found.authors_until else "the newest commit"
    lines = [
        *_comment(
            f"people.yaml: who is who (docs/records.md). Drafted by `cpto init` on {now:%Y-%m-%d} from git:"
            f" of the people who committed in the year to {until}, the {len(found.authors)} with the most"
            " non-merge commits in all (.mailmap applied, bots left out). Please complete it: each"
            " person's discipline (product, design, engineering, data, ...; unknown until set), role,"
            " team and manager; every email they commit with; and the people who do not commit"
            " (product, design, leadership)."
        ),
        "people:",
    ]
    for a in found.authors:
        lines += [
            f"  - handle: {a.handle}",
            f"    name: {_q(a.name)}",
            "    # discipline: engineering",
            f"    emails: {_list(a.emails)}   # {a.commits} commit{'s' if a.commits != 1 else ''}",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Gaps
# --------------------------------------------------------------------------------------------------


def setup_gaps(config: WorkspaceConfig) -> list[str]:
    """What the workspace is missing for cpto to report everything, each with what it costs and how
    to add it: one line each, for ``cpto check`` warnings and ``cpto init``'s summary."""
    gaps = []
    repos = [r for r in config.repos if r.is_dir()]
    if not config.repos:
        gaps.append("no repositories: set [workspace] repos in cpto.toml to your git repositories")
    for repo in config.repos:
        if repo not in repos:
            gaps.append(f"{repo}: repository folder does not exist; fix [workspace] repos in cpto.toml")
    gaps += _deploy_gaps(config, repos)
    from cpto.review.service import workspace_prds

    if not workspace_prds(config):
        gaps.append(
            f"no PRDs (looked for {', '.join(config.prds)}): the product review has nothing to trace; add"
            " docs/prd/<name>.md with a Requirements heading and IDs like CHK-1 (docs/workspace.md)"
        )
    for key, default, _, gives, start in _RECORDS:
        path = getattr(config, key) or config.root / default
        if key != "alarms" and not _has_records(path):  # no alarm folder: no cord pulled yet, not a gap
            rel = os.path.relpath(path, config.root) + ("/" if key in _FOLDERS else "")
            gaps.append(f"no {key} yet ({rel}): {gives}; start with: {start}")
    return gaps


def _deploy_gaps(config: WorkspaceConfig, repos: list[Path]) -> list[str]:
    """No deploys: the tags glob matches no tag (with the glob the tags suggest), and no deploy log."""
    if config.deploy_source.startswith("github-"):  # read from the index once synced: the heartbeat says so
        return []
    if config.deploy_log is not None:
        if config.deploy_log.is_file():
            return []
        return [f"{config.deploy_log}: the [deploys] log does not exist; deploys are unknown until it does"]
    if not repos:
        return []  # no repository: that gap is named already
    names = []
    for repo in repos:
        try:
            names += _tags(repo)
        except CptoError:
            return []  # not a repository: the index and cpto check say so themselves
    if any(fnmatchcase(n, config.deploy_tags) for n in names):
        return []
    scheme = tag_scheme(names)
    if scheme.pattern is not None:
        fix = f"set [deploys] tags = {_q(scheme.pattern)} in cpto.toml (it matches {len(scheme.matched)})"
    else:
        fix = (
            'tag releases (v1.2.3), or write deploys down: [deploys] log = "deploys.log" (docs/heartbeat.md)'
        )
    found = (
        f"none of the {len(names)} tags matches [deploys] tags = {_q(config.deploy_tags)}"
        if names
        else "the repositories have no tags and there is no [deploys] log"
    )
    return [f"no deploys: {found}; deployment frequency and lead time are unknown; {fix}"]

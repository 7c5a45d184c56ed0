"""People's word on where a commit's effort goes: classification overrides, kept in git.

The classifier and the GitHub labels guess a commit's bucket (feature, fix, debt, infra, other); people
know better, and a report that cannot be corrected cannot be steered by. Their corrections live in one
plain YAML file at the workspace root, ``classifications.yaml``, reviewed in pull requests like every
other record, one override a line::

    overrides:
      - {ref: 3f2a9c1d0e4b5a6978877665544332211ffeedd0, bucket: debt, reason: "the rename was cleanup", by: dana, at: 2026-11-03T16:00Z}
      - {ref: "#42", repo: services/api, bucket: feature, reason: "gift cards", by: li, at: 2026-11-04T09:00Z}

A ref is a full commit SHA (``cpto classify set`` resolves a prefix, a tag or a branch before writing)
or a pull request ``#N``, which covers the commits that pull request landed. ``repo`` names the
repository (its path from the workspace, as ``--only`` knows it) and is written when the workspace has
several. An override wins over the GitHub labels and the classifier, in every report
(:func:`override_buckets`); a commit's own override wins over its pull request's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cpto.errors import CptoError
from cpto.records.times import parse_time, stamp
from cpto.workspace.config import BUCKETS, WorkspaceConfig
from cpto.workspace.markdown import read_text
from cpto.workspace.yamlfile import parse_yaml_list

if TYPE_CHECKING:
    from cpto.report.model import Report

FILE = "classifications.yaml"
LIST_KEY = "overrides"
KEYS = ("ref", "repo", "bucket", "reason", "by", "at")  # an entry's keys, in the order they are written
HEADER = (
    "# Classification overrides: people's word on a commit's or pull request's effort bucket\n"
    "# (docs/classify-overrides.md). `cpto classify set` writes here; edit by hand as you like.\n"
)
DECIDED_BY = "override"  # what a report says decided the bucket of an overridden commit

_FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_PR = re.compile(r"^#([1-9][0-9]{0,9})$")


@dataclass(frozen=True)
class Override:
    """One person's word on one commit's or pull request's bucket, and why."""

    ref: str  # a full lower-case commit SHA, or "#N"
    bucket: str
    reason: str
    by: str
    at: datetime | None
    repo: str = ""  # the repository's name in the workspace; "" when the workspace has one
    line: int = 0

    @property
    def pull(self) -> int | None:
        """The pull request number of a ``#N`` override, else None."""
        m = _PR.match(self.ref)
        return int(m.group(1)) if m else None

    @property
    def why(self) -> str:
        """``override by dana on 2026-11-03: the rename was cleanup``: what a report shows for it."""
        day = f" on {self.at.date().isoformat()}" if self.at else ""
        return f"override by {self.by}{day}: {' '.join(self.reason.split())}"


def overrides_path(config: WorkspaceConfig) -> Path:
    """Where the workspace keeps its overrides: ``classifications.yaml`` at its root."""
    return config.root / FILE


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def read_overrides(path: Path) -> list[Override]:
    """The overrides in ``path``; a missing file has none. Anything that is not what the module
    docstring describes is a :class:`CptoError` naming file:line and the value."""
    if not path.exists() and not path.is_symlink():
        return []
    return parse_overrides(read_text(path, "overrides"), path)


def parse_overrides(text: str, path: Path) -> list[Override]:
    """As :func:`read_overrides`, from text already read."""
    listed = parse_yaml_list(text, path, LIST_KEY)
    for name, line in listed.key_lines.items():
        if name != LIST_KEY:
            raise CptoError(f"{path}:{line}: unknown key '{name}' (expected {LIST_KEY})")
    out: list[Override] = []
    seen: dict[tuple[str, str], int] = {}
    for line, item in listed.items:
        override = _entry(item, line, path)
        key = (override.repo, override.ref)
        if key in seen:
            raise CptoError(
                f"{path}:{override.line}: {override.ref} is overridden twice (first at line {seen[key]}); keep one"
            )
        seen[key] = override.line
        out.append(override)
    return out


def _entry(item: Any, line: int, path: Path) -> Override:
    where = f"{path}:{line}"
    if not isinstance(item, dict):
        raise CptoError(f"{where}: expected {{ref, bucket, reason, by, at}}, got {_shown(item)}")
    unknown = [str(k) for k in item if k not in KEYS]
    if unknown:
        raise CptoError(f"{where}: unknown key '{unknown[0]}' (expected {', '.join(KEYS)})")
    texts: dict[str, str] = {}
    for key in ("ref", "repo", "bucket", "reason", "by"):
        value = item.get(key)
        if value is None or value == "":
            if key != "repo":
                raise CptoError(f"{where}: '{key}' is missing")
            continue
        if not isinstance(value, str):
            raise CptoError(f"{where}: {key} {_shown(value)} is not text; put it in quotes")
        texts[key] = value.strip()
    ref = texts["ref"].lower()
    if not (_FULL_SHA.match(ref) or _PR.match(ref)):
        raise CptoError(
            f"{where}: ref {texts['ref']!r} is not a full commit SHA or a pull request #N"
            " (cpto classify set resolves a short one)"
        )
    bucket = texts["bucket"].lower()
    if bucket not in BUCKETS:
        raise CptoError(f"{where}: bucket {texts['bucket']!r} is not one of {', '.join(BUCKETS)}")
    at = parse_time(item.get("at"), f"{where}: at")
    return Override(ref, bucket, texts["reason"], texts["by"], at, texts.get("repo", ""), line)


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return "a list or mapping"
    return repr(value)


# --------------------------------------------------------------------------------------------------
# What reports do with them
# --------------------------------------------------------------------------------------------------


def repo_of(config: WorkspaceConfig, override: Override, where: str = "") -> Path | None:
    """The repository an override is about: the one its ``repo`` names, else the workspace's only one
    (None: any of them, for a commit; a SHA names one commit wherever it is)."""
    from cpto.workspace.narrow import repo_names

    if not override.repo:
        return config.repos[0] if len(config.repos) == 1 else None
    for repo in config.repos:
        if override.repo in repo_names(config, repo):
            return repo
    names = ", ".join(repo_names(config, r)[-1] for r in config.repos)
    raise CptoError(f"{where or override.ref}: repo '{override.repo}' is none of the workspace's ({names})")


def checked_overrides(config: WorkspaceConfig) -> list[Override]:
    """The workspace's overrides, each ``repo`` checked against the workspace's repositories: what
    ``cpto check`` reports, so a misspelt name fails there and not in the next heartbeat."""
    path = overrides_path(config)
    overrides = read_overrides(path)
    for o in overrides:
        repo_of(config, o, f"{path}:{o.line}")
    return overrides


def overrides_for(config: WorkspaceConfig) -> dict[tuple[Path | None, str], Override]:
    """The workspace's commit overrides by (repository, full SHA); the repository is None for an entry
    that names none in a workspace of several (it applies wherever the commit is)."""
    return override_targets(config)[0]


def pull_overrides(config: WorkspaceConfig) -> dict[tuple[Path | None, int], Override]:
    """The workspace's pull request overrides by (repository, number); None: the workspace's every
    repository (an entry without ``repo`` in a workspace of several)."""
    return override_targets(config)[1]


PullCommits = Callable[[Path, int], Iterable[str]]  # (repository, number) -> the commits it landed


Targets = tuple[dict[tuple[Path | None, str], Override], dict[tuple[Path | None, int], Override]]


def override_targets(config: WorkspaceConfig) -> Targets:
    """The workspace's commit and pull request overrides (:func:`overrides_for`, :func:`pull_overrides`),
    the file read and each entry's repository found once, for a report that asks about every repository."""
    path = overrides_path(config)
    commits: dict[tuple[Path | None, str], Override] = {}
    pulls: dict[tuple[Path | None, int], Override] = {}
    for o in read_overrides(path):
        where = repo_of(config, o, f"{path}:{o.line}")
        if o.pull is None:
            commits[(where, o.ref)] = o
        else:
            pulls[(where, o.pull)] = o
    return commits, pulls


def override_buckets(
    config: WorkspaceConfig,
    repo: Path,
    pull_commits: PullCommits | None = None,
    targets: Targets | None = None,
) -> dict[str, Override]:
    """Full SHA -> the override deciding its bucket, for the commits of ``repo``: its commit overrides
    and, for each ``#N`` override, the commits that pull request landed (``pull_commits``, default
    :func:`git_pull_commits`; the heartbeat passes its GitHub tables first). A commit's own override
    wins over its pull request's."""
    commits, pulls = targets or override_targets(config)
    find = pull_commits or git_pull_commits
    out: dict[str, Override] = {}
    for (where, number), o in pulls.items():
        if where is None or where == repo:
            for sha in find(repo, number):
                out.setdefault(sha, o)
    for (where, sha), o in commits.items():
        if where is None or where == repo:
            out[sha] = o
    return out


def workspace_overrides(config: WorkspaceConfig) -> dict[str, Override]:
    """Full SHA -> the override deciding its bucket, over every repository of the workspace (pull
    requests expanded from git): what ``cpto classify -w`` applies to commits given by id."""
    out: dict[str, Override] = {}
    targets = override_targets(config) if config.repos else None  # the file read once, not per repository
    for repo in config.repos:
        for sha, override in override_buckets(config, repo, targets=targets).items():
            out.setdefault(sha, override)
    return out


def github_pull_commits(starts: Mapping[str, Any], fallback: PullCommits | None = None) -> PullCommits:
    """A :data:`PullCommits` over the heartbeat's GitHub tables (:func:`cpto.heartbeat.evidence.pull_starts`:
    merge SHA -> PullStart with ``number``, ``merge_sha`` and ``shas``), then git for a pull request
    they do not know."""
    by_number = {int(p.number): p for p in starts.values()}

    def commits(repo: Path, number: int) -> list[str]:
        start = by_number.get(number)
        if start is None:
            return list((fallback or git_pull_commits)(repo, number))
        return [str(start.merge_sha), *sorted(start.shas)]

    return commits


def git_pull_commits(repo: Path, number: int) -> list[str]:
    """The commits pull request ``number`` landed, from git alone (:func:`cpto.history.git.pull_request_commits`)."""
    from cpto.history.git import pull_request_commits

    return pull_request_commits(repo, number)


# --------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------


def resolve_target(config: WorkspaceConfig, ref: str, repo: str | None) -> tuple[str, str]:
    """``(stored ref, repo name)`` for ``cpto classify set``: a commit's full SHA or ``#N``, and the
    repository's name when the workspace has several ("" otherwise). A ref no repository has, or one
    several have without ``--repo``, is a one-line error."""
    from cpto.history.git import has_pull_request, resolve_commit
    from cpto.workspace.narrow import narrow, repo_names

    repos = narrow(config, [repo]).repos if repo else config.repos
    ref = ref.strip()
    pr = _PR.match(ref)
    hits: list[tuple[Path, str]] = []
    for r in repos:
        if pr:
            if has_pull_request(r, int(pr.group(1))):
                hits.append((r, ref))
        else:
            sha = resolve_commit(r, ref)
            if sha is not None:
                hits.append((r, sha))
    names = ", ".join(str(r) for r in repos)
    if not hits:
        what = (
            f"no pull request {ref} in {names} (a merge 'Merge pull request {ref} from' or a title ending '({ref})')"
            if pr
            else f"{ref!r} is not a commit of {names}"
        )
        raise CptoError(f"{what}; nothing was written")
    if len({h[1] for h in hits}) > 1 or len(hits) > 1:
        where = ", ".join(repo_names(config, h[0])[-1] for h in hits)
        raise CptoError(f"{ref}: found in {where}; name one with --repo; nothing was written")
    found, stored = hits[0]
    name = repo_names(config, found)[-1] if len(config.repos) > 1 else ""
    return stored, name


def new_override(ref: str, bucket: str, reason: str, by: str, at: datetime, repo: str = "") -> dict[str, str]:
    """The entry ``cpto classify set`` writes, checked: a known bucket and a reason."""
    wanted = bucket.strip().lower()
    if wanted not in BUCKETS:
        raise CptoError(f"{bucket!r} is not a bucket; use one of {', '.join(BUCKETS)}; nothing was written")
    if not reason.strip():
        raise CptoError("--reason: say why the bucket is wrong, in a line; nothing was written")
    if "\n" in reason.strip() or "\r" in reason:
        raise CptoError("--reason: one line, please; nothing was written")
    entry = {"ref": ref, "repo": repo, "bucket": wanted, "reason": reason.strip(), "by": by, "at": stamp(at)}
    return {k: v for k, v in entry.items() if v}


def set_edit(entry: Mapping[str, str], path: Path) -> Callable[[str], str]:
    """The edit that adds ``entry`` to the overrides file, replacing an earlier override of the same
    ref (and repository) on its own lines; every other byte of the file stays. The result must read
    back with the entry in it, or nothing is written."""

    def change(text: str) -> str:
        parse_overrides(text, path)  # a broken file is reported, not edited
        nl = "\r\n" if "\r\n" in text else "\n"
        lines = text.splitlines(keepends=True)
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += nl
        new_line = _render(entry)
        root = yaml.compose(text) if text.strip() else None
        seq = next((v for k, v in root.value if k.value == LIST_KEY), None) if root else None
        empty_flow = (
            isinstance(seq, yaml.SequenceNode)
            and seq.flow_style
            and not seq.value
            and seq.start_mark.line == seq.end_mark.line  # "[" and "]" on one line
        )
        if seq is None or (isinstance(seq, yaml.ScalarNode) and not seq.value) or empty_flow:
            if seq is None:
                lines += [f"{LIST_KEY}:{nl}"]
                at = len(lines)
            else:
                at = seq.start_mark.line + 1
                if empty_flow:  # "overrides: []" becomes a block list
                    line = lines[seq.start_mark.line]
                    kept = line[: seq.start_mark.column].rstrip() + line[seq.end_mark.column :]
                    lines[seq.start_mark.line] = kept if kept.strip() else nl
            lines[at:at] = [f"  - {new_line}{nl}"]
        elif isinstance(seq, yaml.SequenceNode) and not seq.flow_style and seq.value:
            first = lines[seq.value[0].start_mark.line]
            dash = first[: len(first) - len(first.lstrip(" "))]
            spans = [_item_lines(lines, node) for node in seq.value]
            same = [
                s
                for s, node in zip(spans, seq.value, strict=True)
                if _same(node, entry["ref"], entry.get("repo", ""))
            ]
            if same:
                start, stop = same[0]
                lines[start:stop] = [f"{dash}- {new_line}{nl}"]
            else:
                stop = max(s[1] for s in spans)
                lines[stop:stop] = [f"{dash}- {new_line}{nl}"]
        else:
            raise CptoError(
                f"{path}: '{LIST_KEY}' is not a block list (one '- ' item a line); could not add the"
                " override without reformatting the file; nothing was written"
            )
        result = "".join(lines)
        read = parse_overrides(result, path)
        if not any(o.ref == entry["ref"].lower() and o.repo == entry.get("repo", "") for o in read):
            raise CptoError(
                f"{path}: could not add the override without reformatting the file; nothing was written"
            )
        return result

    return change


def _same(node: yaml.Node, ref: str, repo: str) -> bool:
    data = yaml.safe_load(yaml.serialize(node)) if isinstance(node, yaml.MappingNode) else None
    if not isinstance(data, dict):
        return False
    return str(data.get("ref", "")).lower() == ref.lower() and str(data.get("repo") or "") == repo


def _item_lines(lines: list[str], node: yaml.Node) -> tuple[int, int]:
    """The lines of one list item: from its dash to its last value (trailing blanks and comments out)."""
    start = node.start_mark.line
    end = node.end_mark
    stop = end.line if end.column == 0 or not lines[end.line][: end.column].strip() else end.line + 1
    stop = max(stop, start + 1)
    while stop > start + 1 and (not lines[stop - 1].strip() or lines[stop - 1].lstrip().startswith("#")):
        stop -= 1
    return start, stop


def _render(entry: Mapping[str, str]) -> str:
    """One override on one line, in flow style, keys in :data:`KEYS` order."""
    ordered = {k: entry[k] for k in KEYS if k in entry}
    dumped = yaml.safe_dump(
        ordered, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**9
    )
    return dumped.strip().removesuffix("...").strip()


def write_override(config: WorkspaceConfig, entry: Mapping[str, str], *, commit: str | None = None) -> Path:
    """Add ``entry`` to the workspace's overrides file (made with its header when missing) under the
    folder lock, atomically; ``commit`` (a message) records that file alone in git."""
    from cpto.workspace.edit import create_file, update_file

    path = overrides_path(config)
    edit = set_edit(entry, path)
    if not path.exists() and not path.is_symlink():
        try:
            return create_file(
                path.parent,
                lambda: (path, edit(HEADER)),
                commit=(lambda _: commit) if commit else None,
                root=config.root,
            )
        except CptoError as exc:
            if "already exists" not in exc.message:
                raise
    update_file(path, lambda text: edit(text or HEADER), commit=commit, root=config.root)
    return path


def overrides_report(path: Path, overrides: list[Override]) -> Report:
    """``cpto classify list``: every override, in file order, with who said it, when and why."""
    from cpto.report.model import Report, Table

    return Report(
        title="Classification overrides",
        subtitle=str(path),
        facts=[("overrides", len(overrides))],
        tables=[
            Table(
                "Overrides",
                ["ref", "repo", "bucket", "by", "at", "reason"],
                [
                    [
                        o.ref if o.pull else o.ref[:12],
                        o.repo,
                        o.bucket,
                        o.by,
                        stamp(o.at) if o.at else "",
                        o.reason,
                    ]
                    for o in overrides
                ],
            )
        ],
        notes=[]
        if overrides
        else ["no overrides yet; add one with: cpto classify set REF BUCKET --reason ..."],
        data={
            "path": str(path),
            "overrides": [
                {
                    "ref": o.ref,
                    "repo": o.repo or None,
                    "bucket": o.bucket,
                    "reason": o.reason,
                    "by": o.by,
                    "at": o.at.isoformat() if o.at else None,
                    "line": o.line,
                }
                for o in overrides
            ],
        },
    )

"""The demo's GitHub data, recorded as ``gh api`` would write it: what ``cpto github import`` reads.

Acme's repository lives on GitHub as ``acme/shop``; the demo writes the pull requests, their commits and
reviews, the issues, the releases and the production deployments that go with its history into
``github/acme/shop/`` (the offline import format, one JSON file per endpoint). Everything is derived from
the repository just written and from the fixed tables below, so the same seed gives the same files:

- a pull request for every "Merge pull request #N" merge (its commits: what the merge brings in) and
  every squash merge "subject (#N)" (its commit: the squash itself), by the author of its first
  commit, approved by one or two engineers before the merge; a few bodies close the issues the PRDs
  cite (``DUN-1`` cites #12, ``CHK-3`` #23, ``CHK-4`` issue 31 by its URL) or mention one (#19);
- issues: the feature requests the PRDs cite, filed before the demo's history starts (numbers below
  the first pull request's, 102), and one issue labelled ``incident`` per incident record, numbered
  with the next number no pull request took;
- a release per tag, and a deployment to ``production`` per tag, with a success status.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cpto.demo import content as C

OWNER, NAME = "acme", "shop"
REMOTE = f"https://github.com/{OWNER}/{NAME}.git"
_WEB = f"https://github.com/{OWNER}/{NAME}"

# Pull-request descriptions, by branch (merges) or by the squash commit's subject.
_BODIES = {
    "feature/dunning-retries": (
        "Retries a failed renewal on day 1, 3 and 7 after the first failure, as D-0003 decided.\n\n"
        "Closes #12. The emails after each attempt (#19) follow in their own pull request."
    ),
    "feature/saved-cards": (
        "Customers save a card as a vault token and pick it on the payment step.\n\nCloses #23"
    ),
    "feature/wallets": (
        "Apple Pay and Google Pay buttons on the payment step, behind the checkout_wallets flag.\n\n"
        f"Resolves {_WEB}/issues/31"
    ),
    "feat(billing): email customers after each failed renewal": "Closes #19",
}

# (number, title, author, filed, closed): the feature requests the PRDs cite, filed before the history.
_REQUESTS = (
    (12, "Renewals are cancelled after one failed charge", "dana", "2026-07-06T09:20:00Z", "2026-09-15"),
    (19, "Tell customers when a renewal payment fails", "dana", "2026-07-08T14:05:00Z", "2026-09-15"),
    (23, "Returning customers re-type their card every time", "aiko", "2026-07-14T11:30:00Z", "2026-10-01"),
    (31, "Apple Pay and Google Pay at checkout", "dana", "2026-07-21T16:45:00Z", "2026-11-06"),
)
_PR = re.compile(r"^Merge pull request #(\d+) from \S+?/(\S+)")
_SQUASH = re.compile(r"^(.*) \(#(\d+)\)$")
_TIMELINE = re.compile(r"^- (\d{4}-\d\d-\d\d) (\d\d:\d\d) (detected|resolved):", re.MULTILINE)  # UTC


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    email: str
    authored: int
    committed: int
    message: str


def write_github(repo: Path, out: Path) -> list[Path]:
    """Write ``out/acme/shop/...`` for the demo repository ``repo``; the files written, in order."""
    commits = _read_commits(repo)
    folder = out / OWNER / NAME
    files: dict[str, Any] = {}
    pulls = _pulls(repo, commits)
    files["pulls.json"] = [p for p, _, _ in pulls]
    for pull, shas, reviews in pulls:
        files[f"pulls/{pull['number']}/commits.json"] = [{"sha": s} for s in shas]
        files[f"pulls/{pull['number']}/reviews.json"] = reviews
    files["issues.json"] = _issues(repo, {int(p["number"]): p["created_at"] for p, _, _ in pulls})
    tags = _tags(repo)
    files["releases.json"] = [_release(n, tag) for n, tag in enumerate(tags, start=1)]
    files["deployments.json"] = [_deployment(n, tag) for n, tag in enumerate(tags, start=1)]
    for n, tag in enumerate(tags, start=1):
        files[f"deployments/{9000 + n}/statuses.json"] = _statuses(n, tag)
    written = []
    for name, value in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _git(repo: Path, *args: str) -> str:
    """git's output in ``repo``, with no user, system or inherited setting to change its format."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _read_commits(repo: Path) -> dict[str, _Commit]:
    out = _git(repo, "log", "--all", "--format=%H%x00%P%x00%ae%x00%at%x00%ct%x00%B%x1e")
    commits = {}
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, parents, email, authored, committed, message = record.split("\x00", 5)
        commits[sha] = _Commit(sha, tuple(parents.split()), email, int(authored), int(committed), message)
    return commits


def _time(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _login(email: str) -> str:
    for person in (*C.PEOPLE, C.BOT):
        if email in person.emails:
            return person.handle if not person.bot else "dependabot[bot]"
    return "ghost"


def _user(login: str) -> dict[str, Any]:
    return {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}


def _pulls(
    repo: Path, commits: Mapping[str, _Commit]
) -> list[tuple[dict[str, Any], list[str], list[dict[str, Any]]]]:
    """Every pull request the history shows: (pull, its commit SHAs, its reviews), by number."""
    found = []
    for c in commits.values():
        subject, _, rest = c.message.partition("\n")
        merge = _PR.match(subject)
        if merge and len(c.parents) == 2:
            shas = _git(
                repo, "rev-list", "--reverse", "--no-merges", f"{c.parents[0]}..{c.parents[1]}"
            ).split()
            branch = merge.group(2)
            title = rest.strip().split("\n", 1)[0] or branch
            found.append((int(merge.group(1)), title, _BODIES.get(branch, ""), branch, c, shas))
            continue
        squash = _SQUASH.match(subject)
        if squash and len(c.parents) <= 1:
            title = squash.group(1)
            body = "\n\n".join(part for part in (rest.strip(), _BODIES.get(title, "")) if part)
            branch = re.sub(r"[^a-z0-9]+", "-", title.lower())[:40].strip("-")
            found.append((int(squash.group(2)), title, body, branch, c, [c.sha]))
    out = []
    for number, title, body, branch, landed, shas in sorted(found, key=lambda f: f[0]):
        rng = random.Random(number)
        first = commits[shas[0]] if shas else landed
        author = _login(first.email)
        opened = min(first.authored, landed.committed - rng.randint(2, 30) * 600)
        merged = landed.committed
        pull = {
            "number": number,
            "title": title,
            "body": body,
            "user": _user(author),
            "state": "closed",
            "draft": False,
            "created_at": _time(opened),
            "updated_at": _time(merged),
            "closed_at": _time(merged),
            "merged_at": _time(merged),
            "merge_commit_sha": landed.sha,
            "base": {"ref": "main"},
            "head": {"ref": branch},
            "labels": [{"name": "dependencies"}] if author.endswith("[bot]") else [],
            "requested_reviewers": [],
            "html_url": f"{_WEB}/pull/{number}",
        }
        out.append((pull, shas, _reviews(number, author, opened, merged, rng)))
    return out


def _reviews(number: int, author: str, opened: int, merged: int, rng: random.Random) -> list[dict[str, Any]]:
    """One or two approvals from engineers other than the author, between opening and merging."""
    engineers = [p.handle for p in C.PEOPLE if p.discipline == "engineering" and p.handle != author]
    reviewers = rng.sample(engineers, 1 + (rng.random() < 0.4))
    out = []
    for k, who in enumerate(reviewers):
        at = opened + max(60, int((merged - opened) * rng.uniform(0.2, 0.9)))
        out.append(
            {
                "id": number * 100 + k,
                "user": _user(who),
                "state": "COMMENTED" if k == 1 and rng.random() < 0.3 else "APPROVED",
                "submitted_at": _time(min(at, merged - 30)),
                "html_url": f"{_WEB}/pull/{number}#pullrequestreview-{number * 100 + k}",
            }
        )
    return out


def _issues(repo: Path, pull_opened: Mapping[int, str]) -> list[dict[str, Any]]:
    """The cited feature requests and one ``incident`` issue per incident record, by number."""
    out = []
    for number, title, author, filed, closed in _REQUESTS:
        out.append(_issue(number, title, "", author, filed, f"{closed}T12:00:00Z", ["enhancement"]))
    used = set(pull_opened) | {n for n, *_ in _REQUESTS}
    for path, _text in C.INCIDENTS:
        text = (repo / path).read_text(encoding="utf-8")
        meta = _front_matter(text)
        when = {kind: f"{day}T{hm}:00Z" for day, hm, kind in _TIMELINE.findall(text)}
        filed, closed = when["detected"], when.get("resolved", when["detected"])
        number = _free_number(filed, pull_opened, used)
        used.add(number)
        body = f"{meta.get('id', '')}, {meta.get('severity', '')}: see {path}"
        out.append(
            _issue(number, meta["title"], body, meta.get("commander", "jordan"), filed, closed, ["incident"])
        )
    return sorted(out, key=lambda issue: -int(issue["number"]))  # newest first, as GitHub lists them


def _issue(
    number: int, title: str, body: str, author: str, filed: str, closed: str, labels: Sequence[str]
) -> dict[str, Any]:
    return {
        "number": number,
        "title": title,
        "body": body,
        "user": _user(author),
        "state": "closed",
        "labels": [{"name": label} for label in labels],
        "created_at": filed,
        "updated_at": closed,
        "closed_at": closed,
        "html_url": f"{_WEB}/issues/{number}",
    }


def _front_matter(text: str) -> dict[str, str]:
    """The ``key: value`` lines of a record's front matter (the incident records are simple)."""
    if not text.startswith("---\n"):
        return {}
    head = text[4:].split("\n---", 1)[0]
    pairs = (line.split(":", 1) for line in head.splitlines() if ":" in line)
    return {k.strip(): v.strip().strip("\"'") for k, v in pairs}


def _free_number(filed: str, pull_opened: Mapping[int, str], used: set[int]) -> int:
    """The number GitHub would give an issue filed at ``filed``: the next one after the pull requests
    opened before it that no pull request took (issues and pull requests share one sequence)."""
    before = [n for n, opened in pull_opened.items() if opened <= filed]
    number = max(before, default=100) + 1
    while number in used:
        number += 1
    return number


@dataclass(frozen=True)
class _Tag:
    name: str
    sha: str
    epoch: int


def _tags(repo: Path) -> list[_Tag]:
    out = _git(
        repo, "for-each-ref", "refs/tags", "--format=%(refname:short)%00%(objectname)%00%(*objectname)"
    )
    tags = []
    for line in out.splitlines():
        name, own, peeled = line.split("\x00")
        sha = peeled or own
        epoch = int(_git(repo, "log", "-1", "--format=%ct", sha).strip())
        tags.append(_Tag(name, sha, epoch))
    return sorted(tags, key=lambda t: (t.epoch, t.name))


def _release(n: int, tag: _Tag) -> dict[str, Any]:
    at = _time(tag.epoch + 300)
    return {
        "id": 5000 + n,
        "tag_name": tag.name,
        "name": f"Acme Checkout {tag.name}",
        "draft": False,
        "prerelease": False,
        "created_at": at,
        "published_at": at,
        "html_url": f"{_WEB}/releases/tag/{tag.name}",
    }


def _deployment(n: int, tag: _Tag) -> dict[str, Any]:
    return {
        "id": 9000 + n,
        "sha": tag.sha,
        "ref": tag.name,
        "environment": "production",
        "created_at": _time(tag.epoch + 600),
    }


def _statuses(n: int, tag: _Tag) -> list[dict[str, Any]]:
    """Newest first, as GitHub lists them: in progress when the deploy job starts, success when done."""
    done = timedelta(minutes=8 + n % 5)
    return [
        {
            "id": 90000 + 2 * n + 1,
            "state": "success",
            "created_at": _time(tag.epoch + 600 + int(done.total_seconds())),
        },
        {"id": 90000 + 2 * n, "state": "in_progress", "created_at": _time(tag.epoch + 630)},
    ]

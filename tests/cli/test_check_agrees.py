"""``cpto check`` reports first whatever any other command would reject or misread.

A workspace of good records, with one bad record at a time: if a report (decision list, incident list,
timeline, heartbeat, people, roadmap review, actions) fails on it or names it in a warning, ``cpto
check`` must list that same file as an error or a warning, so a pull request checked in CI never breaks
a report later.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app
from cpto.errors import CptoError

COMMANDS = (
    ("decision", "list"),
    ("incident", "list"),
    ("timeline",),
    ("heartbeat", "--no-trace", "--week", "2026-01-05"),
    ("people",),
    ("roadmap", "review"),
    ("actions",),
)

TOML = """\
[workspace]
repos = ["."]
decisions = "decisions"
incidents = "incidents"
roadmap = "roadmap.yaml"
people = "people.yaml"

[deploys]
log = "deploys.log"
"""
PEOPLE = "people:\n  - handle: dana\n    discipline: product\n  - handle: sam\n    discipline: engineering\n    manager: dana\n"
DECISION = """\
---
id: D-0001
title: Good decision
status: decided
domain: outcomes
point: dana
raised: 2026-01-02T10:00
decided: 2026-01-03T10:00
consulted: [sam]
---
# Good decision
"""
INCIDENT = """\
---
id: INC-1
title: Good incident
severity: SEV2
commander: sam
---
## Timeline
- 2026-01-02 10:00 started: errors
- 2026-01-02 10:30 resolved: fixed
"""
ROADMAP = "items:\n  - id: RM-1\n    title: Cart\n    horizon: year\n    owner: dana\n"


def run(workspace: Path, *args: str) -> tuple[int, str]:
    """A command in-process: its exit code and everything it said (a CptoError is its one line)."""
    result = CliRunner().invoke(app, [*args, "-w", str(workspace)])
    if isinstance(result.exception, CptoError):
        return 2, result.exception.message
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agree") / "ws"
    root.mkdir()
    repo = Repo(root)
    repo.git("init", "-q")
    sha = repo.commit(
        "start",
        {
            "cpto.toml": TOML,
            "people.yaml": PEOPLE,
            "decisions/0001-good.md": DECISION,
            "incidents/2026-01-02-good.md": INCIDENT,
            "roadmap.yaml": ROADMAP,
            "api/cart.py": "def cart():\n    return []\n",
        },
    )
    repo.git("tag", "v1")
    (root / "deploys.log").write_text(f"2026-01-02T09:00Z {sha[:10]} v1\n")
    repo.commit("deploy log", {})
    return root


def bad(name: str, text: str) -> Callable[[Path], Path]:
    def apply(ws: Path) -> Path:
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    return apply


def folder_as_file(name: str) -> Callable[[Path], Path]:
    def apply(ws: Path) -> Path:
        shutil.rmtree(ws / name)
        (ws / name).write_text("not a folder\n")
        return ws / name

    return apply


def people(text: str) -> Callable[[Path], Path]:
    return bad("people.yaml", PEOPLE + text)


CASES = {
    "empty decision": bad("decisions/0002-empty.md", ""),
    "decision without any status": bad("decisions/notes.md", "# Notes\n\nJust some text.\n"),
    "decided before raised": bad(
        "decisions/0002-backwards.md",
        DECISION.replace("D-0001", "D-0002").replace("decided: 2026-01-03", "decided: 2025-12-01"),
    ),
    "raised in 2099": bad(
        "decisions/0002-future.md",
        DECISION.replace("D-0001", "D-0002")
        .replace("status: decided", "status: proposed")
        .replace("raised: 2026-01-02T10:00\ndecided: 2026-01-03T10:00", "raised: 2099-01-02T10:00"),
    ),
    "raised in 1900": bad(
        "decisions/0002-old.md",
        DECISION.replace("D-0001", "D-0002").replace("2026-01-02T10:00", "1900-01-02"),
    ),
    "consulted: 5": bad("decisions/0002-type.md", DECISION.replace("D-0001", "D-0002").replace("[sam]", "5")),
    "appeal at an unreadable time": bad(
        "decisions/0002-appeal.md",
        DECISION.replace("D-0001", "D-0002").replace("consulted", "appeal: {by: sam, at: soon}\nconsulted"),
    ),
    "empty incident": bad("incidents/2026-01-03-empty.md", ""),
    "incident services a mapping": bad(
        "incidents/2026-01-03-type.md",
        INCIDENT.replace("INC-1", "INC-2").replace("commander", "services: {a: 1}\ncommander"),
    ),
    "incident event on no real day": bad(
        "incidents/2026-01-03-day.md",
        INCIDENT.replace("INC-1", "INC-2").replace("2026-01-02 10:30", "2026-02-30 10:30"),
    ),
    "alarm without front matter": bad("alarms/note.md", "# just a note\n"),
    "manager cycle": bad(
        "people.yaml",
        PEOPLE.replace("discipline: product\n", "discipline: product\n    manager: sam\n", 1),
    ),
    "manager a number": people("  - handle: li\n    manager: 0123\n"),
    "deploy log line": bad("deploys.log", "yesterday v1\n"),
    "deploy log revision": bad("deploys.log", "2026-01-02T09:00Z nosuchtag\n"),
    "decisions folder is a file": folder_as_file("decisions"),
    "incidents folder is a file": folder_as_file("incidents"),
    "roadmap title a list": bad("roadmap.yaml", ROADMAP.replace("title: Cart", "title: [Cart]")),
    "roadmap target a number": bad("roadmap.yaml", ROADMAP + "    target: 20270301\n"),
}


def test_every_command_is_clean_on_the_good_workspace(base: Path, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(base, ws)
    for command in COMMANDS:
        code, said = run(ws, *command)
        assert code == 0, (command, said)
    code, said = run(ws, "check", "--json", "--strict")
    problems = [p for p in json.loads(said)["problems"] if p["level"] != "info"]
    assert [p for p in problems if "set-up" not in p["message"]] == [], problems


@pytest.mark.parametrize("case", list(CASES))
def test_check_reports_first_what_any_command_rejects_or_warns_about(
    base: Path, tmp_path: Path, case: str
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(base, ws)
    path = CASES[case](ws)
    name = str(path.relative_to(ws))
    code, said = run(ws, "check", "--json")
    if code == 2:  # the workspace itself is refused (cpto.toml names a file as a folder): one line
        reported = [said] if name in said and len(said.splitlines()) == 1 else []
    else:
        problems = json.loads(said)["problems"]
        reported = [p for p in problems if p["level"] in ("error", "warning") and name in p["where"]]
    noticed = []
    for command in COMMANDS:
        code, said = run(ws, *command)
        if code != 0:  # a report that rejects the record says so in one line naming the file
            assert len(said.strip().splitlines()) == 1 and name in said, (command, said)
            noticed.append(" ".join(command))
        elif name in said:
            noticed.append(" ".join(command))
    assert reported, f"cpto check says nothing of {name}, though {noticed or 'no command'} noticed it"

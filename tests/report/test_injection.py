"""End to end: hostile text in every place users' data comes from, through every reporting command, in
every format, and not one injection survives.

A real demo workspace (a git repository) gets the strings of hostile.txt in a commit message and its
author's name, a PRD requirement, a decision remark, an incident timeline line, a person's name in
people.yaml and a release tag; then ``cpto`` runs as a user runs it (a subprocess, its output a pipe,
or a coloured terminal with FORCE_COLOR) and each output is read as the place it is pasted into would
read it: Markdown by a Markdown parser, HTML by an HTML parser, the terminal byte by byte.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from tests.report.hostile import hostile_strings

# every string of the corpus on one line; CR and line breaks only where the file format keeps them
HOSTILE = " ~ ".join(s for s in hostile_strings() if "\r" not in s and "\n" not in s)
TAG = "v9.9.9<img/src=x/onerror=alert(1)>"  # as hostile as git lets a tag name be
COMMANDS = {  # command: the places whose marker its output must show, so the data did reach it
    "review": ["PWN-prd", "PWN-commit"],
    "heartbeat": ["onerror"],
    "history --top 50": ["PWN-author", "onerror"],
    "people": ["PWN-person"],
    "decision show 1": ["PWN-remark"],
    "incident show 1": ["PWN-incident"],
    "timeline": ["PWN-incident", "onerror"],
}
STEERING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's colours: all a coloured report may hold
PROGRESS = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # and its progress bar: colours, cursor up, erase line
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


ENVIRONMENT: dict[str, str] = {}  # git without the user's config, one identity (set by the fixture)


def git(repo: Path, *args: str, stdin: str | None = None, **env: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), *args],
        input=stdin.encode() if stdin is not None else None,
        check=True,
        capture_output=True,
        env={**os.environ, **ENVIRONMENT, **env},
    )


def cpto(workspace: Path | None, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    where = ["--workspace", str(workspace)] if workspace is not None else []
    return subprocess.run(
        [sys.executable, "-m", "cpto", *args, *where],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **ENVIRONMENT, **env},
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace with hostile text in each place data comes from, all committed."""
    root = tmp_path_factory.mktemp("hostile")
    home = root / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    ENVIRONMENT.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Dana K",
        GIT_AUTHOR_EMAIL="dana@acme.example",
        GIT_COMMITTER_NAME="Dana K",
        GIT_COMMITTER_EMAIL="dana@acme.example",
    )
    path = root / "acme"
    built = cpto(None, "demo", str(path))
    assert built.returncode == 0, built.stderr

    prd = path / "docs/prd/checkout.md"
    prd.write_text(
        prd.read_text().replace(
            "### CHK-2:", f"### CHK-9: PWN-prd {HOSTILE}\nShoppers see {HOSTILE}.\n\n### CHK-2:"
        )
    )
    decision = path / "decisions/0001-stripe-card-vault.md"
    decision.write_text(decision.read_text() + f"- dana, 2026-08-28: PWN-remark {HOSTILE}\n")
    incident = path / "incidents/2026-09-29-duplicate-dunning-emails.md"
    incident.write_text(
        incident.read_text().replace(
            "- 2026-09-29 07:02 acknowledged: marco paged",
            f"- 2026-09-29 07:02 acknowledged: marco paged\n- 2026-09-29 07:10 note: PWN-incident {HOSTILE}",
        )
    )
    people = path / "people.yaml"
    name = yaml.safe_dump(f"Dana PWN-person {HOSTILE}", width=10_000).splitlines()[0]  # quoted, escaped
    people.write_text(people.read_text().replace("name: Dana Kowalski", f"name: {name}"))
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "docs: records")

    cart = path / "api/checkout/cart.py"
    cart.write_text(cart.read_text() + "\n# CHK-1 guest checkout: no account before paying\n")
    git(path, "add", "-A")
    message = f"feat(checkout): CHK-1 guest checkout PWN-commit {HOSTILE}\n\nfine\rOVERWRITTEN {HOSTILE}\n"
    hostile_author = {
        "GIT_AUTHOR_NAME": f"Mallory PWN-author \x1b]0;window title pwned\x07 {HOSTILE}",
        "GIT_AUTHOR_EMAIL": "none@none",
    }
    git(
        path, "commit", "-q", "-F", "-", stdin=message, **hostile_author
    )  # a placeholder email: named by name
    git(path, "tag", "-a", TAG, "-m", f"release PWN-tag {HOSTILE}")
    indexed = cpto(path, "index", "--quiet")
    assert indexed.returncode == 0, indexed.stderr
    return path


@pytest.fixture(scope="module")
def outputs(workspace: Path) -> dict[tuple[str, str], str]:
    """Each command's output in each format: markdown, html, terminal (a pipe) and colour (FORCE_COLOR)."""
    out = {}
    settings = {  # a wide pipe (the wide form, no line broken inside a marker); a narrow coloured terminal
        "terminal": {"COLUMNS": "400"},
        "colour": {"FORCE_COLOR": "1", "COLUMNS": "100"},
    }
    for command in COMMANDS:
        for fmt in ("markdown", "html", "terminal", "colour"):
            env = settings.get(fmt, {})
            done = cpto(
                workspace, *command.split(), "--format", "terminal" if fmt == "colour" else fmt, **env
            )
            assert done.returncode == 0, (command, fmt, done.stderr)
            assert STEERING.search(PROGRESS.sub("", done.stderr)) is None, done.stderr
            out[command, fmt] = done.stdout
    return out


@pytest.mark.parametrize("command", COMMANDS)
def test_markdown_of_every_command_is_text_with_no_html_link_or_image(outputs, command):
    page = outputs[command, "markdown"]
    for marker in COMMANDS[command]:
        assert marker in page, marker
    assert STEERING.search(page) is None
    assert "<script" not in page.lower() and "](javascript:" not in page and "<img" not in page.lower()
    made = [t for t in MARKDOWN.parse(page) for t in [t, *(t.children or [])]]
    assert not [t.type for t in made if t.type in ("html_inline", "html_block", "link_open", "image")]
    rendered = MARKDOWN.render(page)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered


@pytest.mark.parametrize("command", COMMANDS)
def test_the_terminal_shows_every_command_s_data_and_obeys_none_of_it(outputs, command):
    piped, coloured = outputs[command, "terminal"], outputs[command, "colour"]
    for marker in COMMANDS[command]:
        assert marker in piped, marker
    assert "\x1b" not in piped and STEERING.search(piped) is None
    assert "\x1b[" in coloured  # FORCE_COLOR did colour it: the check below has something to check
    assert STEERING.search(SGR.sub("", coloured)) is None and "\x1b]" not in coloured
    if any(marker.startswith("PWN-") for marker in COMMANDS[command]):
        assert "␛]" in piped  # an escape sequence shown, so a reader sees something was there


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize("command", COMMANDS)
def test_html_of_every_command_has_no_script_handler_or_link_from_data(outputs, command):
    """The only links are the report's own: a figure to a section of the same page (``#anchor``)."""
    page = outputs[command, "html"]
    for marker in COMMANDS[command]:
        assert marker in page, marker
    assert STEERING.search(page) is None and "<script" not in page.lower()
    found = Elements()
    found.feed(page)
    assert not {"script", "img", "iframe", "object", "embed", "foreignobject"} & set(found.tags)
    ids = {value for name, value in found.attributes if name == "id"}
    for name, value in found.attributes:
        assert not name.startswith("on") and "javascript:" not in value.lower(), (name, value)
        assert name not in ("src", "xlink:href", "action", "srcdoc"), (name, value)
        if name == "href":  # a section of the page, or the forge's page of a commit or pull request
            forge = re.fullmatch(r"https://github\.com/acme/shop/(commit/[0-9a-f]{40}|pull/\d+)", value)
            assert forge or (value.startswith("#") and value[1:] in ids), value


def test_an_error_quoting_hostile_content_is_one_line_shown_not_obeyed(workspace, tmp_path):
    broken = tmp_path / "ws"
    broken.mkdir()
    git(broken, "init", "-q")  # ``workspace``: the git settings above
    (broken / "cpto.toml").write_text('[workspace]\ndecisions = "decisions"\n')
    (broken / "decisions").mkdir()
    (broken / "decisions/0001-x.md").write_text(
        '---\nid: D-0001\ntitle: x\nstatus: "\\e]0;pwned\\a\\e[2J"\n---\n# x\n'
    )
    done = cpto(broken, "decision", "list")
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("cpto: error: ") and len(done.stderr.strip().splitlines()) == 1
    assert "\x1b" not in done.stderr and STEERING.search(done.stderr) is None
    assert "␛]0;pwned␇" in done.stderr


def test_what_a_writing_command_says_shows_a_hostile_folder_name_and_obeys_none_of_it(workspace, tmp_path):
    folder = tmp_path / "acme\x1b]0;pwned\x07\x1b[2J"  # a folder name is the user's data too
    folder.mkdir()
    git(folder, "init", "-q")
    done = cpto(folder, "init")
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and "acme␛]0;pwned␇␛[2J" in done.stderr
    assert STEERING.search(done.stderr) is None

"""Drive the ``cpto`` command like a user: real processes, real repositories, real index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> tuple[list[str], list[str]]:
    """Every command and subcommand the app has, read from the app itself: a new command cannot hide."""
    import typer.main

    from cpto.cli import app

    root = typer.main.get_command(app)
    commands, subcommands = [], []
    for name, command in sorted(getattr(root, "commands", {}).items()):
        if command.hidden:
            continue
        commands.append(name)
        groups = getattr(command, "commands", {})  # a command with subcommands (decision new, ...)
        subcommands += [f"{name} {sub}" for sub, c in sorted(groups.items()) if not c.hidden]
    return commands, subcommands


COMMANDS, SUBCOMMANDS = _commands()
# cpto classify takes a file or a subcommand: its group sits behind the command, out of click's sight
SUBCOMMANDS += [c for c in ("classify list", "classify set") if c not in SUBCOMMANDS]


def cpto(
    *args: str, cwd: Path | None = None, env_columns: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": env_columns} if env_columns else None
    return subprocess.run(
        [sys.executable, "-m", "cpto", *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=env
    )


def assert_clean_error(proc: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit code 2, one line on standard error naming the problem, nothing on standard output."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cpto: error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert proc.stdout == ""


@pytest.mark.parametrize("command", COMMANDS + SUBCOMMANDS)
def test_every_command_explains_itself_with_an_example(command):
    proc = cpto(*command.split(), "--help")
    assert proc.returncode == 0
    assert "Example" in proc.stdout and f"cpto {command}" in proc.stdout


@pytest.mark.parametrize("command", COMMANDS + SUBCOMMANDS)
def test_every_example_in_help_is_on_its_own_line(command):
    proc = cpto(*command.split(), "--help", env_columns="300")
    crowded = [
        line.strip() for line in proc.stdout.splitlines() if line.count("cpto ") > 1 and "&&" not in line
    ]
    assert not crowded, f"examples run together in `cpto {command} --help`: {crowded}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text()
    assert re.search(rf"^#+ `cpto {command}", readme, re.MULTILINE), (
        f"README lacks a `cpto {command}` section"
    )


def test_index_json_is_clean_on_standard_output(repo, tmp_path):
    proc = cpto("index", "--repo", str(repo.path), "--workspace", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["repos"][0]["new_commits"] == 4
    assert data["index"].endswith(".cpto/index.duckdb")

    again = json.loads(cpto("index", "--repo", str(repo.path), "-w", str(tmp_path), "--json").stdout)
    assert again["repos"][0]["up_to_date"] is True


def test_workspace_defaults_to_the_current_folder(repo):
    proc = cpto("index", "--quiet", cwd=repo.path)
    assert proc.returncode == 0 and proc.stdout == ""
    assert (repo.path / ".cpto" / "index.duckdb").exists()


def test_not_a_repository(tmp_path):
    assert_clean_error(cpto("index", "--repo", str(tmp_path), "-w", str(tmp_path)), "not a git repository")


def test_missing_workspace(tmp_path):
    assert_clean_error(cpto("history", "-w", str(tmp_path / "nope")), "does not exist")


def test_malformed_config_names_the_file(repo):
    (repo.path / "cpto.toml").write_text("[workspace\nname = 1\n")
    assert_clean_error(cpto("history", "-w", str(repo.path)), "cpto.toml", "invalid TOML")


def test_bad_option_value_exits_2(repo):
    proc = cpto("history", "-w", str(repo.path), "--format", "pdf")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_history_indexes_on_first_use_and_keeps_json_clean(repo):
    proc = cpto("history", "-w", str(repo.path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["repos"][0]["commits"] == 4
    assert {a["area"] for a in data["areas"]} >= {"api/", "web/"}
    assert [r["tag"] for r in data["releases"]] == ["v1.0.0"]


def test_history_markdown(repo):
    proc = cpto("history", "-w", str(repo.path), "--format", "markdown")
    assert proc.returncode == 0
    assert proc.stdout.startswith("# History summary")
    assert "| area | commits |" in proc.stdout


def test_history_html_escapes_what_people_wrote(make_repo, tmp_path):
    r = make_repo()
    r.commit("feat: <script>alert(1)</script>", {"web/<b>.html": "x\n"})
    out = tmp_path / "report.html"
    proc = cpto("history", "-w", str(r.path), "--format", "html", "--output", str(out))
    assert proc.returncode == 0 and proc.stdout == ""
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "<script>" not in page
    assert "&lt;b&gt;" in page or "web/" in page


def test_demo_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine\n")
    assert_clean_error(cpto("demo", str(tmp_path)), str(tmp_path))
    assert (tmp_path / "keep.txt").read_text() == "mine\n"


def test_demo_then_history_summarises_it(tmp_path):
    workspace = tmp_path / "acme"
    built = cpto("demo", str(workspace))
    assert built.returncode == 0, built.stderr
    assert "built demo workspace" in built.stderr and built.stdout == ""

    summary = cpto("history", "--workspace", str(workspace), "--json")
    data = json.loads(summary.stdout)
    assert data["repos"][0]["commits"] > 200 and data["repos"][0]["tags"] >= 5
    assert len(data["weeks"]) >= 10

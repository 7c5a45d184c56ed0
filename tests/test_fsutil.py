"""Writing a file whole or not at all: through links that stay in the workspace, never over pipes or
devices, with fair permissions; globs over workspace content that skip links out of it and loops."""

from __future__ import annotations

import glob
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.fsutil import atomic_write_text, inside_workspace, workspace_glob, workspace_root


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_pipe_is_refused_not_replaced(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(CptoError, match="not a regular file"):
        atomic_write_text(pipe, "x")
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_file_keeps_its_mode_and_a_new_one_gets_the_umasks(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    atomic_write_text(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    previous = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


# --------------------------------------------------------------------------------------------------
# Links and the workspace: writers refuse a link out of it, globs skip one and never go round a loop
# --------------------------------------------------------------------------------------------------


def workspace(tmp_path):
    """A git work tree ``ws`` and a folder ``outside`` beside it holding a file nobody wants changed."""
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    ws.mkdir()
    outside.mkdir()
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (outside / "bashrc").write_text("export PATH=/usr/bin\n")
    return ws, outside


def test_a_writer_told_the_workspace_refuses_a_link_out_of_it_and_names_both(tmp_path):
    ws, outside = workspace(tmp_path)
    link = ws / "notes.md"
    link.symlink_to(outside / "bashrc")
    with pytest.raises(CptoError, match=r"notes.md: links to .*outside/bashrc, outside the workspace"):
        atomic_write_text(link, "pwned\n", workspace=ws)
    assert (outside / "bashrc").read_text() == "export PATH=/usr/bin\n" and link.is_symlink()
    dangling = ws / "new.md"
    dangling.symlink_to(outside / "created-by-cpto")  # a link to nothing yet would create the file
    with pytest.raises(CptoError, match="outside the workspace"):
        atomic_write_text(dangling, "x", workspace=ws)
    assert not (outside / "created-by-cpto").exists()
    assert sorted(p.name for p in ws.iterdir()) == [".git", "new.md", "notes.md"]  # no temporary file left


def test_a_link_that_stays_inside_the_workspace_is_written_where_it_lives(tmp_path):
    ws, _ = workspace(tmp_path)
    (ws / "shared").mkdir()
    (ws / "shared" / "a.md").write_text("old")
    (ws / "a.md").symlink_to("shared/a.md")
    atomic_write_text(ws / "a.md", "new", workspace=ws)
    assert (ws / "a.md").is_symlink() and (ws / "shared" / "a.md").read_text() == "new"


def test_without_a_workspace_the_user_named_output_goes_through_any_link(tmp_path):
    ws, outside = workspace(tmp_path)
    (ws / "report.html").symlink_to(outside / "report.html")  # --output FILE: the user asked for it
    atomic_write_text(ws / "report.html", "<p>")
    assert (outside / "report.html").read_text() == "<p>"


def test_the_workspace_of_a_path_is_not_moved_by_a_link_to_a_folder_that_holds_a_git(tmp_path):
    ws, outside = workspace(tmp_path)
    subprocess.run(["git", "init", "-q", str(outside)], check=True)  # a home folder kept in git
    (ws / "decisions").symlink_to(outside)
    assert workspace_root(ws / "decisions" / "bashrc") == ws
    with pytest.raises(CptoError, match="outside the workspace"):
        inside_workspace(ws / "decisions" / "bashrc")
    (ws / "cpto.toml").write_text("")
    (ws / "sub").mkdir()
    assert workspace_root(ws / "sub" / "x.md") == ws  # the nearest cpto.toml or .git above
    assert workspace_root(ws) == ws  # a folder can be the workspace itself


def tree(root, files):
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


@pytest.mark.parametrize(
    "pattern",
    ["*.md", "docs/prd/**/*.md", "**/*.md", "docs/*/*.md", "**", "docs/**", "**/.github/*", "docs/prd/?.md",
     "docs/prd/[ab].md", "README.md", "missing/**/*.md", ".github/**/*.yml"],
)  # fmt: skip
def test_without_links_a_workspace_glob_matches_what_glob_matches(tmp_path, pattern):
    tree(
        tmp_path,
        ["README.md", "docs/a.md", "docs/prd/a.md", "docs/prd/b.md", "docs/prd/old/c.md", "docs/prd/.draft.md",
         "docs/.hidden/d.md", ".github/workflows/ci.yml", ".github/x.md", "src/app.py"],
    )  # fmt: skip
    expected = sorted(
        Path(p) for p in glob.glob(str(tmp_path / pattern), recursive=True) if os.path.isfile(p)
    )
    found = workspace_glob(tmp_path, pattern, root=tmp_path)
    assert list(found) == expected and found.skipped == []


def test_a_glob_does_not_go_round_a_loop_nor_out_of_the_workspace_and_says_so(tmp_path):
    ws, outside = workspace(tmp_path)
    tree(ws, ["docs/prd/a.md", "docs/prd/b.md", "docs/notes.md"])
    (outside / "evil.md").write_text("# R1: run me\n")
    prd = ws / "docs" / "prd"
    (prd / "self").symlink_to(".")
    (prd / "up").symlink_to("..")
    (prd / "evil.md").symlink_to(outside / "evil.md")
    (prd / "home").symlink_to(outside)
    (prd / "gone.md").symlink_to("nowhere.md")
    (prd / "current.md").symlink_to("b.md")  # the same file under two names: listed once
    found = workspace_glob(ws, "docs/prd/**/*.md", root=ws)
    assert [p.relative_to(ws).as_posix() for p in found] == ["docs/prd/a.md", "docs/prd/b.md"]
    said = {s.path.rpartition("/")[2]: s.reason for s in found.skipped}
    assert set(said) == {"self", "up", "evil.md", "home", "gone.md"}
    assert "a loop" in said["self"] and "a loop" in said["up"]
    assert "outside the workspace" in said["evil.md"] and "outside the workspace" in said["home"]
    assert "does not exist" in said["gone.md"]
    assert all(str(s).startswith(str(prd)) for s in found.skipped)  # one line naming the link


def test_a_link_inside_the_workspace_is_followed_and_a_linked_folder_out_of_it_is_not(tmp_path):
    ws, outside = workspace(tmp_path)
    tree(ws, ["specs/shared.md", "docs/prd/a.md"])
    (ws / "docs" / "prd" / "shared").symlink_to(ws / "specs")
    found = workspace_glob(ws, "docs/prd/**/*.md", root=ws)
    assert [p.relative_to(ws).as_posix() for p in found] == ["docs/prd/a.md", "docs/prd/shared/shared.md"]
    (outside / "0001-x.md").write_text("x")
    (ws / "decisions").symlink_to(outside)
    linked = workspace_glob(ws / "decisions", "*.md")  # the workspace found above the folder
    assert list(linked) == [] and "outside the workspace" in linked.skipped[0].reason


def test_two_loops_cost_no_more_than_none(tmp_path):
    ws, _ = workspace(tmp_path)
    tree(ws, [f"docs/prd/p{i}.md" for i in range(20)])
    plain = workspace_glob(ws, "docs/prd/**/*.md", root=ws)
    (ws / "docs" / "prd" / "self").symlink_to(".")
    (ws / "docs" / "prd" / "up").symlink_to("..")  # glob.glob goes 2^40 ways round these two
    start = time.perf_counter()
    looped = workspace_glob(ws, "docs/prd/**/*.md", root=ws)
    assert time.perf_counter() - start < 1.0
    assert list(looped) == list(plain) and len(looped) == 20


def test_a_limit_stops_the_walk_and_skip_dir_leaves_folders_unread(tmp_path):
    tree(tmp_path, [f"a/{i}.md" for i in range(5)] + ["node_modules/x.md"])
    assert len(workspace_glob(tmp_path, "**/*.md", limit=3)) == 3
    found = workspace_glob(tmp_path, "**/*.md", skip_dir=lambda rel: rel == "node_modules")
    assert [p.name for p in found] == [f"{i}.md" for i in range(5)]

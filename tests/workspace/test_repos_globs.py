"""[workspace] repos as globs and list files, [services], and narrowing reports to some repositories."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from tests.conftest import Repo

from cpto.cli.history import run_index
from cpto.errors import CptoError
from cpto.history import store
from cpto.history.summary import summarize
from cpto.workspace import load_workspace
from cpto.workspace.config import service_of
from cpto.workspace.narrow import narrow, restrict_index


def git_repo(path: Path, files: dict[str, str] | None = None) -> Repo:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    repo = Repo(path)
    if files:
        repo.commit(f"add {', '.join(files)}", files)
    return repo


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    """A workspace holding repos/api, repos/web (real repositories), repos/notes (a plain folder) and a
    bare repository and a nested one under services/."""
    ws = tmp_path / "ws"
    git_repo(ws, {"README.md": "# ws\n"})
    git_repo(ws / "repos" / "api", {"api/cart.py": "x = 1\n", "services/pay/pay.py": "p = 1\n"})
    git_repo(ws / "repos" / "web", {"web/app.js": "let a = 1\n"})
    (ws / "repos" / "notes").mkdir()
    (ws / "services" / "billing").mkdir(parents=True)
    subprocess.run(
        ["git", "init", "-q", "--bare", str(ws / "services" / "billing" / "ledger.git")], check=True
    )
    git_repo(ws / "services" / "search" / "engine")
    return ws


def write_toml(ws: Path, text: str) -> None:
    (ws / "cpto.toml").write_text(text)


def test_glob_takes_only_repositories_sorted(estate: Path) -> None:
    write_toml(estate, '[workspace]\nrepos = [".", "repos/*", "repos/a*"]\n')
    repos = load_workspace(estate).repos
    assert repos == [estate.resolve(), estate / "repos" / "api", estate / "repos" / "web"]


def test_double_star_finds_nested_and_bare_repositories_but_not_inside_one(estate: Path) -> None:
    git_repo(estate / "services" / "search" / "engine" / "vendor" / "inner")  # inside a repository
    write_toml(estate, '[workspace]\nrepos = ["services/**/"]\n')
    repos = load_workspace(estate).repos
    assert repos == [
        estate / "services" / "billing" / "ledger.git",
        estate / "services" / "search" / "engine",
    ]


def test_glob_matching_nothing_names_the_pattern(estate: Path) -> None:
    write_toml(estate, '[workspace]\nrepos = ["repo/*"]\n')
    with pytest.raises(
        CptoError, match=r"cpto.toml: \[workspace\] repos: 'repo/\*' matches no git repository"
    ):
        load_workspace(estate)


def test_list_file_with_comments_globs_and_duplicates(estate: Path) -> None:
    (estate / "repos.txt").write_text("# the estate\n\nrepos/web\n  services/*/engine  \nrepos/web\n")
    write_toml(estate, '[workspace]\nrepos = ["@repos.txt", "repos/api"]\n')
    repos = load_workspace(estate).repos
    assert repos == [
        estate / "repos" / "web",
        estate / "services" / "search" / "engine",
        estate / "repos" / "api",
    ]


def test_list_file_line_that_is_not_a_repository_names_file_and_line(estate: Path) -> None:
    (estate / "repos.txt").write_text("repos/api\n# notes are not code\nrepos/notes\n")
    write_toml(estate, '[workspace]\nrepos = ["@repos.txt"]\n')
    with pytest.raises(CptoError) as err:
        load_workspace(estate)
    message = str(err.value)
    assert message.startswith(f"{estate / 'repos.txt'}:3: 'repos/notes' is not a git repository")
    assert "\n" not in message


def test_list_file_glob_matching_nothing_names_file_and_line(estate: Path) -> None:
    (estate / "repos.txt").write_text("nowhere/*\n")
    write_toml(estate, '[workspace]\nrepos = ["@repos.txt"]\n')
    with pytest.raises(CptoError, match=r"repos.txt:1: 'nowhere/\*' matches no git repository"):
        load_workspace(estate)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("@missing.txt", "is not a file"),
        ("@../outside.txt", "must be inside the workspace"),
        ("@", "names no file"),
    ],
)
def test_list_file_problems(estate: Path, entry: str, problem: str) -> None:
    (estate.parent / "outside.txt").write_text("repos/api\n")
    write_toml(estate, f'[workspace]\nrepos = ["{entry}"]\n')
    with pytest.raises(CptoError, match=problem):
        load_workspace(estate)


def test_list_file_cannot_name_another(estate: Path) -> None:
    (estate / "repos.txt").write_text("@more.txt\n")
    write_toml(estate, '[workspace]\nrepos = ["@repos.txt"]\n')
    with pytest.raises(CptoError, match=r"repos.txt:1: '@more.txt': a list file cannot name another"):
        load_workspace(estate)


def test_unknown_setting_still_guessed(estate: Path) -> None:
    write_toml(estate, '[workspace]\nreposs = ["repos/*"]\n')
    with pytest.raises(CptoError, match="did you mean repos"):
        load_workspace(estate)


def test_glob_over_a_thousand_repositories_is_fast(tmp_path: Path) -> None:
    ws = tmp_path / "big"
    for i in range(1000):
        (ws / "repos" / f"r{i:04}" / ".git").mkdir(parents=True)
        (ws / "repos" / f"r{i:04}" / "src").mkdir()
    write_toml(ws, '[workspace]\nrepos = ["repos/**"]\n')
    started = time.perf_counter()
    repos = load_workspace(ws).repos
    took = time.perf_counter() - started
    assert len(repos) == 1000 and repos[0].name == "r0000"
    assert took < 1.0, took


def test_services_parsed_longest_prefix_first(estate: Path) -> None:
    write_toml(estate, '[services]\n"services/pay/" = "payments"\n"services" = "platform"\n')
    services = load_workspace(estate).services
    assert list(services) == ["services/pay", "services"]
    assert service_of(services, "services/pay/pay.py") == "payments"
    assert service_of(services, "services/other.py") == "platform"
    assert service_of(services, "servicesx/a.py") is None


@pytest.mark.parametrize(("prefix", "value"), [("../up", '"x"'), ("/abs", '"x"'), ("ok", "3"), ("ok", '""')])
def test_services_bad_entries(estate: Path, prefix: str, value: str) -> None:
    write_toml(estate, f'[services]\n"{prefix}" = {value}\n')
    with pytest.raises(CptoError, match=r"cpto.toml: \[services\]"):
        load_workspace(estate)


def test_narrow_by_name_glob_and_path(estate: Path) -> None:
    write_toml(estate, '[workspace]\nrepos = [".", "repos/*"]\n[services]\n"services/pay" = "payments"\n')
    config = load_workspace(estate)
    assert narrow(config) is config
    assert narrow(config, ["web"]).repos == [estate / "repos" / "web"]
    assert narrow(config, ["repos/*"]).repos == [estate / "repos" / "api", estate / "repos" / "web"]
    assert narrow(config, ["web", "."]).repos == [estate.resolve(), estate / "repos" / "web"]
    by_service = narrow(config, ["api"], path="payments")
    assert by_service.paths == ("services/pay",) and by_service.narrowed_to == "api; path payments"
    assert narrow(config, path="./api/").paths == ("api",)
    with pytest.raises(CptoError, match=r"--only 'wbe' names no repository.*did you mean web\?"):
        narrow(config, ["wbe"])
    with pytest.raises(CptoError, match=r"--path '\.\./x'"):
        narrow(config, path="../x")


def test_restricted_index_summarizes_only_the_chosen_repositories(estate: Path) -> None:
    write_toml(estate, '[workspace]\nrepos = ["repos/*"]\n')
    config = load_workspace(estate)
    Repo(estate / "repos" / "api").commit("more api", {"api/cart.py": "x = 2\n"})
    run_index(config.index_path, config.repos, jobs=None, quiet=True)
    with store.open_index(config.index_path, read_only=True) as con:
        whole = summarize(con, weeks=4, top=5, people=None, config=config)
        assert sorted(Path(r.path).name for r in whole.repos) == ["api", "web"]
        restrict_index(con, narrow(config, ["web"]))
        only_web = summarize(con, weeks=4, top=5, people=None, config=config)
    assert [(Path(r.path).name, r.commits) for r in only_web.repos] == [("web", 1)]
    with store.open_index(config.index_path, read_only=True) as con:
        restrict_index(con, narrow(config, path="services"))
        under = summarize(con, weeks=4, top=5, people=None, config=config)
        files = con.execute("SELECT DISTINCT path FROM file_changes").fetchall()
    assert [(Path(r.path).name, r.commits) for r in under.repos] == [("api", 1), ("web", 0)]
    assert files == [("services/pay/pay.py",)]

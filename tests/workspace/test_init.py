"""``cpto init``'s survey and writer on real repositories: tag schemes, PRDs, records, people, gaps."""

from __future__ import annotations

import os
import subprocess
import tomllib
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from tests.conftest import Repo

from cpto.errors import CptoError
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.records.deploys import workspace_releases
from cpto.records.people import read_people
from cpto.review.prd import read_prd
from cpto.workspace import load_workspace
from cpto.workspace.init import (
    PRD_EXAMPLE,
    find_authors,
    find_prds,
    find_records,
    find_repos,
    init_workspace,
    prd_globs,
    release_pattern,
    setup_gaps,
    tag_scheme,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)

# Tag names as pytest, black and httpx have them (newest first), trimmed.
PYTEST_TAGS = ["9.1.1", "9.2.0.dev0", "9.1.0", "9.0.3", "9.1.0.dev0", "8.0.0rc2", "7.0.0.post1", "4.6.11"]
PYTEST_TAGS += ["4.6.10", "4.6.9", "1.0.0b3", "v7.4.3"]
BLACK_TAGS = ["26.5.1", "26.5.0", "26.1a1", "24.1.0", "23.10.1", "21.12b0", "18.3a0"]
HTTPX_TAGS = ["0.28.1", "0.28.0", "1.0.0.beta0", "0.27.2", "0.13.0.dev2", "0.13.0"]


@pytest.mark.parametrize(
    ("tags", "pattern"),
    [
        (PYTEST_TAGS, "[0-9]*.[0-9]"),
        (BLACK_TAGS, "[0-9]*.[0-9]"),
        (HTTPX_TAGS, "[0-9]*.[0-9]"),
        (["v1.2.0", "v1.1.10", "v1.1.0", "v1.0.0", "latest"], "v[0-9]*"),
        (["api-v2.0.0", "api-v1.9.0", "web-v3.1.0"], "api-v[0-9]*"),
    ],
)
def test_the_glob_matches_the_releases_and_leaves_out_pre_releases(tags: list[str], pattern: str) -> None:
    scheme = tag_scheme(tags)
    assert scheme.pattern == pattern
    for tag in scheme.matched:
        assert fnmatchcase(tag, pattern)
    assert not any(mark in t for t in scheme.matched for mark in ("dev", "rc", "a1", "b0", "b3", "beta"))


def test_what_the_pytest_glob_leaves_out_and_misses_is_named() -> None:
    scheme = tag_scheme(PYTEST_TAGS)
    assert scheme.matched == ["9.1.1", "9.1.0", "9.0.3", "4.6.9"]
    assert scheme.left_out == ["9.2.0.dev0", "9.1.0.dev0", "8.0.0rc2", "7.0.0.post1", "1.0.0b3"]
    assert scheme.missed == ["4.6.11", "4.6.10"]  # a glob cannot say "digits only"
    assert scheme.kept == [] and scheme.total == len(PYTEST_TAGS)


def test_pre_releases_no_glob_can_separate_are_kept_and_said() -> None:
    tags = ["v1.2.0", "v1.2.0-rc.1", "v1.1.0", "v1.0.0"]
    scheme = tag_scheme(tags)
    assert scheme.pattern == "v[0-9]*"
    assert scheme.kept == ["v1.2.0-rc.1"] and scheme.left_out == []


def test_no_release_like_tags_means_no_pattern() -> None:
    assert tag_scheme([]).pattern is None
    scheme = tag_scheme(["nightly", "docs-build"])
    assert scheme.pattern is None and scheme.examples == ["nightly", "docs-build"]
    assert release_pattern(["x"], "*") == "*"  # a base of another shape is left as it is


PRD = """---
title: Checkout v2
owner: dana
---
# Checkout

## Requirements
### CHK-1: Guest checkout
Shoppers pay with an email address.

### CHK-2: Saved cards
Customers save a card.
"""


def test_prds_are_found_by_what_they_hold_and_readmes_are_not(tmp_path: Path) -> None:
    (tmp_path / "docs/prd").mkdir(parents=True)
    (tmp_path / "docs/prd/checkout.md").write_text(PRD)
    (tmp_path / "README.md").write_text("# Tool\n\n## Requirements\n\n- Python 3.12\n- git 2.40\n")
    (tmp_path / "CHANGELOG.md").write_text("# Changes\n\n- GH-12: fixed\n- GH-13: fixed\n")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/search.md").write_text("# Search\n\n## User stories\n\n- As a shopper I search\n")
    (tmp_path / "decisions").mkdir()
    (tmp_path / "decisions/0001-x.md").write_text("# D\n\n- D-1: one\n- D-2: two\n")
    (tmp_path / "node_modules/pkg").mkdir(parents=True)
    (tmp_path / "node_modules/pkg/spec.md").write_text(PRD)
    found = find_prds(tmp_path, skip={"decisions"})
    assert found == ["docs/prd/checkout.md", "specs/search.md"]
    assert prd_globs(tmp_path, found) == ["docs/prd/**/*.md", "specs/**/*.md"]


def test_a_folder_with_other_markdown_is_listed_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/checkout.md").write_text(PRD)
    (tmp_path / "docs/install.md").write_text("# Install\n\npip install it\n")
    assert find_prds(tmp_path) == ["docs/checkout.md"]
    # docs/**/*.md would hand the review install.md, which it refuses for having no requirements
    assert prd_globs(tmp_path, ["docs/checkout.md"]) == ["docs/checkout.md"]
    assert prd_globs(tmp_path, []) == ["docs/prd/**/*.md", "prds/**/*.md"]


def test_the_prd_example_in_cpto_toml_reads_as_a_prd(tmp_path: Path) -> None:
    path = tmp_path / "example.md"
    path.write_text("\n".join(PRD_EXAMPLE) + "\n")
    prd = read_prd(path)
    assert [r.id for r in prd.requirements] == ["CHK-1", "CHK-2"]
    assert prd.owner == "dana" and prd.start is not None


def test_records_found_where_teams_keep_them(tmp_path: Path) -> None:
    (tmp_path / "docs/adr").mkdir(parents=True)  # MADR-style records cpto reads
    (tmp_path / "docs/adr/0001-use-postgres.md").write_text("# 1. Use Postgres\n\nStatus: accepted\n")
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "roadmap.yaml").write_text("items:\n  - id: RM-1\n    title: x\n    horizon: quarter\n")
    records = {r.key: r for r in find_records(tmp_path)}
    assert records["roadmap"].present and records["roadmap"].path == "roadmap.yaml"
    assert records["decisions"].present and records["decisions"].path == "docs/adr"
    assert records["incidents"].path == "postmortems" and not records["incidents"].present  # empty
    assert not records["people"].present and not records["alarms"].present


def test_records_cpto_cannot_read_are_not_taken_and_say_why(tmp_path: Path) -> None:
    (tmp_path / "docs/adr").mkdir(parents=True)
    (tmp_path / "docs/adr/0001-x.md").write_text("---\ntitle: [unclosed\n---\n# x\n")
    (tmp_path / "incidents").mkdir()  # at the default place: taken, and its problem named
    (tmp_path / "incidents/2026-01-01-x.md").write_text("---\nid: INC-1\n")
    records = {r.key: r for r in find_records(tmp_path)}
    assert records["decisions"].path == "decisions" and not records["decisions"].present
    assert records["decisions"].note.startswith("docs/adr exists but does not read as cpto decisions (")
    assert records["incidents"].present and records["incidents"].note.startswith("incidents does not read")


def test_authors_are_the_current_team_with_mailmap_applied_and_no_bots(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo: Repo = make_repo()
    for n in range(3):
        _commit_as(repo, "Ana Lima", "ana@old.example", f"a{n}")
    _commit_as(repo, "Ana Lima", "ana@acme.example", "a3")
    _commit_as(repo, "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "bump")
    _commit_as(repo, "Bo Chen", "bo@acme.example", "b0")
    _commit_as(repo, "Bo Chen", "bo@acme.example", "b1")
    _commit_as(repo, "Ana Maria", "anam@acme.example", "c0")
    repo.git("checkout", "-q", "-b", "side")
    _commit_as(repo, "Bo Chen", "bo@acme.example", "side")
    repo.git("checkout", "-q", "main")
    repo.merge("side", "Merge branch side")  # a merge is not a commit of work
    repo.write(".mailmap", "Ana Lima <ana@acme.example> <ana@old.example>\n")
    authors, until, offsets = find_authors([repo.path])
    assert [(a.handle, a.name, a.commits) for a in authors] == [
        ("ana", "Ana Lima", 4),
        ("bo", "Bo Chen", 3),
        ("ana-maria", "Ana Maria", 1),  # 'ana' is taken: the full name
    ]
    assert authors[0].emails == ["ana@acme.example"]  # the mailmap's address, not the old one
    assert until is not None and offsets == [("+0000", 1.0)]


def _commit_as(repo: Repo, name: str, email: str, text: str) -> None:
    """A commit by someone other than the fixture's fixed identity."""
    repo.write(f"{text}.txt", text)
    repo.git("add", "-A")
    env = {**os.environ, "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    subprocess.run(["git", "-C", str(repo.path), "commit", "-q", "-m", text], env=env, check=True)


def _prose(text: str) -> str:
    """The comments of a written file as one line of text (they are wrapped at 100 columns)."""
    return " ".join(line.removeprefix("# ") for line in text.splitlines() if line.startswith("#"))


def test_repositories_are_the_folder_or_the_ones_under_it(make_repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo: Repo = make_repo("solo")
    assert find_repos(repo.path) == ["."]
    team = tmp_path / "team"
    team.mkdir()
    for name in ("web", "api"):
        (team / name).mkdir()
        (team / name / ".git").mkdir()
    (team / "notes").mkdir()
    assert find_repos(team) == ["api", "web"]


def _released_repo(make_repo) -> Repo:  # type: ignore[no-untyped-def]
    repo: Repo = make_repo()
    repo.commit("feat: cart", {"api/cart.py": "def cart():\n    return []\n"})
    repo.git("tag", "1.0.0")
    repo.commit("feat: tax", {"api/tax.py": "def tax():\n    return 0\n"})
    repo.git("tag", "1.1.0.dev0")
    repo.commit("fix: tax", {"api/tax.py": "def tax():\n    return 1\n"})
    repo.git("tag", "-a", "1.1.0", "-m", "release 1.1.0")
    repo.commit("docs: prd", {"docs/prd/checkout.md": PRD})
    return repo


def test_init_writes_a_commented_cpto_toml_that_loads_and_finds_the_deploys(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _released_repo(make_repo)
    result = init_workspace(repo.path, now=NOW)
    text = result.config.read_text()
    config = load_workspace(repo.path)
    assert config.deploy_tags == "[0-9]*.[0-9]" and config.prds == ["docs/prd/**/*.md"]
    assert config.repos == [repo.path.resolve()]
    raw = tomllib.loads(text)
    assert raw["workspace"]["decisions"] == "decisions" and "timezone" not in raw["workspace"]
    lines = text.splitlines()
    for i, line in enumerate(lines):  # every setting is taught by the comment right above it
        if line and not line.startswith(("#", "[")):
            assert lines[i - 1].startswith("#"), line
    assert "Left out on purpose: 1 pre-release tags (1.1.0.dev0)" in _prose(text)
    # the deploys cpto counts are the releases, not the .dev0 tag
    config.index_path.parent.mkdir(parents=True, exist_ok=True)
    with store.open_index(config.index_path) as con:
        index_repository(con, config.repos[0])
        repo_id = store.indexed_repo_id(con, config.repos[0])
        names = [r.name for r in workspace_releases(con, repo_id, config.deploy_tags, config.deploy_log)]
    assert names == ["1.0.0", "1.1.0"]


def test_init_never_overwrites_without_force_and_never_replaces_people(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _released_repo(make_repo)
    first = init_workspace(repo.path, now=NOW)
    assert first.people == repo.path / "people.yaml"
    people = read_people(repo.path / "people.yaml")
    assert [(p.handle, p.emails, p.discipline) for p in people.people] == [
        ("dana", ("dana@acme.example",), "unknown")
    ]
    (repo.path / "cpto.toml").write_text("# mine\n")
    (repo.path / "people.yaml").write_text("people:\n  - handle: li\n    discipline: design\n")
    with pytest.raises(CptoError, match=r"cpto\.toml: already exists; nothing was written"):
        init_workspace(repo.path, now=NOW)
    assert (repo.path / "cpto.toml").read_text() == "# mine\n"
    again = init_workspace(repo.path, force=True, now=NOW)
    assert again.people is None
    assert (repo.path / "people.yaml").read_text() == "people:\n  - handle: li\n    discipline: design\n"
    assert "Who is who (people.yaml): " in again.config.read_text()


def test_an_empty_folder_gets_a_file_that_says_what_to_add(tmp_path: Path) -> None:
    result = init_workspace(tmp_path, now=NOW)
    text = result.config.read_text()
    assert "repos = []" in text and "Add the paths of your repositories" in _prose(text)
    assert "The repositories have no tags" in _prose(text) and 'tags = "v*"' in text
    assert result.people is None and not (tmp_path / "people.yaml").exists()
    assert any(g.startswith("no repositories") for g in result.gaps)
    load_workspace(tmp_path)


def test_setup_gaps_name_what_is_missing_and_how_to_add_it(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo: Repo = make_repo()
    repo.commit("feat: a", {"a.py": "a = 1\n"})
    repo.git("tag", "9.1.0")
    gaps = setup_gaps(load_workspace(repo.path))
    assert gaps[0] == (
        'no deploys: none of the 1 tags matches [deploys] tags = "v*"; deployment frequency and lead time'
        ' are unknown; set [deploys] tags = "[0-9]*" in cpto.toml (it matches 1)'
    )
    assert gaps[1].startswith("no PRDs (looked for docs/prd/**/*.md, prds/**/*.md)")
    keyed = {g.split(" ")[1]: g for g in gaps[2:]}
    # no alarms folder means no stop cord was pulled: a true zero, not a gap
    assert set(keyed) == {"decisions", "incidents", "roadmap", "people"}
    assert "cpto decision new" in keyed["decisions"] and "cpto incident new" in keyed["incidents"]
    assert "change failure rate" in keyed["incidents"]
    # once the tags glob matches and the records exist, those gaps close
    (repo.path / "cpto.toml").write_text('[deploys]\ntags = "[0-9]*"\n')
    (repo.path / "incidents").mkdir()
    (repo.path / "incidents/2026-01-01-x.md").write_text("---\nid: INC-1\ntitle: x\nseverity: SEV1\n---\n")
    gaps = setup_gaps(load_workspace(repo.path))
    assert not any(g.startswith(("no deploys", "no incidents")) for g in gaps)


def test_a_missing_deploy_log_is_a_gap(tmp_path: Path) -> None:
    (tmp_path / "cpto.toml").write_text('[workspace]\nrepos = []\n[deploys]\nlog = "deploys.log"\n')
    gaps = setup_gaps(load_workspace(tmp_path))
    assert any("deploys.log: the [deploys] log does not exist" in g for g in gaps)

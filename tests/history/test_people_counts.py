"""One identity rule and one count rule for people, over a real repository and the real index."""

from __future__ import annotations

import pytest

from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.history.summary import contributors, identity_resolver, summarize
from cpto.records.people import contributions, read_people, workspace_contributions
from cpto.workspace.config import load_workspace

PEOPLE = """\
people:
  - handle: sam
    name: Sam Okafor
    discipline: engineering
    emails: [sam@acme.example]
  - handle: dana
    name: Dana K
    discipline: product
    emails: [dana@acme.example]
"""


@pytest.fixture
def history(make_repo, monkeypatch):
    """Sam commits from two addresses (.mailmap joins them), Dana writes code, a decision and a lock
    file, a merge joins a branch, and two people share the placeholder email none@none."""
    repo = make_repo()

    def as_(name: str, email: str) -> None:
        monkeypatch.setenv("GIT_AUTHOR_NAME", name)
        monkeypatch.setenv("GIT_AUTHOR_EMAIL", email)

    as_("Sam Okafor", "sam@acme.example")
    repo.commit("feat: cart", {"api/cart.py": "def cart():\n    return []\n"})
    as_("sam", "sam@old-laptop.local")
    repo.commit("fix: cart", {"api/cart.py": "def cart():\n    return list()\n"})
    repo.commit("test: cart", {"tests/test_cart.py": "def test_cart():\n    pass\n"})
    as_("Dana K", "dana@acme.example")
    repo.commit("docs: decision", {"decisions/0001-cart.md": "# Cart\n"})
    repo.commit("chore: lock", {"uv.lock": "version = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feat: tax", {"api/tax.py": "def tax():\n    return 0\n"})
    repo.git("checkout", "-q", "main")
    repo.merge("feature", "Merge branch 'feature'")
    as_("hpk", "none@none")
    repo.commit("old one", {"lib/a.py": "a = 1\n"})
    as_("fijal", "none@none")
    repo.commit("old two", {"lib/b.py": "b = 1\n"})
    as_("Sam Okafor", "sam@acme.example")
    repo.commit("mailmap", {".mailmap": "Sam Okafor <sam@acme.example> <sam@old-laptop.local>\n"})
    return repo


def test_without_people_yaml_mailmap_joins_identities_and_merges_do_not_count(history, tmp_path):
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, history.path)
        everyone = {a.key: a for a in contributors(con, identity_resolver(con, None))}
        summary = summarize(con, top=10)
    assert set(everyone) == {"sam@acme.example", "dana@acme.example", "hpk", "fijal"}
    sam, dana = everyone["sam@acme.example"], everyone["dana@acme.example"]
    assert (sam.commits, sam.code_commits, sam.identity) == (4, 2, ".mailmap")  # .mailmap is config
    assert sam.emails == ("sam@acme.example", "sam@old-laptop.local")
    # the merge is not counted; the decision and the lock file are commits but not code commits
    assert (dana.commits, dana.code_commits) == (3, 1)
    assert summary.people == 4
    assert [r.commits for r in summary.repos] == [9] and [r.merges for r in summary.repos] == [1]
    assert summary.unknown and "no people.yaml" in summary.unknown[0]


def test_people_yaml_comes_first_and_history_and_people_agree(history, tmp_path):
    (tmp_path / "people.yaml").write_text(PEOPLE)
    (tmp_path / "cpto.toml").write_text(f'[workspace]\nrepos = ["{history.path}"]\n')
    config = load_workspace(tmp_path)
    people = read_people(tmp_path / "people.yaml")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, history.path)
        summary = summarize(con, top=10, people=people, config=config)
        work = workspace_contributions(con, people, config)
    by_key = {a.key: a for a in summary.authors}
    assert by_key["sam"].identity == "people.yaml" and by_key["sam"].commits == 4
    assert {k: (a.commits, a.code_commits) for k, a in by_key.items() if a.handle} == {
        h: (work.commits[h], work.code_commits[h]) for h in work.commits
    }
    # Dana (product) wrote one code commit: across lanes counts code commits, not her decision or lock file
    assert [(p.handle, n) for p, n in work.across_lanes] == [("dana", 1)]
    assert summary.unknown == [] and work.unknown == []
    assert sorted(a.name for a in work.unmapped) == ["fijal", "hpk"]


def test_without_people_yaml_nobody_is_outside_engineering(history, tmp_path):
    config = load_workspace(history.path)
    people = read_people(history.path / "people.yaml")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, history.path)
        work = workspace_contributions(con, people, config)
    assert work.across_lanes == [] and work.commits == {}
    assert work.unknown and work.unknown[0].startswith("disciplines unknown: no people.yaml")
    assert contributions(people, []).unknown == work.unknown


def test_a_shallow_clone_is_said_to_count_only_what_was_fetched(history, tmp_path):
    shallow = tmp_path / "shallow"
    history.git("clone", "-q", "--depth", "2", f"file://{history.path}", str(shallow))
    people = read_people(tmp_path / "people.yaml")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, shallow)
        work = workspace_contributions(con, people, load_workspace(shallow))
    assert any("shallow clone" in note for note in work.unknown)

"""``cpto history`` driven like a user: one identity rule, non-merge commits, unknowns said."""

from __future__ import annotations

import json

from tests.cli.test_cli import cpto


def test_history_joins_identities_by_people_yaml_and_counts_non_merge_commits(make_repo, monkeypatch):
    repo = make_repo()
    repo.commit("feat: cart", {"api/cart.py": "def cart():\n    return []\n"})
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "dana@laptop.local")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feat: tax", {"api/tax.py": "def tax():\n    return 0\n"})
    repo.git("checkout", "-q", "main")
    repo.merge("feature", "Merge branch 'feature'")
    before = json.loads(cpto("history", "-w", str(repo.path), "--json").stdout)
    assert [a["key"] for a in before["authors"]] == ["dana@acme.example", "dana@laptop.local"]
    assert before["unknown"] and "no people.yaml" in before["unknown"][0]

    (repo.path / "people.yaml").write_text(
        "people:\n  - handle: dana\n    discipline: product\n    emails: [dana@acme.example, dana@laptop.local]\n"
    )
    proc = cpto("history", "-w", str(repo.path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [(a["key"], a["commits"], a["code_commits"], a["identity"]) for a in data["authors"]] == [
        ("dana", 2, 2, "people.yaml")
    ]
    assert data["people"] == 1 and data["unknown"] == []
    assert [(r["commits"], r["merges"]) for r in data["repos"]] == [(2, 1)]
    assert data["rules"]["identity"].startswith("a person is their people.yaml entry")


def test_history_says_the_rule_under_the_people_table(repo):
    proc = cpto("history", "-w", str(repo.path), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "commits are non-merge commits" in proc.stdout
    assert "else their .mailmap identity, else their email" in proc.stdout
    assert "no people.yaml" in proc.stdout


def test_a_shallow_clone_says_older_history_is_not_counted(repo, tmp_path):
    shallow = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))
    proc = cpto("history", "-w", str(shallow), "--format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "shallow clone, older history not indexed" in proc.stdout

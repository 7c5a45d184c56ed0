"""The review's search words are kept only where a review of PRDs will read them (issue 19: the full
index of commits, paths and line counts without the cost of reading every patch a second time)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from tests.conftest import Repo
from typer.testing import CliRunner

from cpto.cli import app
from cpto.history.estate import read_catalog, shards_folder

runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def count(workspace: Path, table: str) -> int:
    with duckdb.connect(str(workspace / ".cpto" / "index.duckdb"), read_only=True) as con:
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def history(r: Repo) -> None:
    r.commit("feat: parse invoices", {"billing/invoice.py": "def parse_invoice(text):\n    return text\n"})
    r.commit(
        "fix: empty invoices", {"billing/invoice.py": "def parse_invoice(text):\n    return text or None\n"}
    )


def words_of(workspace: Path) -> list[tuple[str, list[str]]]:
    """Each commit's message words, spelled out (ids differ between indexes; the words must not)."""
    with duckdb.connect(str(workspace / ".cpto" / "index.duckdb"), read_only=True) as con:
        rows = con.execute(
            """SELECT c.sha, list(w.word ORDER BY w.word) FROM commit_words c, unnest(c.message) AS m(id)
               JOIN words w ON w.repo_id = c.repo_id AND w.word_id = m.id GROUP BY c.sha ORDER BY c.sha"""
        ).fetchall()
    return [(sha, list(ws)) for sha, ws in rows]


def test_without_prds_the_index_has_line_counts_and_no_search_words(make_repo):
    r = make_repo()
    history(r)
    out = json.loads(cli("index", "-w", str(r.path), "--json"))
    assert out["repos"][0]["new_commits"] == 2
    assert count(r.path, "commits") == 2 and count(r.path, "commit_words") == 0
    with duckdb.connect(str(r.path / ".cpto" / "index.duckdb"), read_only=True) as con:
        assert con.execute("SELECT sum(added) FROM file_changes").fetchone() == (3,)  # lines are counted
    entry = next(iter(read_catalog(shards_folder(r.path / ".cpto" / "index.duckdb")).values()))
    assert entry.unworded == 2


def test_asking_for_words_later_keeps_them_without_reading_history_again(make_repo, tmp_path):
    r = make_repo()
    history(r)
    cli("index", "-w", str(r.path), "--quiet")
    shards = shards_folder(r.path / ".cpto" / "index.duckdb")
    before = next(iter(read_catalog(shards).values()))
    out = json.loads(cli("index", "-w", str(r.path), "--words", "--json"))
    assert out["repos"][0]["new_commits"] == 0
    after = next(iter(read_catalog(shards).values()))
    assert after.unworded == 0 and after.generation == before.generation + 1  # the shard holds them too
    assert count(r.path, "commit_words") == 2
    # the same words a first index with words keeps
    twin = make_repo("twin")
    history(twin)
    cli("index", "-w", str(twin.path), "--words", "--quiet")
    assert [w for _, w in words_of(r.path)] == [w for _, w in words_of(twin.path)]
    assert any("invoices" in w for _, w in words_of(r.path))
    # and a no-op run that asks for words again opens nothing new
    again = json.loads(cli("index", "-w", str(r.path), "--words", "--json"))
    assert again["repos"][0]["up_to_date"] is True
    assert next(iter(read_catalog(shards).values())).generation == after.generation


def test_a_workspace_with_prds_keeps_words_for_its_review(make_repo):
    r = make_repo()
    history(r)
    r.commit(
        "docs: billing PRD", {"docs/prd/billing.md": "# Billing\n\n## R1: Parse invoices\n\nParse them.\n"}
    )
    cli("index", "-w", str(r.path), "--quiet")
    assert count(r.path, "commit_words") == 3
    cli("index", "-w", str(r.path), "--no-words", "--quiet")  # asking for less drops nothing
    assert count(r.path, "commit_words") == 3


def test_a_review_keeps_the_words_an_index_without_them_left_out(make_repo):
    r = make_repo()
    history(r)
    r.commit(
        "docs: billing PRD", {"docs/prd/billing.md": "# Billing\n\n## R1: Parse invoices\n\nParse them.\n"}
    )
    cli("index", "-w", str(r.path), "--no-words", "--quiet")
    assert count(r.path, "commit_words") == 0
    review = json.loads(cli("review", "-w", str(r.path), "--json"))
    assert count(r.path, "commit_words") == 3
    assert review  # the review ran on the index it completed

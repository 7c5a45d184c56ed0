"""Pull requests as units of work, recovered from real merges and squash titles."""

from __future__ import annotations

from pathlib import Path

from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.corpus import load_corpus
from cpto.review.prd import read_prd
from cpto.review.service import review

PRD = "# Billing\n\n## Requirements\n\n- INV-1: Finance can export every invoice to a CSV spreadsheet file.\n"


def build(make_repo):  # type: ignore[no-untyped-def]
    r = make_repo("shop")
    r.commit("Initial layout", {"shop/__init__.py": "", "README.md": "shop\n"})
    for n in range(25):  # everyday work, so a match has noise to stand out from
        r.commit(f"Tidy module {n}", {f"shop/mod{n}.py": f"def helper_{n}():\n    return {n}\n"})
    r.git("checkout", "-q", "-b", "csv-export")
    wip = r.commit("wip", {"shop/invoices/export.py": "def export_invoices_csv(rows):\n    # spreadsheet\n"})
    fix = r.commit("fix tests", {"tests/test_export.py": "def test_export_invoices_csv():\n    ...\n"})
    r.git("checkout", "-q", "main")
    merge = r.merge("csv-export", "Merge pull request #12 from dana/csv-export\n\nInvoice export")
    squash = r.commit("Add dark mode toggle (#15)", {"web/theme.css": "body { color: black }\n"})
    part1 = r.commit("Search, part one (#20)", {"shop/search.py": "def search(q):\n    ...\n"})
    part2 = r.commit("Search, part two (#20)", {"shop/search.py": "def search(q):\n    return []\n"})
    return r, {"wip": wip, "fix": fix, "merge": merge, "squash": squash, "part1": part1, "part2": part2}


def test_merges_and_squash_titles_become_pull_requests(make_repo, tmp_path: Path):
    r, shas = build(make_repo)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        corpus = load_corpus(con, store.indexed_repo_id(con, r.path.resolve()), r.path)
    units = {u.ref: u for u in corpus.units}
    assert set(units) == {"#12", "#15", "#20"}
    assert units["#12"].commits == (shas["wip"], shas["fix"])
    assert (units["#12"].title, units["#12"].branch, units["#12"].landed_by) == (
        "Invoice export",
        "dana/csv-export",
        shas["merge"],
    )
    assert units["#15"].commits == (shas["squash"],) and units["#15"].title == "Add dark mode toggle"
    assert units["#20"].commits == (shas["part1"], shas["part2"]), "a rebase merge is one unit"


def test_commits_that_say_little_are_linked_through_their_pull_request(make_repo, tmp_path: Path):
    """'wip' and 'fix tests' name nothing; their diffs and their pull request do."""
    r, shas = build(make_repo)
    prd = tmp_path / "billing.md"
    prd.write_text(PRD)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        result = review(con, r.path, [read_prd(prd)])
    item = result.requirements[0]
    assert {link.ref for link in item.linked("commit")} == {shas["wip"], shas["fix"]}
    pr = next(link for link in item.links if link.kind == "pr")
    assert (pr.ref, pr.why) == ("#12", "2 commits; branch dana/csv-export")
    assert result.subjects["#12"] == "Invoice export"
    assert all(link.repo == "shop" for link in item.links)


def test_merges_at_the_same_second_are_taken_in_history_order(make_repo, tmp_path: Path):
    """The second merge must not take the first one's commits because its sha sorts first."""
    r = make_repo("tie")
    r.commit("init", {"a.py": "a = 1\n"})
    r.git("checkout", "-q", "-b", "x")
    first = r.commit("export invoices to csv", {"c.py": "c = 1\n"})
    r.git("checkout", "-q", "-b", "y")
    second = r.commit("logging tweak", {"d.py": "d = 1\n"})
    r.git("checkout", "-q", "main")
    r.merge("x", "Merge pull request #1 from u/x\n\nCSV export")
    r._clock -= 3600  # the next merge carries the same timestamp
    r.merge("y", "Merge pull request #2 from u/y\n\nLogging")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        corpus = load_corpus(con, store.indexed_repo_id(con, r.path.resolve()), r.path)
    units = {u.ref: u.commits for u in corpus.units}
    assert units == {"#1": (first,), "#2": (second,)}


def test_merges_between_feature_branches_belong_to_the_pull_request_that_lands_them(make_repo, tmp_path):
    r = make_repo("cc")
    r.commit("init", {"a.py": "a = 1\n"})
    r.git("checkout", "-q", "-b", "one")
    a = r.commit("part a", {"b.py": "b = 1\n"})
    r.git("checkout", "-q", "-b", "two", "main")
    b = r.commit("part b", {"c.py": "c = 1\n"})
    r.git("checkout", "-q", "one")
    r.merge("two", "Merge branch 'two' into one")
    r.git("checkout", "-q", "main")
    r.merge("one", "Merge pull request #20 from u/one\n\nBoth parts")
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        corpus = load_corpus(con, store.indexed_repo_id(con, r.path.resolve()), r.path)
    assert {u.ref: set(u.commits) for u in corpus.units} == {"#20": {a, b}}


def test_an_empty_repository_has_nothing_to_trace_and_is_no_error(make_repo, tmp_path: Path):
    r = make_repo("empty")
    prd = tmp_path / "billing.md"
    prd.write_text(PRD)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        result = review(con, r.path, [read_prd(prd)])
    assert [t.status for t in result.requirements] == ["not_started"]

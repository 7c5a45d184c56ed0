"""``cpto review`` and ``cpto trace`` driven like a user, on the demo workspace and on hand-made repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli import assert_clean_error, cpto

from cpto.demo.content import REQUIREMENT_STATUS
from cpto.review import semantic


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "acme"
    assert cpto("demo", str(path)).returncode == 0
    return path


@pytest.fixture(scope="module")
def demo_review(demo: Path) -> dict:  # type: ignore[type-arg]
    proc = cpto("review", "--workspace", str(demo), "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_review_finds_every_requirement_of_the_demo_prds(demo_review):
    ids = {r["id"] for r in demo_review["requirements"]}
    assert {k for k in REQUIREMENT_STATUS if not k.startswith("onboarding:")} <= ids
    assert len(ids) == len(REQUIREMENT_STATUS)


def test_review_statuses_never_contradict_what_the_demo_built(demo_review):
    """Built work is never 'not started'; work never begun is never 'shipped'."""
    found = {r["id"]: r["status"] for r in demo_review["requirements"]}
    for rid, truth in REQUIREMENT_STATUS.items():
        if rid in found:
            if truth in ("shipped", "in-progress"):
                assert found[rid] != "not_started", rid
            if truth == "not-started":
                assert found[rid] != "shipped", rid


@pytest.mark.parametrize(
    ("rid", "status"),
    [("CHK-1", "shipped"), ("DUN-1", "shipped"), ("CHK-8", "in_progress"), ("CHK-4", "in_progress")],
)
def test_review_status_of_requirements_with_clear_evidence(demo_review, rid, status):
    found = {r["id"]: r for r in demo_review["requirements"]}
    assert found[rid]["status"] == status, found[rid]["reason"]


def test_review_evidence_carries_score_decision_and_reason(demo_review):
    chk1 = next(r for r in demo_review["requirements"] if r["id"] == "CHK-1")
    explicit = [link for link in chk1["links"] if link["explicit"]]
    assert explicit and all(link["linked"] and link["why"] for link in explicit)
    assert chk1["effort"]["commits"] >= 2 and chk1["effort"]["people"]
    assert chk1["releases"][0].startswith("v")


def test_review_lists_unplanned_work(demo_review):
    assert demo_review["unplanned"]
    assert {"kind", "ref", "title"} <= set(demo_review["unplanned"][0])


def test_review_terminal_and_markdown_and_html(demo, tmp_path):
    terminal = cpto("review", "-w", str(demo), "-q")
    assert terminal.returncode == 0 and "Product review" in terminal.stdout
    markdown = cpto("review", "-w", str(demo), "--format", "markdown")
    assert "| CHK-1 |" in markdown.stdout
    out = tmp_path / "review.html"
    html = cpto("review", "-w", str(demo), "--format", "html", "--output", str(out))
    assert html.returncode == 0 and html.stdout == ""
    assert (
        out.read_text().lower().startswith("<!doctype html>") and "Unplanned work by area" in out.read_text()
    )


def test_fail_under_turns_the_review_into_a_gate(demo):
    passing = cpto("review", "-w", str(demo), "--fail-under", "10", "-q")
    assert passing.returncode == 0
    failing = cpto("review", "-w", str(demo), "--fail-under", "100", "-q")
    assert failing.returncode == 1 and "under --fail-under 100" in failing.stderr


def test_trace_prints_the_contract_shape_and_nothing_else(make_repo):
    r = make_repo()
    r.commit("feat: export orders as CSV (EXP-1)", {"app/export.py": "def export_orders_csv():\n    pass\n"})
    prd = r.path.parent / "prd.md"
    prd.write_text("# Export\n\n- EXP-1: Export orders as CSV\n- EXP-2: Import <b>orders</b> from Excel\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path), "--json", "--top", "5")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= {"requirements", "unplanned"}
    first = data["requirements"][0]
    assert first["id"] == "EXP-1" and first["status"] in ("shipped", "in_progress", "not_started", "unclear")
    for link in first["links"]:
        assert set(link) == {"kind", "ref", "score", "linked", "explicit", "why"}
        assert link["kind"] in ("commit", "file") and isinstance(link["score"], float)
    assert any(link["explicit"] and link["kind"] == "commit" for link in first["links"])


def test_trace_html_escapes_requirement_text(make_repo, tmp_path):
    r = make_repo()
    r.commit("feat: import", {"app/imp.py": "x = 1\n"})
    prd = tmp_path / "prd.md"
    prd.write_text("# P\n\n- R1: Import <script>alert(1)</script> orders\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path), "--format", "html", "-q")
    assert "<script>alert" not in proc.stdout and "&lt;script&gt;" in proc.stdout


def test_a_prd_without_requirements_lists_the_recognised_shapes(make_repo, tmp_path):
    r = make_repo()
    r.commit("init", {"a.py": "x = 1\n"})
    prd = tmp_path / "notes.md"
    prd.write_text("# Notes\n\nJust prose, no requirements.\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path))
    assert_clean_error(proc, str(prd), "no requirements found", "a table with an ID column")


def test_a_binary_prd_is_a_clean_error(make_repo, tmp_path):
    r = make_repo()
    r.commit("init", {"a.py": "x = 1\n"})
    prd = tmp_path / "prd.md"
    prd.write_bytes(b"\x89PNG\r\n\x00\x00")
    assert_clean_error(cpto("trace", str(prd), "--repo", str(r.path)), str(prd))


def test_duplicate_ids_are_warned_about_naming_both_places(make_repo, tmp_path):
    r = make_repo()
    r.commit("init", {"a.py": "x = 1\n"})
    prd = tmp_path / "prd.md"
    prd.write_text("# P\n\n- R1: Export orders\n- R1: Import orders\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path), "--json", "-q")
    data = json.loads(proc.stdout)
    assert [x["id"] for x in data["requirements"]] == ["R1", "R1~2"]
    assert any("prd.md:3" in w and "prd.md:4" in w for w in data["warnings"])


def test_an_unindexed_repository_is_indexed_with_progress_on_stderr_only(make_repo, tmp_path):
    r = make_repo()
    for i in range(3):
        r.commit(f"feat: step {i}", {f"app/s{i}.py": f"x = {i}\n"})
    prd = tmp_path / "prd.md"
    prd.write_text("# P\n\n- R1: Step one\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path), "--json")
    assert proc.returncode == 0
    json.loads(proc.stdout)  # nothing but JSON on standard output
    assert (r.path / ".git" / "cpto" / "index.duckdb").exists()


def test_trace_of_a_missing_repository(tmp_path):
    prd = tmp_path / "prd.md"
    prd.write_text("# P\n\n- R1: Step one\n")
    assert_clean_error(cpto("trace", str(prd), "--repo", str(tmp_path / "nope")), "does not exist")


def test_review_without_prds_says_where_it_looked(make_repo):
    r = make_repo()
    r.commit("init", {"a.py": "x = 1\n"})
    assert_clean_error(cpto("review", "-w", str(r.path)), "no PRDs found")


@pytest.mark.skipif(semantic.available(), reason="the optional model is installed here")
def test_semantic_matching_without_the_extra_names_the_install_command(make_repo, tmp_path):
    r = make_repo()
    r.commit("init", {"a.py": "x = 1\n"})
    prd = tmp_path / "prd.md"
    prd.write_text("# P\n\n- R1: Step one\n")
    proc = cpto("trace", str(prd), "--repo", str(r.path), "--semantic")
    assert_clean_error(proc, "pip install 'cpto[semantic]'")
    assert not (r.path / ".git" / "cpto").exists(), "it fails before indexing anything"

"""Statuses a CPTO can quote: the PRD's period, the release that holds the latest work, merged but not
released, and work from before the PRD set apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.prd import read_prd
from cpto.review.service import review
from cpto.review.trace import IN_PROGRESS, NOT_STARTED, SHIPPED, RequirementTrace, TraceResult

# The Repo helper's clock starts at 2026-01-01T00:00Z and moves one hour per commit.
PRD = """\
---
title: Exports
start: 2026-01-02
---
# Exports

## Requirements

- EXP-1: Finance can export every invoice to a CSV spreadsheet.
- EXP-2: Customers receive a monthly statement by email as a PDF attachment.
- EXP-3: Admins can archive old projects to cold storage.
"""


def build(make_repo):  # type: ignore[no-untyped-def]
    r = make_repo("app")
    old = r.commit(
        "Archive old projects to cold storage", {"app/archive.py": "def archive_projects(): ...\n"}
    )
    r._clock += 48 * 3600  # two days on: past the PRD's start
    for n in range(25):
        r.commit(f"Refactor module {n}", {f"app/m{n}.py": f"def f{n}():\n    return {n}\n"})
    csv = r.commit(
        "Export invoices as CSV spreadsheet", {"app/invoice_csv.py": "def export_invoice_csv(): ...\n"}
    )
    r.git("tag", "-a", "v1.0.0", "-m", "release")
    pdf = r.commit(
        "Monthly statement email with PDF attachment",
        {"app/statement_email.py": "def send_statement(): ...\n"},
    )
    csv_fix = r.commit(
        "Fix CSV export of invoice totals", {"app/invoice_csv.py": "def export_invoice_csv(): 1\n"}
    )
    r.git("tag", "-a", "v1.1.0", "-m", "release")
    pdf_more = r.commit(
        "Statement email: PDF attachment names the month",
        {"app/statement_email.py": "def send_statement(m): ...\n"},
    )
    return r, {"old": old, "csv": csv, "csv_fix": csv_fix, "pdf": pdf, "pdf_more": pdf_more}


def run(r, tmp_path: Path, text: str = PRD) -> TraceResult:  # type: ignore[no-untyped-def]
    prd = tmp_path / "exports.md"
    prd.write_text(text)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        return review(con, r.path, [read_prd(prd)])


def by_id(result: TraceResult) -> dict[str, RequirementTrace]:
    return {t.requirement.id: t for t in result.requirements}


def test_the_release_named_is_the_first_holding_the_latest_work(make_repo, tmp_path: Path):
    r, shas = build(make_repo)
    csv = by_id(run(r, tmp_path))["EXP-1"]
    assert {link.ref for link in csv.linked("commit")} == {shas["csv"], shas["csv_fix"]}
    assert csv.status == SHIPPED and csv.release == "v1.1.0", "its latest work shipped in v1.1.0, not v1.0.0"
    assert csv.reason.startswith("in v1.1.0") and csv.confidence in ("low", "medium")


def test_work_merged_after_the_last_release_is_in_progress(make_repo, tmp_path: Path):
    r, _ = build(make_repo)
    pdf = by_id(run(r, tmp_path))["EXP-2"]
    assert pdf.status == IN_PROGRESS and pdf.release is None
    assert "not in a release yet" in pdf.reason and "earlier work in v1.1.0" in pdf.reason


def test_work_from_before_the_prd_is_set_apart_and_is_not_progress(make_repo, tmp_path: Path):
    r, shas = build(make_repo)
    archive = by_id(run(r, tmp_path))["EXP-3"]
    assert archive.status == NOT_STARTED
    assert [link.ref for link in archive.before] == [shas["old"]]
    assert "existed before this PRD" in archive.reason
    assert not archive.linked("commit")


def test_unplanned_work_counts_only_inside_the_period(make_repo, tmp_path: Path):
    r, shas = build(make_repo)
    result = run(r, tmp_path)
    unplanned = {c.sha for c in result.unplanned}
    assert shas["old"] not in unplanned and len(unplanned) == 25  # the refactors, none of the exports
    assert result.since is not None and result.since.isoformat().startswith("2026-01-02")


def test_without_a_start_the_review_says_so_and_counts_no_unplanned_work(make_repo, tmp_path: Path):
    r, _ = build(make_repo)
    result = run(r, tmp_path, PRD.replace("start: 2026-01-02\n", ""))
    assert result.unplanned == [] and result.since is None
    assert any("no start for this PRD" in w and "start: YYYY-MM-DD" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("bad", "said"), [("2026-02-30", "impossible date"), ("soon", "'soon' is not a date")]
)
def test_an_impossible_start_date_is_a_one_line_error(make_repo, tmp_path: Path, bad: str, said: str):
    r, _ = build(make_repo)
    with pytest.raises(CptoError, match=said) as raised:
        run(r, tmp_path, PRD.replace("start: 2026-01-02", f"start: {bad}"))
    assert "exports.md" in str(raised.value)

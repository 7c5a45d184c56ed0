"""cpto lint's library: each requirement of a PRD scored, and each finding placed on its line."""

from __future__ import annotations

from cpto.language.lint import lint_prd
from cpto.language.precision import Context
from cpto.review.prd import read_prd

PRD = """\
---
title: Smart export
---
# Smart export

## Requirements

- EXP-1: Exports of up to 50,000 rows finish within 30 s at p95.
- EXP-2: The export should be fast and user-friendly
  where possible.
- EXP-3: Smart export keeps the column order the user chose.
"""


def test_vague_requirements_are_found_on_their_lines(tmp_path):
    path = tmp_path / "export.md"
    path.write_text(PRD)
    result = lint_prd(read_prd(path))
    by_id = {r.requirement.id: r for r in result.requirements}
    assert not by_id["EXP-1"].findings
    found = {f.text.lower(): line for line, f in by_id["EXP-2"].findings}
    assert found.get("fast") == 9 and found.get("user-friendly") == 9
    assert found.get("where possible") == 10  # the wrapped line, not the requirement's first
    assert by_id["EXP-1"].score > by_id["EXP-2"].score
    assert result.flagged >= 1 and 0 < result.score < 1
    assert all(f.suggestion for r in result.requirements for _, f in r.findings)


def test_a_feature_the_workspace_names_is_not_vague(tmp_path):
    path = tmp_path / "export.md"
    path.write_text(PRD)
    plain = {r.requirement.id: r for r in lint_prd(read_prd(path)).requirements}["EXP-3"]
    named = {
        r.requirement.id: r
        for r in lint_prd(read_prd(path), Context(features=("Smart export",))).requirements
    }
    assert not named["EXP-3"].findings
    assert named["EXP-3"].score >= plain.score


def test_a_prd_without_requirements_has_no_score_not_a_perfect_one(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Release notes\n\nWe improved the export a lot and fixed some bugs.\n")
    result = lint_prd(read_prd(path))
    assert result.requirements == []
    assert result.score is None  # it used to be 1.0: "every requirement precise"
    assert "no requirements found" in result.reason and "Acceptance criteria" in result.reason


def test_a_prd_with_requirements_has_a_score_and_no_reason(tmp_path):
    path = tmp_path / "export.md"
    path.write_text(PRD)
    result = lint_prd(read_prd(path))
    assert result.score is not None and result.reason == ""

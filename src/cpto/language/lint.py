"""Requirement quality: every requirement of a PRD scored, its vague wording found with file:line.

A requirement is read with its title; a finding's line is the first line at or after the requirement's
own line that holds the finding's text, so it points where an editor should go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

from cpto.language.precision import Context, Finding, assess
from cpto.review.prd import Prd, Requirement
from cpto.workspace.markdown import read_text

NO_REQUIREMENTS = (
    "no requirements found: write them as ID headings or bullets (R1: ..., REQ-12 ...), a table with an ID"
    ' column, or items under a "Requirements", "User stories" or "Acceptance criteria" heading'
    " (docs/workspace.md)"
)
"""Why a PRD without requirements has no score: an empty PRD is not a precise one."""


@dataclass(frozen=True)
class RequirementLint:
    requirement: Requirement
    score: float
    findings: list[tuple[int, Finding]]  # (line in the PRD, finding)


@dataclass
class PrdLint:
    """One PRD's requirement quality: the mean score over its requirements and every finding."""

    path: Path
    title: str
    requirements: list[RequirementLint] = field(default_factory=list)

    @property
    def score(self) -> float | None:
        """The mean requirement score; ``None`` (unknown, not precise) when no requirement was found."""
        return round(mean(r.score for r in self.requirements), 3) if self.requirements else None

    @property
    def reason(self) -> str:
        """Why ``score`` is unknown ("" when it is known)."""
        return "" if self.requirements else NO_REQUIREMENTS

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.requirements if r.findings)


def lint_prd(prd: Prd, context: Context | None = None) -> PrdLint:
    """Score each requirement of ``prd`` and place each finding on a line of its file."""
    lines = [line.lower() for line in read_text(prd.path).splitlines()]
    out = PrdLint(prd.path, prd.title)
    for requirement in prd.requirements:
        text = f"{requirement.title}\n{requirement.text}".strip()
        result = assess(text, context)
        out.requirements.append(
            RequirementLint(requirement, result.score, _place(result.findings, lines, requirement.line))
        )
    return out


def _place(findings: list[Finding], lines: list[str], first: int) -> list[tuple[int, Finding]]:
    """Each finding's 1-based line: where its text next occurs at or after the previous finding's place
    (findings come in text order), else at or after ``first``, else ``first``.

    Searching on from the previous place keeps a requirement with thousands of findings on one long line
    linear instead of rescanning the line for each of them.
    """
    placed = []
    line, column = max(first, 1), 0
    for finding in findings:
        wanted = finding.text.lower()
        found = _find(wanted, lines, line, column) or _find(wanted, lines, max(first, 1), 0)
        if found is None:
            placed.append((first, finding))
            continue
        line, column = found
        placed.append((line, finding))
        column += len(wanted)
    return placed


def _find(wanted: str, lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """(line, column) of the first occurrence of ``wanted`` from ``line``:``column`` on, in lower-cased lines."""
    for number in range(line, len(lines) + 1):
        at = lines[number - 1].find(wanted, column if number == line else 0)
        if at >= 0:
            return number, at
    return None

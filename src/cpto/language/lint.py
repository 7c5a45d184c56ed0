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
    def score(self) -> float:
        return round(mean(r.score for r in self.requirements), 3) if self.requirements else 1.0

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.requirements if r.findings)


def lint_prd(prd: Prd, context: Context | None = None) -> PrdLint:
    """Score each requirement of ``prd`` and place each finding on a line of its file."""
    lines = read_text(prd.path).splitlines()
    out = PrdLint(prd.path, prd.title)
    for requirement in prd.requirements:
        text = f"{requirement.title}\n{requirement.text}".strip()
        result = assess(text, context)
        placed = [(_line_of(f.text, lines, requirement.line), f) for f in result.findings]
        out.requirements.append(RequirementLint(requirement, result.score, placed))
    return out


def _line_of(fragment: str, lines: list[str], first: int) -> int:
    """The 1-based line at or after ``first`` that holds ``fragment`` (case-insensitive), else ``first``."""
    wanted = fragment.lower()
    for number in range(max(first, 1), len(lines) + 1):
        if wanted in lines[number - 1].lower():
            return number
    return first

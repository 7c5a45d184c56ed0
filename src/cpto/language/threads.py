"""Precision in decision threads, per person and per pair of people, over time.

Each remark in a decision's Discussion is scored on its own. A remark answers the last remark by
someone else in the same thread, so a pair's score is the precision of what the two said to each other:
a pair that disagrees vaguely ("too risky" / "customers need this") scores low even when each person is
precise elsewhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean

from cpto.language.precision import Context, Finding, assess
from cpto.records.decisions import Decision

STEADY = 0.05  # a change in mean score smaller than this between the first and last month is no trend


@dataclass(frozen=True)
class ScoredRemark:
    decision: str
    handle: str
    answers: str | None  # the handle of the remark it answers, if someone else spoke before
    day: date
    line: int
    score: float
    findings: list[Finding]


@dataclass(frozen=True)
class Precision:
    """How precisely one person (or one pair) spoke: overall, per month, and the trend between."""

    who: str
    remarks: int
    vague: int  # remarks with at least one finding
    score: float
    months: dict[str, float]
    trend: str  # improving | worsening | steady | "" (one month only)
    common: str  # the most frequent kind of finding
    advice: str  # what would make that kind precise


def score_threads(decisions: list[Decision], context: Context | None = None) -> list[ScoredRemark]:
    """Every remark of every decision's discussion, scored, in thread order."""
    out = []
    for d in decisions:
        last: str | None = None
        answered: str | None = None
        for remark in d.discussion:
            if last is not None and last != remark.handle:
                answered = last
            result = assess(remark.text, context)
            out.append(
                ScoredRemark(
                    d.id, remark.handle, answered, remark.day, remark.line, result.score, result.findings
                )
            )
            last = remark.handle
    return out


def by_person(remarks: list[ScoredRemark]) -> list[Precision]:
    groups: dict[str, list[ScoredRemark]] = defaultdict(list)
    for r in remarks:
        groups[r.handle].append(r)
    return _ranked(groups)


def by_pair(remarks: list[ScoredRemark]) -> list[Precision]:
    """Each unordered pair that answered each other, with the remarks either made to the other."""
    groups: dict[str, list[ScoredRemark]] = defaultdict(list)
    for r in remarks:
        if r.answers is not None:
            groups[" & ".join(sorted((r.handle, r.answers)))].append(r)
    return _ranked(groups)


def _ranked(groups: dict[str, list[ScoredRemark]]) -> list[Precision]:
    """Least precise first: where a conversation about specifics would help most."""
    rows = [_precision(who, rs) for who, rs in groups.items()]
    return sorted(rows, key=lambda p: (p.score, p.who))


def _precision(who: str, remarks: list[ScoredRemark]) -> Precision:
    months: dict[str, list[float]] = defaultdict(list)
    for r in remarks:
        months[f"{r.day:%Y-%m}"].append(r.score)
    monthly = {m: round(mean(v), 3) for m, v in sorted(months.items())}
    trend = ""
    if len(monthly) > 1:
        change = list(monthly.values())[-1] - next(iter(monthly.values()))
        trend = "improving" if change > STEADY else "worsening" if change < -STEADY else "steady"
    kinds = Counter(f.kind for r in remarks for f in r.findings)
    common = kinds.most_common(1)[0][0] if kinds else ""
    advice = next((f.suggestion for r in remarks for f in r.findings if f.kind == common), "")
    return Precision(
        who=who,
        remarks=len(remarks),
        vague=sum(1 for r in remarks if r.findings),
        score=round(mean(r.score for r in remarks), 3),
        months=monthly,
        trend=trend,
        common=common,
        advice=advice,
    )

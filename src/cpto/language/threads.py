"""Precision in decision threads, per person and per pair of people, over time.

Each remark in a decision's Discussion is scored on its own. A remark answers the last remark by
someone else in the same thread, so a pair's score is the precision of what the two said to each other:
a pair that disagrees vaguely ("too risky" / "customers need this") scores low even when each person is
precise elsewhere.

A score about a person is only given when it rests on :data:`MIN_REMARKS` remarks or more: the mean of
three remarks says more about which decisions came up than about how someone speaks, and a low number
next to a name is read as a verdict on them. Below it the score is unknown (``None``), never zero.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean

from cpto.language.precision import Context, Finding, assess
from cpto.records.decisions import Decision

STEADY = 0.05  # a change in mean score smaller than this between the first and last month is no trend

MIN_REMARKS = 10
"""Remarks a person, a pair or a month needs before it gets a score.

Remark scores are spread widely (a one-line "agreed" scores 1.0, a one-line "too risky" 0.4; on the
demo's 34 remarks the standard deviation is 0.20), so the mean of three remarks is uncertain by about
0.12, a whole band of the scale. From ten the uncertainty is about 0.06, close to the change
:data:`STEADY` already ignores. The same floor applies to each month of a trend.
"""


def too_few(remarks: int) -> str:
    """The reason shown instead of a score resting on fewer than :data:`MIN_REMARKS` remarks."""
    if not remarks:
        return "no remarks to score"
    return f"too few remarks to score ({remarks} of {MIN_REMARKS})"


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
class Month:
    """One month of a person's or pair's remarks: the mean score, or ``None`` under :data:`MIN_REMARKS`."""

    month: str  # YYYY-MM
    remarks: int
    score: float | None

    @property
    def reason(self) -> str:
        """Why there is no score ("" when there is one)."""
        return "" if self.score is not None else too_few(self.remarks)


@dataclass(frozen=True)
class Precision:
    """How precisely one person (or one pair) spoke: overall, per month, and the trend between.

    ``score`` is ``None`` (unknown) under :data:`MIN_REMARKS` remarks; ``trend`` is ``None`` unless two
    months each have a score. ``reason`` and ``trend_reason`` say why.
    """

    who: str
    remarks: int
    vague: int  # remarks with at least one finding
    score: float | None
    months: list[Month]
    trend: str | None  # improving | worsening | steady, or None when it cannot be told
    common: str  # the most frequent kind of finding
    advice: str  # what would make that kind precise

    @property
    def reason(self) -> str:
        """Why ``score`` is unknown ("" when it is known)."""
        return "" if self.score is not None else too_few(self.remarks)

    @property
    def trend_reason(self) -> str:
        """Why ``trend`` is unknown ("" when it is known)."""
        if self.trend is not None:
            return ""
        return f"needs two months with {MIN_REMARKS} or more remarks each"


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


def overall(remarks: list[ScoredRemark]) -> Precision:
    """All remarks together: the team's precision, which names no one."""
    return precision("everyone", remarks)


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
    """Scored ones least precise first (where a conversation about specifics would help most), then the
    ones with too few remarks, most remarks first: they are the next to get a score."""
    rows = [precision(who, rs) for who, rs in groups.items()]
    return sorted(rows, key=lambda p: (p.score is None, p.score or 0.0, -p.remarks, p.who))


def precision(who: str, remarks: list[ScoredRemark]) -> Precision:
    """The precision of ``remarks``: a score only from :data:`MIN_REMARKS` remarks on, overall and per month."""
    by_month: dict[str, list[float]] = defaultdict(list)
    for r in remarks:
        by_month[f"{r.day:%Y-%m}"].append(r.score)
    months = [Month(m, len(v), _mean(v)) for m, v in sorted(by_month.items())]
    scored = [m.score for m in months if m.score is not None]
    trend = None
    if len(scored) > 1:
        change = scored[-1] - scored[0]
        trend = "improving" if change > STEADY else "worsening" if change < -STEADY else "steady"
    kinds = Counter(f.kind for r in remarks for f in r.findings)
    common = kinds.most_common(1)[0][0] if kinds else ""
    advice = next((f.suggestion for r in remarks for f in r.findings if f.kind == common), "")
    return Precision(
        who=who,
        remarks=len(remarks),
        vague=sum(1 for r in remarks if r.findings),
        score=_mean([r.score for r in remarks]),
        months=months,
        trend=trend,
        common=common,
        advice=advice,
    )


def _mean(scores: list[float]) -> float | None:
    """The mean of ``scores`` rounded to 0.001, or ``None`` when there are too few to mean anything."""
    return round(mean(scores), 3) if len(scores) >= MIN_REMARKS else None

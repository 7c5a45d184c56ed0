"""Language precision as reports: requirement lint per PRD, a text's findings, decision threads."""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Any

from cpto.language.lint import NO_REQUIREMENTS, PrdLint
from cpto.language.precision import Assessment
from cpto.language.threads import MIN_REMARKS, Precision, ScoredRemark, by_pair, by_person, overall
from cpto.report import NARROW, WIDE, Block, Blocks, Report, Table, Tag

# Findings listed in the terminal, Markdown and HTML; JSON lists every one. A person reads a few hundred;
# laying out tens of thousands of rows (a 1 MB line of vague text) took a terminal renderer minutes.
MAX_FINDING_ROWS = 500


def _findings_table(columns: list[str], rows: list[list[Any]]) -> Table:
    """The findings table, the first :data:`MAX_FINDING_ROWS` rows of it, saying so when there are more."""
    caption = ""
    if len(rows) > MAX_FINDING_ROWS:
        caption = f"The first {MAX_FINDING_ROWS} of {len(rows)} findings; --format json lists them all."
    return Table("Findings", columns, rows[:MAX_FINDING_ROWS], caption=caption)


def _where(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def lint_report(lints: list[PrdLint], root: Path, fail_under: float | None = None) -> Report:
    """Per PRD: requirements, how many have vague wording, the mean score; then every finding.

    A PRD without requirements has no score (it is unknown, not precise): it is listed with the reason
    and how to write requirements cpto finds, and a ``--fail-under`` gate neither passes nor fails it
    but says so.
    """
    failing = [x for x in lints if fail_under is not None and x.score is not None and x.score < fail_under]
    unscored = [x for x in lints if x.score is None]
    findings = [
        [f"{_where(x.path, root)}:{line}", r.requirement.id, f.kind, f.text, f.suggestion]
        for x in lints
        for r in x.requirements
        for line, f in r.findings
    ]
    notes = [
        f"{_where(x.path, root)} scores {x.score:.2f}, under --fail-under {fail_under:.2f}"
        for x in failing
        if x.score is not None and fail_under is not None
    ]
    if unscored:
        names = ", ".join(_where(x.path, root) for x in unscored)
        notes.append(f"No score for {names}: {NO_REQUIREMENTS}. To score prose as it is: cpto precision FILE")
    if unscored and fail_under is not None:
        notes.append(f"--fail-under {fail_under:.2f} checked only the PRDs with requirements")
    tables: list[Table] = [
        Table(
            "Per PRD",
            ["PRD", "title", "requirements", "vague", "score"],
            [
                [
                    _where(x.path, root),
                    x.title,
                    len(x.requirements),
                    x.flagged,
                    _score_cell(x.score, "unknown"),
                ]
                for x in lints
            ],
        )
    ]
    if findings:
        tables.append(_findings_table(["where", "requirement", "kind", "text", "make it specific"], findings))
    return Report(
        title="Requirement precision",
        subtitle=f"{len(lints)} PRD(s); score 1.0 = every requirement precise",
        facts=[
            ("requirements", sum(len(x.requirements) for x in lints)),
            ("with vague wording", sum(x.flagged for x in lints)),
            ("findings", len(findings)),
        ],
        tables=tables,
        notes=notes,
        data={
            "prds": [
                {
                    "path": _where(x.path, root),
                    "title": x.title,
                    "score": x.score,
                    "score_reason": x.reason or None,
                    "requirements": [
                        {
                            "id": r.requirement.id,
                            "line": r.requirement.line,
                            "score": r.score,
                            "findings": [
                                {"line": line, "text": f.text, "kind": f.kind, "suggestion": f.suggestion}
                                for line, f in r.findings
                            ],
                        }
                        for r in x.requirements
                    ],
                }
                for x in lints
            ],
            "fail_under": fail_under,
            "failing": [_where(x.path, root) for x in failing],
            "unscored": [_where(x.path, root) for x in unscored],
        },
    )


def text_report(name: str, text: str, result: Assessment) -> Report:
    """One text's findings with the line each is on."""
    breaks = [i for i, ch in enumerate(text) if ch == "\n"]  # line of an offset by binary search
    rows = [
        [f"{name}:{bisect_left(breaks, f.start) + 1}", f.kind, f.text, f.suggestion] for f in result.findings
    ]
    score = result.score if text.strip() else None  # nothing written is not precise writing
    reason = "" if score is not None else f"{name} holds no text to score"
    return Report(
        title=f"Precision of {name}",
        facts=[
            ("score", _score_cell(score, reason)),
            ("findings", len(rows)),
            ("precise markers", len(result.markers)),
        ],
        tables=[_findings_table(["where", "kind", "text", "make it specific"], rows)] if rows else [],
        data={
            "score": score,
            "score_reason": reason or None,
            "findings": [
                {"start": f.start, "end": f.end, "text": f.text, "kind": f.kind, "suggestion": f.suggestion}
                for f in result.findings
            ],
            "markers": [
                {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind} for m in result.markers
            ],
        },
    )


PRIVACY_NOTE = (
    "Scores per person and per pair were left out by the workspace's privacy setting"
    " ([privacy] person_scores = false in cpto.toml); remarks are listed without who made them."
)


def _score_cell(score: float | None, reason: str) -> float | str:
    """A score, or the reason there is none: an unknown is never shown as a number."""
    return score if score is not None else reason


def _months_cell(p: Precision) -> str:
    """Each month's score, or how many remarks it had when they are too few for one."""
    return ", ".join(
        f"{m.month}: {m.score:.2f}" if m.score is not None else f"{m.month}: {_remarks(m.remarks)}"
        for m in p.months
    )


def _remarks(n: int) -> str:
    return f"{n} remark" if n == 1 else f"{n} remarks"


def _rows(rows: list[Precision]) -> list[list[object]]:
    return [
        [
            p.who,
            p.remarks,
            p.vague,
            _score_cell(p.score, p.reason),
            _months_cell(p),
            p.trend or "unknown",
            p.common,
            p.advice,
        ]
        for p in rows
    ]


def _block(p: Precision) -> Block:
    """One person or pair told in lines, for a narrow terminal where eight columns would break words."""
    tag = Tag(f"{p.score:.2f}") if p.score is not None else Tag(p.reason, "muted")
    entries: list[tuple[str, str | list[str]]] = [("per month", _months_cell(p))]
    if p.score is not None:
        entries.append(("trend", p.trend or f"unknown: {p.trend_reason}"))
    if p.common:
        entries.append(("most common", f"{p.common}: {p.advice}"))
    return Block(p.who, tag=tag, note=f"{_remarks(p.remarks)}, {p.vague} vague", entries=entries)


def _sections(title: str, rows: list[Precision]) -> list[Table | Blocks]:
    """The wide table and its narrow form as blocks; each renderer shows the one that fits."""
    columns = ["who", "remarks", "vague", "score", "per month", "trend", "most common", "make it specific"]
    caption = (
        f"A score (overall, per month, and so the trend) needs {MIN_REMARKS} remarks or more;"
        " under that it is unknown, not low."
    )
    return [
        Table(title, columns, _rows(rows), caption=caption, show=WIDE),
        Blocks(title, [_block(p) for p in rows], caption=caption, show=NARROW),
    ]


def no_remarks_note(folder: str, decisions: int | None) -> str:
    """What to set up when there is nothing to score: where cpto looked, and how remarks get there."""
    how = (
        'add remarks under a "## Discussion" heading, one "- handle, YYYY-MM-DD: text" line each, or with'
        ' cpto decision comment D-0001 "REMARK" --by HANDLE (docs/workspace.md)'
    )
    if decisions is None:
        return (
            f"No decision records: {folder} is not a folder, so precision in decision threads is unknown."
            f' Raise one with cpto decision new "TITLE" --domain outcomes --point HANDLE and {how};'
            " or point [workspace] decisions in cpto.toml at the folder that holds them."
        )
    return (
        f"No remarks in the {decisions} decision record(s) in {folder}, so precision in decision threads"
        f" is unknown: {how}."
    )


def threads_report(
    remarks: list[ScoredRemark],
    *,
    folder: str = "decisions",
    decisions: int | None = None,
    person_scores: bool = True,
) -> Report:
    """Decision threads: everyone together, then each person and each pair (least precise first, with
    the monthly trend), then the vague remarks.

    ``decisions`` is how many records were read (``None``: ``folder`` is not there). ``person_scores``
    False (``[privacy] person_scores = false``) leaves every per-person and per-pair figure out, and the
    names out of the remark list, in every format. Scores resting on fewer than
    :data:`~cpto.language.threads.MIN_REMARKS` remarks are unknown, with the reason in their place.
    """
    vague = [r for r in remarks if r.findings]
    team = overall(remarks)
    notes = [] if remarks else [no_remarks_note(folder, decisions)]
    tables: list[Table | Blocks] = []
    people = pairs = None
    if person_scores:
        people, pairs = by_person(remarks), by_pair(remarks)
        if remarks:
            tables += _sections("Per person", people)
            tables += _sections("Per pair (remarks answering each other)", pairs)
    else:
        notes.append(PRIVACY_NOTE)
    if vague:
        who = ["who"] if person_scores else []
        tables.append(
            Table(
                "Vague remarks",
                ["decision", *who, "day", "wording", "make it specific"],
                [
                    [
                        r.decision,
                        *([r.handle] if person_scores else []),
                        r.day,
                        ", ".join(f.text for f in r.findings),
                        r.findings[0].suggestion,
                    ]
                    for r in vague
                ],
            )
        )
    return Report(
        title="Precision in decision threads",
        subtitle="score 1.0 = every remark names what it is about"
        + ("; least precise first" if person_scores else ""),
        facts=[
            ("decisions", decisions if decisions is not None else f"unknown: {folder} is not a folder"),
            ("remarks", len(remarks)),
            ("with vague wording", len(vague)),
            ("score, all remarks", _score_cell(team.score, team.reason)),
        ],
        tables=tables,
        notes=notes,
        data={
            "decisions": decisions,
            "remarks_count": len(remarks),
            "score": team.score,
            "score_reason": team.reason or None,
            "min_remarks": MIN_REMARKS,
            "person_scores": person_scores,
            "people": None if people is None else [_precision_data(p) for p in people],
            "pairs": None if pairs is None else [_precision_data(p) for p in pairs],
            "people_reason": None if person_scores else PRIVACY_NOTE,
            "remarks": [_remark_data(r, person_scores) for r in remarks],
            "notes": notes,
        },
    )


def _remark_data(r: ScoredRemark, person_scores: bool) -> dict[str, object]:
    who: dict[str, object] = {"who": r.handle, "answers": r.answers} if person_scores else {}
    return {
        "decision": r.decision,
        **who,
        "day": r.day.isoformat(),
        "line": r.line,
        "score": r.score,
        "findings": [{"text": f.text, "kind": f.kind, "suggestion": f.suggestion} for f in r.findings],
    }


def _precision_data(p: Precision) -> dict[str, object]:
    return {
        "who": p.who,
        "remarks": p.remarks,
        "vague": p.vague,
        "score": p.score,
        "score_reason": p.reason or None,
        "months": [
            {"month": m.month, "remarks": m.remarks, "score": m.score, "score_reason": m.reason or None}
            for m in p.months
        ],
        "trend": p.trend,
        "trend_reason": p.trend_reason or None,
        "most_common": p.common,
        "suggestion": p.advice,
    }

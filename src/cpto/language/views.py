"""Language precision as reports: requirement lint per PRD, a text's findings, decision threads."""

from __future__ import annotations

from pathlib import Path

from cpto.language.lint import PrdLint
from cpto.language.precision import Assessment
from cpto.language.threads import Precision, ScoredRemark
from cpto.report import Report, Table


def _where(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def lint_report(lints: list[PrdLint], root: Path, fail_under: float | None = None) -> Report:
    """Per PRD: requirements, how many have vague wording, the mean score; then every finding."""
    failing = [x for x in lints if fail_under is not None and x.score < fail_under]
    findings = [
        [f"{_where(x.path, root)}:{line}", r.requirement.id, f.kind, f.text, f.suggestion]
        for x in lints
        for r in x.requirements
        for line, f in r.findings
    ]
    notes = [
        f"{_where(x.path, root)} scores {x.score:.2f}, under --fail-under {fail_under:.2f}" for x in failing
    ]
    return Report(
        title="Requirement precision",
        subtitle=f"{len(lints)} PRD(s); score 1.0 = every requirement precise",
        facts=[
            ("requirements", sum(len(x.requirements) for x in lints)),
            ("with vague wording", sum(x.flagged for x in lints)),
            ("findings", len(findings)),
        ],
        tables=[
            Table(
                "Per PRD",
                ["PRD", "title", "requirements", "vague", "score"],
                [[_where(x.path, root), x.title, len(x.requirements), x.flagged, x.score] for x in lints],
            ),
            Table("Findings", ["where", "requirement", "kind", "text", "make it specific"], findings),
        ],
        notes=notes,
        data={
            "prds": [
                {
                    "path": _where(x.path, root),
                    "title": x.title,
                    "score": x.score,
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
        },
    )


def text_report(name: str, text: str, result: Assessment) -> Report:
    """One text's findings with the line each is on."""
    rows = [
        [f"{name}:{text.count(chr(10), 0, f.start) + 1}", f.kind, f.text, f.suggestion]
        for f in result.findings
    ]
    return Report(
        title=f"Precision of {name}",
        facts=[("score", result.score), ("findings", len(rows)), ("precise markers", len(result.markers))],
        tables=[Table("Findings", ["where", "kind", "text", "make it specific"], rows)],
        data={
            "score": result.score,
            "findings": [
                {"start": f.start, "end": f.end, "text": f.text, "kind": f.kind, "suggestion": f.suggestion}
                for f in result.findings
            ],
            "markers": [
                {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind} for m in result.markers
            ],
        },
    )


def _rows(rows: list[Precision]) -> list[list[object]]:
    return [
        [
            p.who,
            p.remarks,
            p.vague,
            p.score,
            " ".join(f"{m}: {s:.2f}" for m, s in p.months.items()),
            p.trend,
            p.common,
            p.advice,
        ]
        for p in rows
    ]


def threads_report(remarks: list[ScoredRemark], people: list[Precision], pairs: list[Precision]) -> Report:
    """Decision threads: each person and each pair, least precise first, with the monthly trend."""
    columns = ["who", "remarks", "vague", "score", "per month", "trend", "most common", "make it specific"]
    vague = [r for r in remarks if r.findings]
    return Report(
        title="Precision in decision threads",
        subtitle="score 1.0 = every remark names what it is about; least precise first",
        facts=[("remarks", len(remarks)), ("with vague wording", len(vague))],
        tables=[
            Table("Per person", columns, _rows(people)),
            Table("Per pair (remarks answering each other)", columns, _rows(pairs)),
            Table(
                "Vague remarks",
                ["decision", "who", "day", "wording", "make it specific"],
                [
                    [
                        r.decision,
                        r.handle,
                        r.day,
                        ", ".join(f.text for f in r.findings),
                        r.findings[0].suggestion,
                    ]
                    for r in vague
                ],
            ),
        ],
        data={
            "people": [_precision_data(p) for p in people],
            "pairs": [_precision_data(p) for p in pairs],
            "remarks": [
                {
                    "decision": r.decision,
                    "who": r.handle,
                    "answers": r.answers,
                    "day": r.day.isoformat(),
                    "line": r.line,
                    "score": r.score,
                    "findings": [
                        {"text": f.text, "kind": f.kind, "suggestion": f.suggestion} for f in r.findings
                    ],
                }
                for r in remarks
            ],
        },
    )


def _precision_data(p: Precision) -> dict[str, object]:
    return {
        "who": p.who,
        "remarks": p.remarks,
        "vague": p.vague,
        "score": p.score,
        "months": p.months,
        "trend": p.trend,
        "most_common": p.common,
        "suggestion": p.advice,
    }

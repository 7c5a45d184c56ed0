"""Precision in decision threads: per person, per pair that answered each other, and the trend."""

from __future__ import annotations

from cpto.language.threads import by_pair, by_person, score_threads
from cpto.records.decisions import read_decisions

THREAD = """\
---
id: {id}
title: {title}
status: proposed
domain: implementation
point: dana
raised: {day}T10:00
---
# {title}

## Discussion
{remarks}
"""


def decision(folder, id: str, day: str, remarks: list[tuple[str, str]]) -> None:
    lines = "\n".join(f"- {who}, {day}: {text}" for who, text in remarks)
    (folder / f"{id}.md").write_text(THREAD.format(id=id, title=f"Decision {id}", day=day, remarks=lines))


def test_a_vague_pair_and_a_precise_pair(tmp_path):
    decision(
        tmp_path,
        "D-0001",
        "2026-09-01",
        [
            ("sam", "This is too risky."),
            ("priya", "Customers need this, we have no bandwidth anyway."),
            ("li", "Moving billing/dunning.py to the queue risks double charges for 40 annual accounts."),
            ("dana", "Agreed; we ship it after the 2026-12-05 freeze, 2 engineer-weeks."),
        ],
    )
    remarks = score_threads(read_decisions(tmp_path))
    assert [r.answers for r in remarks] == [None, "sam", "priya", "li"]
    pairs = {p.who: p for p in by_pair(remarks)}
    assert pairs["priya & sam"].score < pairs["dana & li"].score
    assert pairs["priya & sam"].vague == 1 and pairs["dana & li"].vague == 0
    people = by_person(remarks)
    assert people[0].who in ("sam", "priya") and people[0].advice  # least precise first, with advice


def test_the_trend_compares_the_first_and_last_month(tmp_path):
    decision(tmp_path, "D-0001", "2026-09-01", [("sam", "We should probably do this soon, it is too risky.")])
    decision(
        tmp_path,
        "D-0002",
        "2026-11-02",
        [("sam", "Ship api/checkout/cart.py on 2026-11-20; p95 stays under 300 ms at 200 req/s.")],
    )
    (sam,) = by_person(score_threads(read_decisions(tmp_path)))
    assert list(sam.months) == ["2026-09", "2026-11"]
    assert sam.trend == "improving"

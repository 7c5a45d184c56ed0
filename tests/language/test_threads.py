"""Precision in decision threads: per person, per pair that answered each other, and the trend; a score
only from MIN_REMARKS remarks on, unknown (None with a reason) below it."""

from __future__ import annotations

from cpto.language.threads import MIN_REMARKS, by_pair, by_person, overall, score_threads
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

VAGUE_AND_PRECISE = [
    ("sam", "This is too risky."),
    ("priya", "Customers need this, we have no bandwidth anyway."),
    ("li", "Moving billing/dunning.py to the queue risks double charges for 40 annual accounts."),
    ("dana", "Agreed; we ship it after the 2026-12-05 freeze, 2 engineer-weeks."),
]


def decision(folder, id: str, day: str, remarks: list[tuple[str, str]]) -> None:
    lines = "\n".join(f"- {who}, {day}: {text}" for who, text in remarks)
    (folder / f"{id}.md").write_text(THREAD.format(id=id, title=f"Decision {id}", day=day, remarks=lines))


def threads(folder, count: int, remarks: list[tuple[str, str]], day: str = "2026-09-01", first: int = 1):
    for n in range(first, first + count):
        decision(folder, f"D-{n:04d}", day, remarks)


def test_a_vague_pair_and_a_precise_pair(tmp_path):
    threads(tmp_path, MIN_REMARKS, VAGUE_AND_PRECISE)
    remarks = score_threads(read_decisions(tmp_path))
    assert [r.answers for r in remarks[:4]] == [None, "sam", "priya", "li"]
    pairs = {p.who: p for p in by_pair(remarks)}
    vague, precise = pairs["priya & sam"], pairs["dana & li"]
    assert vague.score is not None and precise.score is not None
    assert vague.score < precise.score
    assert vague.vague == MIN_REMARKS and precise.vague == 0
    people = by_person(remarks)
    assert people[0].who in ("sam", "priya") and people[0].advice  # least precise first, with advice


def test_fewer_remarks_than_the_minimum_give_no_score_not_a_low_one(tmp_path):
    threads(tmp_path, MIN_REMARKS - 1, VAGUE_AND_PRECISE)
    remarks = score_threads(read_decisions(tmp_path))
    sam = next(p for p in by_person(remarks) if p.who == "sam")
    assert sam.remarks == 9 and sam.score is None
    assert sam.reason == "too few remarks to score (9 of 10)"
    assert sam.vague == 9 and sam.common and sam.advice  # what was said is still reported
    pair = next(p for p in by_pair(remarks) if p.who == "priya & sam")
    assert pair.score is None and pair.reason == "too few remarks to score (9 of 10)"
    # everyone together has 36 remarks: the team's score is known even when no one's is
    team = overall(remarks)
    assert team.remarks == 36 and team.score is not None and team.reason == ""


def test_the_minimum_is_reached_at_exactly_ten_remarks(tmp_path):
    threads(tmp_path, MIN_REMARKS, [("sam", "This is too risky.")])
    (sam,) = by_person(score_threads(read_decisions(tmp_path)))
    assert sam.remarks == 10 and sam.score is not None and sam.reason == ""


def test_scored_people_come_first_least_precise_first_then_the_unscored(tmp_path):
    threads(tmp_path, MIN_REMARKS, [("sam", "This is too risky."), ("li", "Ship api/cart.py on 2026-11-20.")])
    decision(tmp_path, "D-0099", "2026-09-02", [("nina", "Fine by me, 3 days.")])
    order = [p.who for p in by_person(score_threads(read_decisions(tmp_path)))]
    assert order == ["sam", "li", "nina"]


def test_the_trend_compares_the_first_and_last_scored_month(tmp_path):
    threads(
        tmp_path, MIN_REMARKS, [("sam", "We should probably do this soon, it is too risky.")], "2026-09-01"
    )
    precise = [("sam", "Ship api/checkout/cart.py on 2026-11-20; p95 stays under 300 ms at 200 req/s.")]
    threads(tmp_path, MIN_REMARKS, precise, "2026-11-02", first=20)
    (sam,) = by_person(score_threads(read_decisions(tmp_path)))
    assert [m.month for m in sam.months] == ["2026-09", "2026-11"]
    assert all(m.score is not None for m in sam.months)
    assert sam.trend == "improving" and sam.trend_reason == ""


def test_a_month_under_the_minimum_has_no_score_and_no_trend_rests_on_it(tmp_path):
    threads(
        tmp_path, MIN_REMARKS, [("sam", "We should probably do this soon, it is too risky.")], "2026-09-01"
    )
    precise = [("sam", "Ship api/checkout/cart.py on 2026-11-20; p95 stays under 300 ms at 200 req/s.")]
    threads(tmp_path, 3, precise, "2026-11-02", first=20)
    (sam,) = by_person(score_threads(read_decisions(tmp_path)))
    september, november = sam.months
    assert september.score is not None and november.score is None
    assert november.reason == "too few remarks to score (3 of 10)"
    assert sam.score is not None  # 13 remarks overall
    assert sam.trend is None and "two months" in sam.trend_reason


def test_no_remarks_at_all_is_unknown(tmp_path):
    team = overall([])
    assert team.score is None and team.reason == "no remarks to score"

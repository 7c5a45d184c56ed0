"""Roadmap clock speed read from roadmap.yaml's own git history, built with real commits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.history.git import file_history
from cpto.records.roadmap import (
    RoadmapItem,
    apply_proposals,
    clock_speed,
    move_edit,
    one_click_faster,
    overall_speed,
    plan_move,
    read_roadmap,
    requirements_for,
    reviews_from_history,
    target_problems,
)

ROADMAP = """\
# Changed at the joint review every other Thursday.
reviewed: {day}
items:
  - id: RM-1
    title: Guest checkout
    horizon: {rm1}
  - id: RM-2
    title: Card updater   # marco's
    horizon: half
"""


def commit_reviews(repo, *reviews: tuple[str, str]) -> Path:
    for day, rm1 in reviews:
        repo.commit(f"roadmap: review {day}", {"roadmap.yaml": ROADMAP.format(day=day, rm1=rm1)})
    return repo.path / "roadmap.yaml"


def test_each_review_moves_items_or_leaves_them_stalled(repo):
    path = commit_reviews(repo, ("2026-09-10", "quarter"), ("2026-09-24", "month"), ("2026-10-08", "week"))
    reviews, warnings = reviews_from_history(file_history(path), path)
    assert [r.day for r in reviews] == [date(2026, 9, 10), date(2026, 9, 24), date(2026, 10, 8)]
    clocks = {c.item.id: c for c in clock_speed(reviews, read_roadmap(path), date(2026, 10, 8))}
    assert (clocks["RM-1"].closer, clocks["RM-1"].stalled, clocks["RM-1"].proposal) == (2, 0, "")
    assert clocks["RM-2"].stalled == 2 and clocks["RM-2"].proposal == "move to quarter, target 2027-01-07"
    assert overall_speed(list(clocks.values())) == 0.5 and warnings == []


def test_edits_between_reviews_count_as_the_review_they_lead_into(repo):
    path = commit_reviews(repo, ("2026-09-10", "quarter"), ("2026-09-10", "month"), ("2026-09-24", "month"))
    reviews, _ = reviews_from_history(file_history(path), path)
    assert [r.items["RM-1"].horizon for r in reviews] == ["month", "month"]


def test_a_broken_old_version_is_skipped_with_a_warning(repo):
    repo.commit("oops", {"roadmap.yaml": "items: [\n"})
    path = commit_reviews(repo, ("2026-09-10", "quarter"))
    reviews, warnings = reviews_from_history(file_history(path), path)
    assert len(reviews) == 1 and len(warnings) == 1 and "invalid YAML" in warnings[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "items:\n  - id: RM-1\n    horizon: someday\n",
            ":2: RM-1 horizon 'someday' is not one of year, half",
        ),
        (
            "items:\n  - id: RM-1\n    horizon: week\n  - id: RM-1\n    horizon: week\n",
            ":4: duplicate roadmap id",
        ),
        ("items:\n  - title: no id\n    horizon: week\n", ":2: roadmap item needs an id"),
        ("items:\n  - id: RM-1\n    horizon: week\n    target: Q3\n", "RM-1 target: 'Q3' is not a date"),
    ],
)
def test_bad_items_are_errors_with_file_and_line(tmp_path, text, message):
    (tmp_path / "roadmap.yaml").write_text(text)
    with pytest.raises(CptoError, match=message):
        read_roadmap(tmp_path / "roadmap.yaml")


def test_moving_an_item_changes_only_its_lines(tmp_path):
    text = ROADMAP.format(day="2026-09-10", rm1="month")
    moved = move_edit("RM-2", "quarter", date(2027, 1, 7), tmp_path / "roadmap.yaml")(text)
    assert moved == text.replace("    horizon: half\n", "    horizon: quarter\n    target: 2027-01-07\n")


def test_one_click_faster_and_an_item_already_at_a_week():
    assert (
        one_click_faster(RoadmapItem("RM-1", "x", "year"), date(2026, 11, 5))
        == "move to half, target 2027-05-06"
    )
    assert one_click_faster(RoadmapItem("RM-1", "x", "week"), date(2026, 11, 5)).startswith("ship it")


def test_an_item_stands_for_the_requirements_sharing_most_of_its_title():
    prd = [("CHK-3", "Saved cards: pick a saved card"), ("CHK-8", "Gift cards redeemed at checkout")]
    assert requirements_for(RoadmapItem("RM-7", "Gift cards", "month"), prd) == ["CHK-8"]
    assert requirements_for(RoadmapItem("RM-9", "Payroll", "year"), prd) == ["CHK-3", "CHK-8"]
    listed = RoadmapItem("RM-2", "Cards", "week", requirements=("CHK-3",))
    assert requirements_for(listed, prd) == ["CHK-3"]


def test_proposals_count_from_today_not_from_the_last_review(repo):
    """The last review was in October; proposing "month, target last review + 30 days" in December
    would propose a date already past. Every proposed target is today or later."""
    path = commit_reviews(repo, ("2026-09-10", "month"), ("2026-10-08", "month"))
    reviews, _ = reviews_from_history(file_history(path), path)
    today = date(2026, 12, 5)
    clocks = {c.item.id: c for c in clock_speed(reviews, read_roadmap(path), today)}
    assert clocks["RM-1"].proposal == "move to week, target 2026-12-12"
    assert clocks["RM-2"].proposal == "move to quarter, target 2027-03-06"
    assert all(c.proposed_target is None or c.proposed_target >= today for c in clocks.values())


def test_apply_writes_exactly_the_targets_the_review_proposed(repo):
    path = commit_reviews(repo, ("2026-09-10", "month"), ("2026-10-08", "month"))
    reviews, _ = reviews_from_history(file_history(path), path)
    clocks = clock_speed(reviews, read_roadmap(path), date(2026, 12, 5))
    shown = {c.item.id: (c.proposed_horizon, c.proposed_target) for c in clocks if c.proposal}
    moves = apply_proposals(path, clocks, date(2026, 12, 5), commit=False)
    after = {i.id: (i.horizon, i.target) for i in read_roadmap(path).items}
    assert shown == {rid: (h, t) for rid, h, t in moves} == after
    assert read_roadmap(path).reviewed == date(2026, 12, 5)


def test_a_target_already_inside_the_nearer_horizon_is_kept_not_pushed_later(repo):
    text = ROADMAP.format(day="2026-10-08", rm1="month").replace(
        "    horizon: half\n", "    horizon: half\n    target: 2027-02-25\n"
    )
    repo.commit("review 1", {"roadmap.yaml": text.replace("2026-10-08", "2026-09-10")})
    repo.commit("review 2", {"roadmap.yaml": text})
    path = repo.path / "roadmap.yaml"
    reviews, _ = reviews_from_history(file_history(path), path)
    clocks = {c.item.id: c for c in clock_speed(reviews, read_roadmap(path), date(2026, 12, 5))}
    assert clocks["RM-2"].proposal == "move to quarter, target 2027-02-25"  # 82 days: a quarter's


@pytest.mark.parametrize(
    ("horizon", "target", "status", "problem"),
    [
        ("week", date(2026, 1, 5), "", "target 2026-01-05 passed 334 day(s) ago"),
        ("week", date(2027, 6, 1), "", "horizon week but target 2027-06-01 is 178 days away (a half"),
        ("year", date(2026, 12, 10), "", "horizon year but target 2026-12-10 is only 5 days away (a week"),
        ("month", date(2026, 12, 20), "", None),
        ("half", date(2027, 2, 25), "", None),  # 82 days: one rung nearer is fine, time passes
        ("week", date(2026, 1, 5), "shipped", None),
    ],
)
def test_past_targets_and_horizons_that_contradict_them_are_problems(horizon, target, status, problem):
    found = target_problems(
        RoadmapItem("RM-1", "x", horizon, target=target, status=status), date(2026, 12, 5)
    )
    assert found[0].startswith(problem) if problem else found == [], found


def test_a_move_to_a_past_target_is_refused(tmp_path):
    item = RoadmapItem("RM-1", "x", "month", target=date(2026, 12, 20))
    with pytest.raises(CptoError, match=r"--target 2026-01-05 refused .*passed 334 day"):
        plan_move(item, "week", date(2026, 1, 5), date(2026, 12, 5))
    with pytest.raises(CptoError, match="horizon week but target 2027-06-01"):
        plan_move(item, "week", date(2027, 6, 1), date(2026, 12, 5))
    assert plan_move(item, "week", date(2026, 12, 9), date(2026, 12, 5)) == []
    assert plan_move(item, "week", None, date(2026, 12, 5))[0].startswith(
        "horizon week but target 2026-12-20"
    )

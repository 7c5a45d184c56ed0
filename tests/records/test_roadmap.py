"""Roadmap clock speed read from roadmap.yaml's own git history, built with real commits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.history.git import file_history
from cpto.records.roadmap import (
    RoadmapItem,
    clock_speed,
    move_edit,
    one_click_faster,
    overall_speed,
    read_roadmap,
    requirements_for,
    reviews_from_history,
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
    clocks = {c.item.id: c for c in clock_speed(reviews, read_roadmap(path))}
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
        ("items:\n  - id: RM-1\n    horizon: week\n    target: Q3\n", "RM-1 target 'Q3' is not a date"),
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
    assert one_click_faster(RoadmapItem("RM-1", "x", "week"), None).startswith("ship it this week")


def test_an_item_stands_for_the_requirements_sharing_most_of_its_title():
    prd = [("CHK-3", "Saved cards: pick a saved card"), ("CHK-8", "Gift cards redeemed at checkout")]
    assert requirements_for(RoadmapItem("RM-7", "Gift cards", "month"), prd) == ["CHK-8"]
    assert requirements_for(RoadmapItem("RM-9", "Payroll", "year"), prd) == ["CHK-3", "CHK-8"]
    listed = RoadmapItem("RM-2", "Cards", "week", requirements=("CHK-3",))
    assert requirements_for(listed, prd) == ["CHK-3"]

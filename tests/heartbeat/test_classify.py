"""The commit classifier: conventional types decide, then leading verbs, words and changed paths vote."""

from __future__ import annotations

import pytest

from cpto.heartbeat.classify import classify, rules


@pytest.mark.parametrize(
    ("message", "paths", "category"),
    [
        ("feat(cart): saved carts", [], "feature"),
        ("fix: empty cart totals", [], "fix"),
        ("refactor!: split the pricing module", [], "debt"),
        ("ci: cache pip downloads", [], "infra"),
        ("docs: explain the working agreement", [], "other"),
        ("Fix NPE when the cart is empty", [], "fix"),
        ("HBASE-1234 Add support for reverse scans", [], "feature"),
        ("Remove unused imports", [], "debt"),
        ("Bump duckdb to 1.1", [], "infra"),
        ("Update", ["tests/test_cart.py", "tests/conftest.py"], "debt"),
        ("Update", ["docs/heartbeat.md", "README.md"], "other"),
        ("Update", [".github/workflows/ci.yml", "package-lock.json"], "infra"),
    ],
)
def test_each_kind_of_evidence_puts_a_commit_in_its_bucket(message, paths, category):
    assert classify(message, paths).category == category


def test_every_result_says_why_and_how_sure():
    conventional = classify("fix(api): handle empty carts")
    assert (conventional.confidence, conventional.why) == (0.95, "conventional commit type 'fix'")
    guessed = rules("Fix crash on empty cart", ["api/cart.py"])
    assert guessed.category == "fix" and "starts with 'fix'" in guessed.why and guessed.confidence < 0.95
    assert rules("wip").category == "other" and rules("wip").confidence == 0.2
    modelled = classify("Fix crash on empty cart", ["api/cart.py"])  # no type: the shipped model decides
    assert modelled.decided_by == "model" and modelled.why.startswith("model ") and modelled.confidence < 0.95


def test_a_chore_that_is_not_tooling_is_not_called_infra():
    assert classify("chore: tidy the cart module").category != "infra"  # the model decides what it is
    assert rules("chore: tidy the cart module").category == "debt"
    assert classify("chore(deps): bump rich").category == "infra"


@pytest.mark.parametrize(
    ("message", "category", "why"),
    [
        ("[Refactor] Read the line list as one comprehension", "debt", "bracketed type 'refactor'"),
        ("[Fix-1234][api] Empty carts at checkout", "fix", "bracketed type 'fix'"),
        ("[type:feature] Saved carts", "feature", "bracketed type 'feature'"),
        ("Bug: crash on an empty cart", "fix", "conventional commit type 'bug'"),
        ("\u2728 Saved carts for signed-in users", "feature", "gitmoji \u2728"),
        (":arrow_up: Bump duckdb to 1.1", "infra", "gitmoji :arrow_up:"),
    ],
)
def test_a_type_the_author_wrote_another_way_decides_too(message, category, why):
    found = classify(message)
    assert (found.category, found.decided_by, found.why) == (category, "type", why)


def test_a_bracket_that_is_a_ticket_key_or_a_tool_is_not_a_type():
    for message in ("[HBASE-1234] Add reverse scans", "[ruff] Enable SIM118", "\U0001f389 Initial commit"):
        assert classify(message).decided_by == "model"

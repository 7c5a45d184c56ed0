"""Shares with error bars: adjusted classify-and-count recovers a known truth through a known confusion,
people's buckets count as given, and an empty week is unknown, not 0."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.shares import Confusion, estimate_shares, format_share

TRUTH = {"feature": 0.30, "fix": 0.40, "debt": 0.15, "infra": 0.10, "other": 0.05}
# a classifier that calls some fixes debt and some debt feature, as a real one does
RATES = {
    "feature": {"feature": 0.80, "fix": 0.05, "debt": 0.10, "infra": 0.03, "other": 0.02},
    "fix": {"feature": 0.10, "fix": 0.70, "debt": 0.15, "infra": 0.03, "other": 0.02},
    "debt": {"feature": 0.20, "fix": 0.10, "debt": 0.60, "infra": 0.05, "other": 0.05},
    "infra": {"feature": 0.05, "fix": 0.05, "debt": 0.05, "infra": 0.80, "other": 0.05},
    "other": {"feature": 0.05, "fix": 0.05, "debt": 0.05, "infra": 0.05, "other": 0.80},
}


def predicted(n: int, seed: int, rates=RATES) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """n commits drawn from TRUTH, each predicted through ``rates``; returns the decisions and the
    commits' own true shares (the figure the estimate is about)."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(CATEGORIES, size=n, p=[TRUTH[c] for c in CATEGORIES])
    decisions = [(str(rng.choice(CATEGORIES, p=[rates[t][p] for p in CATEGORIES])), "model") for t in truth]
    return decisions, {c: float(np.mean(truth == c)) for c in CATEGORIES}


def test_a_known_confusion_is_corrected_and_the_truth_is_inside_the_interval_in_most_seeds():
    support = {c: 400 for c in CATEGORIES}  # the confusion measured on 2,000 held-out commits
    inside = within = 0
    raw_off = 0.0
    for seed in range(20):
        decisions, truth = predicted(1500, seed)
        shares = estimate_shares(decisions, {"model": Confusion(RATES, support)}, draws=400, seed=seed)
        for s in shares.shares:
            inside += s.low <= truth[s.bucket] <= s.high
            within += abs(s.share - truth[s.bucket]) <= 0.05
            raw_off = max(raw_off, abs(s.observed - truth[s.bucket]))
    assert raw_off > 0.05  # the plain count is biased: the correction has something to do
    assert within == 100  # every bucket within 5 points in every seed
    assert inside >= 88  # a 95% interval: the truth inside nearly always
    assert "over the confusion's own counts" in shares.method


def test_a_confusion_measured_on_few_commits_widens_the_interval():
    decisions, _ = predicted(1000, 1)
    many = estimate_shares(decisions, {"model": Confusion(RATES, {c: 2000 for c in CATEGORIES})})
    few = estimate_shares(decisions, {"model": Confusion(RATES, {c: 20 for c in CATEGORIES})})
    exact = estimate_shares(decisions, {"model": Confusion(RATES)})  # no support: taken as exact
    width = {
        name: sum(s.high - s.low for s in x.shares)
        for name, x in (("many", many), ("few", few), ("exact", exact))
    }
    assert width["exact"] <= width["many"] < width["few"]
    assert "taken as exact" in exact.method


def test_a_perfect_classifier_gives_the_observed_share_with_a_sampling_only_interval():
    decisions = [("fix", "rules")] * 60 + [("feature", "rules")] * 30 + [("debt", "rules")] * 10
    identity = {c: {c: 1.0} for c in CATEGORIES}
    for confusion in (None, Confusion(identity)):
        shares = estimate_shares(decisions, {"rules": confusion})
        fix = shares.get("fix")
        assert fix.share == fix.observed == 0.6
        assert fix.low < 0.6 < fix.high and fix.high - fix.low < 0.25  # sampling: about +-10 points at n=100
        assert (
            shares.get("infra").share == 0.0 and shares.get("infra").high > 0
        )  # none seen is not none possible
    assert "sampling only" in estimate_shares(decisions).method
    assert shares.decided["rules"] == 100 and shares.by_people == 0.0


def test_buckets_people_decided_are_exact_and_counted_apart():
    decisions = [("fix", "label")] * 3 + [("feature", "type")] * 5 + [("debt", "override")] * 2
    shares = estimate_shares(decisions)
    assert [(s.bucket, s.share, s.low, s.high) for s in shares.shares] == [
        ("feature", 0.5, 0.5, 0.5),
        ("fix", 0.3, 0.3, 0.3),
        ("debt", 0.2, 0.2, 0.2),
        ("infra", 0.0, 0.0, 0.0),
        ("other", 0.0, 0.0, 0.0),
    ]
    assert shares.by_people == 1.0 and shares.decided == {
        "label": 3,
        "type": 5,
        "override": 2,
        "model": 0,
        "rules": 0,
    }
    assert format_share(shares.get("feature")) == "50%" and "exact" in shares.method
    mixed = estimate_shares(decisions + [("fix", "rules")] * 10)
    assert mixed.by_people == 0.5 and mixed.get("fix").low >= 0.15  # the 3 labelled fixes are certain
    assert format_share(mixed.get("fix")).startswith("65% (")


def test_an_empty_week_is_unknown_not_zero():
    shares = estimate_shares([])
    assert shares.commits == 0 and shares.by_people is None
    assert all(s.share is None and s.low is None and s.high is None for s in shares.shares)
    assert format_share(shares.get("debt")) == ""


def test_a_confusion_that_cannot_tell_buckets_apart_says_so_and_the_interval_shows_it():
    blind = {c: {"fix": 1.0} for c in CATEGORIES}  # every commit predicted fix, whatever it is
    shares = estimate_shares([("fix", "model")] * 50, {"model": Confusion(blind)})
    assert any("ill-conditioned" in n for n in shares.notes)
    assert sum(s.share for s in shares.shares) == pytest.approx(1.0, abs=1e-3)
    assert all(s.high - s.low > 0.3 for s in shares.shares)  # the data allow almost anything


def test_merged_classes_get_their_own_interval():
    decisions, _ = predicted(800, 3)
    merge = {
        "feature": "adaptive",
        "infra": "adaptive",
        "fix": "corrective",
        "debt": "perfective",
        "other": "perfective",
    }
    five = estimate_shares(decisions, {"model": Confusion(RATES, {c: 300 for c in CATEGORIES})}, seed=3)
    three = estimate_shares(
        decisions, {"model": Confusion(RATES, {c: 300 for c in CATEGORIES})}, merge=merge, seed=3
    )
    assert [s.bucket for s in three.shares] == ["adaptive", "corrective", "perfective"]
    adaptive = three.get("adaptive")
    assert adaptive.share == pytest.approx(five.get("feature").share + five.get("infra").share, abs=2e-4)
    # not the sum of the endpoints: errors between feature and infra cancel inside "adaptive"
    assert adaptive.high - adaptive.low < (five.get("feature").high - five.get("feature").low) + (
        five.get("infra").high - five.get("infra").low
    )


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown decider 'guess'"):
        estimate_shares([("fix", "guess")])
    with pytest.raises(ValueError, match="unknown bucket 'bugs'"):
        estimate_shares([("bugs", "rules")])
    with pytest.raises(ValueError, match="non-negative"):
        estimate_shares([("fix", "model")], {"model": Confusion({"fix": {"fix": -1.0}})})


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(["label", "type", "model", "rules"])),
        st.integers(0, 40),
    )
)
def test_shares_add_up_and_every_interval_holds_its_estimate(counts):
    shares = estimate_shares(counts, {"model": Confusion(RATES, {c: 50 for c in CATEGORIES})}, draws=100)
    if not sum(counts.values()):
        assert all(s.share is None for s in shares.shares)
        return
    assert sum(s.share for s in shares.shares) == pytest.approx(1.0, abs=1e-3)
    assert all(0.0 <= s.low <= s.share <= s.high <= 1.0 for s in shares.shares)


def test_the_heartbeat_shows_each_share_with_its_interval_and_who_decided(demo_w45):
    from tests.cli.test_cli import cpto

    demo = demo_w45.workspace
    week = demo_w45.data["effort"][-1]
    assert sum(week["decided_by"].values()) == sum(week["commits"].values()) > 0
    estimated = week["estimated_shares"]
    assert set(estimated) == set(CATEGORIES) and sum(e["share"] for e in estimated.values()) == pytest.approx(
        1, abs=1e-3
    )
    assert week["shares"]["commits"]["fix"] == pytest.approx(
        estimated["fix"]["observed"], abs=1e-3
    )  # nothing renamed
    wide = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--no-trace", env_columns="160")
    terminal = " ".join(wide.stdout.split())
    assert "share (95%)" in terminal and "decided by: labels 0, authors' types" in terminal
    fix = estimated["fix"]
    assert f"{fix['share']:.0%} ({fix['low'] * 100:.0f}-{fix['high'] * 100:.0f}%)" in terminal
    page = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--no-trace", "--format", "markdown")
    trend = page.stdout.split("## Effort trend (share of commits, 95%)")[1].split("\n## ")[0]
    earlier = demo_w45.data["effort"][0]["estimated_shares"]["fix"]  # each week with its interval
    assert f"{earlier['share']:.0%} ({earlier['low'] * 100:.0f}-{earlier['high'] * 100:.0f}%)" in trend


def test_a_confusion_that_moves_between_groups_of_repositories_widens_the_interval():
    decisions, _ = predicted(1000, 2)
    shifted = {
        t: {p: (r + (0.15 if p == "debt" else 0.0)) for p, r in row.items()} for t, row in RATES.items()
    }
    support = {c: 2000 for c in CATEGORIES}
    steady = estimate_shares(decisions, {"model": Confusion(RATES, support)})
    moving = estimate_shares(decisions, {"model": Confusion(RATES, support, folds=[RATES, shifted])})
    width = {
        name: x.get("debt").high - x.get("debt").low for name, x in (("steady", steady), ("moving", moving))
    }
    assert width["moving"] > 1.5 * width["steady"]  # a fold that over-calls debt: debt may be much lower
    assert moving.get("debt").low < steady.get("debt").low

"""Intervals that cover a classifier's error on a team it never saw (leave-one-project-out), not only
sampling: the share stays as counted, the interval draws the held-out projects' errors."""

from __future__ import annotations

import numpy as np
import pytest

from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.shares import TransferError, estimate_shares, machine_confusions


def team(
    rng: np.random.Generator, bias: np.ndarray, n: int
) -> tuple[dict[str, float], dict[str, float], list]:
    """One team: true shares drawn around a mix, the machine's shares off by ``bias`` plus its own
    project-specific error; returns (predicted, true, the week's decisions)."""
    true = rng.dirichlet(np.array([30, 40, 15, 10, 5], dtype=float))
    off = np.clip(true + bias + rng.normal(0, 0.04, size=len(true)), 0.001, None)
    predicted = off / off.sum()
    picks = rng.choice(len(CATEGORIES), size=n, p=predicted)
    decisions = [(CATEGORIES[i], "model") for i in picks]
    counted = np.bincount(picks, minlength=len(CATEGORIES)) / n
    return (
        dict(zip(CATEGORIES, counted.tolist(), strict=True)),
        dict(zip(CATEGORIES, true.tolist(), strict=True)),
        decisions,
    )


BIAS = np.array([0.02, -0.08, 0.07, -0.01, 0.0])  # calls fixes debt, as the shipped model does


def teams(count: int, seed: int) -> list[tuple[dict[str, float], dict[str, float], list]]:
    rng = np.random.default_rng(seed)
    return [team(rng, BIAS, 400) for _ in range(count)]


def test_the_held_out_projects_cover_their_own_truth_when_left_out_in_turn():
    projects = teams(21, seed=1)
    inside = total = 0
    widths = []
    for j, (_, truth, decisions) in enumerate(projects):
        others = [p for i, p in enumerate(projects) if i != j]
        transfer = TransferError([p for p, _, _ in others], [t for _, t, _ in others])
        shares = estimate_shares(decisions, {"model": transfer}, draws=400, seed=j)
        for s in shares.shares:
            inside += s.low <= truth[s.bucket] <= s.high
            widths.append(s.high - s.low)
            total += 1
    assert inside / total >= 0.85  # a 95% interval over new teams: the truth inside nearly always
    assert np.mean(widths) < 0.35  # and not 0-100%: it helps someone


def test_sampling_alone_misses_a_machine_bias_the_transfer_error_covers():
    projects = teams(21, seed=2)
    _, _, decisions = projects[0]
    transfer = TransferError([p for p, _, _ in projects[1:]], [t for _, t, _ in projects[1:]])
    alone = estimate_shares(decisions, {"model": None}, seed=0)
    wider = estimate_shares(decisions, {"model": transfer}, seed=0)
    fix_alone, fix = alone.get("fix"), wider.get("fix")
    assert fix.share == fix.observed == fix_alone.share  # the point is the count, uncorrected
    assert fix.high - fix.low > 1.5 * (fix_alone.high - fix_alone.low)
    assert fix.high > fix_alone.high  # the machine under-calls fixes: the interval reaches up
    assert "projects it never saw" in wider.method and "sampling only" in alone.method


def test_people_decided_commits_narrow_the_interval_by_their_share():
    projects = teams(21, seed=3)
    _, _, decisions = projects[0]
    transfer = TransferError([p for p, _, _ in projects[1:]], [t for _, t, _ in projects[1:]])
    machine = estimate_shares(decisions, {"model": transfer}, seed=0)
    half = estimate_shares(decisions + [("fix", "type")] * len(decisions), {"model": transfer}, seed=0)
    assert half.by_people == 0.5
    width = {name: x.get("fix").high - x.get("fix").low for name, x in (("machine", machine), ("half", half))}
    assert width["half"] == pytest.approx(width["machine"] / 2, rel=0.2)


def test_a_broken_transfer_error_is_refused():
    with pytest.raises(ValueError, match="1 predicted rows but 2 true rows"):
        estimate_shares(
            [("fix", "model")], {"model": TransferError([{"fix": 1.0}], [{"fix": 1.0}, {"fix": 1.0}])}
        )
    with pytest.raises(ValueError, match="not in \\[0, 1\\]"):
        estimate_shares([("fix", "model")], {"model": TransferError([{"fix": 1.5}], [{"fix": 1.0}])})


def test_the_shipped_model_brings_its_held_out_projects_errors():
    model = machine_confusions()["model"]
    assert isinstance(model, TransferError) and model.projects >= 20
    for predicted, true in zip(model.predicted, model.true, strict=True):
        assert sum(predicted.values()) == pytest.approx(1, abs=1e-3) and sum(true.values()) == pytest.approx(
            1, abs=1e-3
        )
    errors = [abs(p["fix"] - t["fix"]) for p, t in zip(model.predicted, model.true, strict=True)]
    assert max(errors) > 0.02  # a real model misses somewhere: the interval has something to add
    assert machine_confusions("message")["model"] != model  # messages alone miss differently


def test_the_heartbeat_caption_says_what_the_interval_covers(demo_w45):
    from tests.cli.test_cli import cpto

    demo = demo_w45.workspace
    week = demo_w45.data["effort"][-1]
    if week["decided_by"]["model"]:
        assert "projects it never saw" in week["shares_method"]
    wide = cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--no-trace", env_columns="200")
    assert week["shares_method"].split(":")[0] in " ".join(wide.stdout.split())

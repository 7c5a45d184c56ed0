"""The model checked against a team's own word: how often it agrees with the buckets people gave.

The share interval carries the model's error on 29 open-source projects it never saw; how it does on
*this* team is a different number, and the team already holds the evidence. Every commit whose bucket
people decided (an override, a pull request's label, a type its author wrote) is also run through the
model with the type removed, as training reads its examples (``Allocation.checked``, a fixed sample of
at most ``CHECKED_PER_WINDOW`` a week). How often the model's guess matches is its accuracy on the
team's own commits, with a 95% interval for how many were checked.

The caveat a reader needs: commits people typed are not a random sample of the team's commits (bots'
dependency bumps are typed; a hurried fix may not be), so this is the model on the typed kind of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from cpto.heartbeat.allocation import Allocation
from cpto.heartbeat.classify import CATEGORIES

DRAWS = 200_000  # the bounds within about 0.1 point of the exact quantiles
LEVEL = 0.95


@dataclass(frozen=True)
class ModelCheck:
    """The model's guesses on people-bucketed commits beside the people's buckets."""

    checked: int  # people-bucketed commits the model was run on
    agreed: int  # of those, the model's guess was the people's bucket
    low: float | None  # 95% interval of the agreement rate (Jeffreys); None when nothing was checked
    high: float | None
    # people's bucket -> the model's guess -> commits
    by_bucket: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """The share of checked commits where the model agreed with people; None: nothing to check."""
        return self.agreed / self.checked if self.checked else None


def model_check(allocations: Iterable[Allocation]) -> ModelCheck:
    """The model's agreement with people over the windows of ``allocations`` (e.g. a heartbeat's weeks)."""
    merged: dict[str, dict[str, int]] = {}
    for allocation in allocations:
        for truth, guesses in allocation.checked.items():
            row = merged.setdefault(truth, dict.fromkeys(CATEGORIES, 0))
            for guess, n in guesses.items():
                row[guess] += n
    checked = sum(sum(row.values()) for row in merged.values())
    agreed = sum(row.get(truth, 0) for truth, row in merged.items())
    low, high = interval(agreed, checked)
    return ModelCheck(checked, agreed, low, high, merged)


def interval(agreed: int, checked: int) -> tuple[float | None, float | None]:
    """The 95% Jeffreys interval of ``agreed``/``checked`` (the Beta(k+1/2, n-k+1/2) posterior's central
    95%, with the usual ends: 0 when none agreed, 1 when all did, so the rate is always inside), drawn
    with NumPy at a fixed seed so the same figures always read the same; None for n = 0."""
    if checked <= 0:
        return None, None
    draws = np.random.default_rng(0).beta(agreed + 0.5, checked - agreed + 0.5, size=DRAWS)
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    low = 0.0 if agreed == 0 else float(low)
    high = 1.0 if agreed == checked else float(high)
    return round(low, 3), round(high, 3)


def describe(check: ModelCheck, period: str) -> str:
    """One sentence for a caption: what the check found over ``period`` (``2026-W29 to 2026-W33``), or
    why there is none and what would give one."""
    if not check.checked:
        return (
            f"the model could not be checked against your team: no commit of {period} was bucketed by people"
            " (label pull requests, type commits, or cpto classify set)"
        )
    assert check.rate is not None and check.low is not None and check.high is not None
    reference = held_out_accuracy()
    measured = f"; {reference:.0%} on its training projects, each left out" if reference is not None else ""
    return (
        f"checked on {check.checked} commits of {period} whose bucket people gave (type removed; typed"
        f" work, not a random sample), the model agrees on {check.agreed}: {check.rate:.0%}"
        f" ({check.low * 100:.0f}-{check.high * 100:.0f}%{measured})"
    )


def held_out_accuracy() -> float | None:
    """The model's accuracy in the five buckets on its training projects, each left out in turn, read
    with paths and sizes as the heartbeat reads commits (the model file's provenance): the yardstick a
    team's own agreement is read against. None when the file does not say."""
    from cpto.heartbeat.model import load_model

    found = load_model().provenance.get("leave_one_project_out", {}).get("paths", {}).get("accuracy")
    return float(found) if found is not None else None

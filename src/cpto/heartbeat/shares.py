"""Each bucket's share of a week's commits, with an interval that says how far to trust it.

The allocation is an aggregate, and an aggregate of a classifier's guesses is biased the way the
classifier is: a model that calls a tenth of the fixes "debt" inflates debt by the same amount every
week. So the share is estimated, not counted:

- commits whose bucket **people** decided (a pull request's label, a conventional-commit type, an
  override in git) are counted as they are: the team said what the work was for;
- commits a **machine** decided (the model, the rules) are corrected for the machine's measured
  confusion by *adjusted classify-and-count* (Forman 2008): observed predicted shares q = M^T p, where
  M[t][p] = P(predicted p | true t), so the true shares p solve M^T p = q; the solution is clipped to
  the simplex and renormalised. A singular or ill-conditioned M (condition number over ``MAX_COND``)
  cannot be inverted safely, so p is then the maximum-likelihood mixture found by EM (Saerens et al.
  2002), which never leaves the simplex;
- the interval is the 2.5th-97.5th percentile over ``DRAWS`` resamples: each machine-decided group's
  predicted counts are redrawn as a Bayesian bootstrap over its commits (Dirichlet on the counts plus a
  Jeffreys 1/2, so a bucket with no commits still gets an upper bound), and, when the confusion says
  how many held-out commits it was measured on (``Confusion.support``), each row of M is redrawn from a
  Dirichlet on its counts, so a confusion measured on few commits widens the interval. A confusion
  without support is taken as exact; no confusion at all (the rules today) means the interval
  accounts for sampling only, and ``Shares.method`` says so.

The people-decided part is taken as given (no interval of its own): the figure estimates this week's
commits, and people's buckets are the ground truth the machine's are measured against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cpto.heartbeat.allocation import Allocation
from cpto.heartbeat.classify import CATEGORIES

PEOPLE = ("label", "type", "override")  # deciders whose bucket is a person's word
MACHINES = ("model", "rules")  # deciders whose bucket is a guess with a measurable confusion
DECIDERS = PEOPLE + MACHINES
MAX_COND = 1e4  # above this the inverse amplifies noise more than it removes bias: use EM instead
DRAWS = 1000
LEVEL = 0.95


@dataclass(frozen=True)
class Confusion:
    """P(predicted bucket | true bucket), measured away from the data it is used on.

    ``rates[true][predicted]``; rows are renormalised. ``support[true]``: how many held-out commits of
    that true bucket the row was measured on (None: the rates are taken as exact). ``source`` says
    where it was measured, for the report."""

    rates: Mapping[str, Mapping[str, float]]
    support: Mapping[str, int] | None = None
    source: str = ""
    # The same confusion measured on separate groups of repositories (the folds of a cross-validation
    # grouped by repository): each draw takes one at random, so how much the confusion moves from one
    # set of projects to another (the shift to *your* repository) widens the interval.
    folds: Sequence[Mapping[str, Mapping[str, float]]] = ()


@dataclass(frozen=True)
class Share:
    """One bucket's estimated share of the commits, with its interval (fractions of 1; None: unknown)."""

    bucket: str
    share: float | None
    low: float | None
    high: float | None
    observed: float | None  # the plain count's share, before any correction


@dataclass(frozen=True)
class Shares:
    shares: list[Share]
    commits: int
    decided: dict[str, int]  # decider -> commits it decided
    by_people: float | None  # share of commits whose bucket people decided (label, type, override)
    method: str  # how the interval was made, in one sentence for a caption
    notes: list[str] = field(default_factory=list)

    def get(self, bucket: str) -> Share:
        return next(s for s in self.shares if s.bucket == bucket)


def estimate_shares(
    decisions: Iterable[tuple[str, str]] | Mapping[tuple[str, str], int],
    confusions: Mapping[str, Confusion | None] | None = None,
    *,
    buckets: Sequence[str] = CATEGORIES,
    merge: Mapping[str, str] | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Shares:
    """Estimate each bucket's share from per-commit ``(bucket, decided_by)`` (or those pairs -> commits).

    ``confusions``: decider ("model", "rules") -> its confusion over ``buckets``; a machine decider with
    none is corrected by nothing (sampling-only interval). ``merge``: bucket -> reported class (e.g. the
    maintenance classes a benchmark scores against), applied to every draw before the percentiles so the
    merged interval is a real one, not a sum of endpoints. A fixed ``seed``: the same week reads the same."""
    index = {b: i for i, b in enumerate(buckets)}
    k = len(buckets)
    people = np.zeros(k)
    machine: dict[str, np.ndarray] = {}
    decided: Counter[str] = Counter()
    pairs = decisions.items() if isinstance(decisions, Mapping) else ((d, 1) for d in decisions)
    for (bucket, by), times in pairs:
        if bucket not in index:
            raise ValueError(f"unknown bucket {bucket!r} (expected one of {', '.join(buckets)})")
        if by not in DECIDERS:
            raise ValueError(f"unknown decider {by!r} (expected one of {', '.join(DECIDERS)})")
        if times <= 0:
            continue
        decided[by] += times
        if by in PEOPLE:
            people[index[bucket]] += times
        else:
            machine.setdefault(by, np.zeros(k))[index[bucket]] += times
    n = int(sum(decided.values()))
    labels = list(dict.fromkeys((merge or {}).get(b, b) for b in buckets)) if merge else list(buckets)
    group = np.zeros((k, len(labels)))
    for b, i in index.items():
        group[i, labels.index((merge or {}).get(b, b))] = 1.0
    counts = {d: decided.get(d, 0) for d in DECIDERS}
    if n == 0:
        return Shares(
            [Share(b, None, None, None, None) for b in labels],
            0,
            counts,
            None,
            "no commits: every share is unknown",
        )
    rng = np.random.default_rng(seed)
    point = people.copy()
    sampled = np.tile(people, (draws, 1))
    notes: list[str] = []
    exact_confusion = False
    corrected = False
    for by, observed in sorted(machine.items()):
        m = observed.sum()
        confusion = (confusions or {}).get(by)
        matrix, support, row_notes = _matrix(confusion, buckets)
        notes += [f"{by}: {x}" for x in row_notes]
        corrected = corrected or confusion is not None
        exact_confusion = exact_confusion or (confusion is not None and support is None)
        estimate, how = adjust(observed / m, matrix)
        if how:
            notes.append(f"{by}: {how}")
        point += m * estimate
        q = rng.dirichlet(observed + 0.5, size=draws)
        folds = [_matrix(Confusion(f), buckets)[0] for f in confusion.folds] if confusion else []
        centre = (
            np.stack(folds)[rng.integers(len(folds), size=draws)]
            if folds
            else np.broadcast_to(matrix, (draws, k, k))
        )
        if support is None:
            matrices = centre
        else:
            share = support / max(len(folds), 1)  # each fold holds its part of the held-out commits
            matrices = np.stack(
                [_dirichlet_rows(rng, centre[:, t, :] * share[t] + 0.5) for t in range(k)], axis=1
            )
        sampled += m * _adjust_many(q, matrices, rng)
    shares_point = (point / n) @ group
    shares_drawn = (sampled / n) @ group
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(shares_drawn, [tail, 100 - tail], axis=0)
    observed_all = (people + sum(machine.values(), np.zeros(k))) / n @ group
    exact = not machine
    shares = [
        Share(
            label,
            _r(shares_point[j]),
            _r(shares_point[j] if exact else min(low[j], shares_point[j])),
            _r(shares_point[j] if exact else max(high[j], shares_point[j])),
            _r(observed_all[j]),
        )
        for j, label in enumerate(labels)
    ]
    return Shares(shares, n, counts, _r(people.sum() / n), _method(exact, corrected, exact_confusion), notes)


def _dirichlet_rows(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """One Dirichlet draw per row of ``alpha`` (draws, k): normalised gammas, as numpy takes one alpha."""
    g = rng.standard_gamma(alpha)
    out: np.ndarray = g / np.maximum(g.sum(axis=1, keepdims=True), 1e-300)
    return out


def adjust(observed: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, str]:
    """Adjusted classify-and-count for one vector of predicted shares; returns the corrected shares and
    a note when the matrix could not be inverted (EM was used instead)."""
    out = _adjust_many(observed[None, :], matrix[None, :, :])[0]
    with np.errstate(all="ignore"):
        cond = float(np.linalg.cond(matrix))
    note = "" if cond <= MAX_COND else f"confusion ill-conditioned (condition {cond:.3g}): EM estimate used"
    return out, note


def _adjust_many(q: np.ndarray, matrices: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
    """Row-wise ACC: solve M^T p = q, clip to the simplex, renormalise; EM where M is near-singular.

    With ``rng`` each EM starts from a random point of the simplex: where the data pin the shares down
    every start ends at the same place, and where they do not (a confusion that cannot tell two buckets
    apart) the draws spread over everything the data allow, so the interval shows it."""
    with np.errstate(all="ignore"):
        cond = np.linalg.cond(matrices)
    ok = np.isfinite(cond) & (cond <= MAX_COND)
    out = np.empty_like(q)
    if ok.any():
        solved = np.linalg.solve(np.swapaxes(matrices[ok], 1, 2), q[ok][..., None])[..., 0]
        out[ok] = np.clip(solved, 0.0, None)
    if (~ok).any():
        bad = q[~ok]
        start = rng.dirichlet(np.ones(q.shape[1]), size=len(bad)) if rng is not None else None
        out[~ok] = _em(bad, matrices[~ok], start)
    total = out.sum(axis=1, keepdims=True)
    empty = total[:, 0] <= 0
    out[~empty] /= total[~empty]
    out[empty] = q[empty]  # nothing left after clipping: the uncorrected shares are the best there is
    return out


def _em(q: np.ndarray, matrices: np.ndarray, start: np.ndarray | None = None, steps: int = 500) -> np.ndarray:
    """Maximum-likelihood true shares p given predicted shares q and P(pred | true): EM on the mixture,
    from ``start`` (default: even shares)."""
    p: np.ndarray = np.full(q.shape, 1.0 / q.shape[1]) if start is None else start
    for _ in range(steps):
        joint = p[:, :, None] * matrices  # (draw, true, predicted)
        mass = joint.sum(axis=1, keepdims=True)
        resp = np.divide(joint, mass, out=np.zeros_like(joint), where=mass > 0)
        new: np.ndarray = (resp * q[:, None, :]).sum(axis=2)
        new /= np.maximum(new.sum(axis=1, keepdims=True), 1e-12)
        if np.abs(new - p).max() < 1e-9:
            return new
        p = new
    return p


def _matrix(
    confusion: Confusion | None, buckets: Sequence[str]
) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    """The confusion as a row-stochastic matrix over ``buckets``; a row with no mass is the identity
    (nothing measured: no correction for that bucket), said in the notes."""
    k = len(buckets)
    if confusion is None:
        return np.eye(k), None, []
    matrix = np.zeros((k, k))
    notes = []
    for t, true in enumerate(buckets):
        row = confusion.rates.get(true, {})
        for p, pred in enumerate(buckets):
            value = float(row.get(pred, 0.0))
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"confusion[{true!r}][{pred!r}] = {value!r}: rates are non-negative")
            matrix[t, p] = value
        if matrix[t].sum() <= 0:
            matrix[t, t] = 1.0
            notes.append(f"no confusion measured for true {true}: taken as always right")
        matrix[t] /= matrix[t].sum()
    support = None
    if confusion.support is not None:
        support = np.array([max(int(confusion.support.get(b, 0)), 0) for b in buckets], dtype=float)
    return matrix, support, notes


def _method(exact: bool, corrected: bool, exact_confusion: bool) -> str:
    if exact:
        return "every bucket decided by people: shares are exact"
    if not corrected:
        return "interval from a bootstrap over commits: it accounts for sampling only (no measured confusion)"
    if exact_confusion:
        return "corrected for the classifier's measured confusion (taken as exact); interval from a bootstrap over commits"
    return (
        "corrected for the classifier's measured confusion; interval from a bootstrap over commits"
        " and over the confusion's own counts"
    )


def _r(x: Any) -> float:
    return round(float(x), 4)


def machine_confusions(require_folds: bool = True) -> dict[str, Confusion | None]:
    """The confusions the heartbeat corrects with. None for the rules (measured on nothing like your
    repository: sampling-only interval). The shipped model's cross-validated one
    (``cpto.heartbeat.model.model_confusion``) only with its per-fold confusions (``require_folds``):
    on levin1151 (benchmarks/shares.py) correcting with the pooled confusion alone moved two of three
    classes further from the truth with a narrow interval, because the mistakes a classifier makes move
    from one set of projects to another; the folds' spread is what carries that into the interval.
    No model installed or readable: no model-decided commits to correct."""
    import importlib

    from cpto.errors import CptoError

    found: dict[str, Confusion | None] = {"rules": None, "model": None}
    try:
        model = importlib.import_module("cpto.heartbeat.model")
        rates = model.model_confusion()
    except (ImportError, CptoError):
        return found
    folds = getattr(model, "model_confusion_folds", None)  # per fold, if the model exposes them
    if require_folds and not callable(folds):
        return found
    # held-out commits per true bucket: every training commit is held out once in cross-validation
    labels = model.load_model().provenance.get("labels")
    support = {str(b): int(n) for b, n in labels.items()} if isinstance(labels, dict) else None
    found["model"] = Confusion(
        rates,
        support,
        "cross-validation on the model's training commits" + (", per fold" if callable(folds) else ""),
        folds() if callable(folds) else (),
    )
    return found


def allocation_shares(effort: Allocation, confusions: Mapping[str, Confusion | None] | None = None) -> Shares:
    """The shares of an allocation, from its ``decided`` (decider -> bucket -> commits).
    ``confusions``: default :func:`machine_confusions` (the model's with its folds; none for the rules)."""
    pairs = {(bucket, by): n for by, buckets in effort.decided.items() for bucket, n in buckets.items()}
    return estimate_shares(pairs, machine_confusions() if confusions is None else confusions)


def format_share(share: Share) -> str:
    """``18% (14-22%)``; an exact share has no interval; unknown is empty."""
    if share.share is None:
        return ""
    point = f"{share.share:.0%}"
    if share.low is None or share.high is None or share.low == share.high == share.share:
        return point
    return f"{point} ({share.low * 100:.0f}-{share.high * 100:.0f}%)"

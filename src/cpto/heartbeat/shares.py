"""Each bucket's share of a week's commits, with an interval that says how far to trust it.

The allocation is an aggregate, and an aggregate of a classifier's guesses is biased the way the
classifier is: a model that calls a tenth of the fixes "debt" inflates debt by the same amount every
week, and by a different amount for the next team. So:

- commits whose bucket **people** decided (a pull request's label, a conventional-commit type, an
  override in git) are counted as they are: the team said what the work was for;
- commits the shipped **model** decided are counted as the model called them, and the interval carries
  the model's measured error on teams it never saw (:class:`TransferError`): in training each project
  was left out in turn and its predicted shares compared with its authors' types; each bootstrap draw
  subtracts one such project's error (predicted - true). The point is not corrected: on levin1151 the
  pooled confusion moved two of three classes further from the truth, and on held-out training
  projects subtracting the other projects' mean error left the mean error where it was
  (``benchmarks/shares.py --calibration``);
- commits a machine decided with a measured confusion (:class:`Confusion`: benchmarks, the rules on
  the training mirrors) are corrected by *adjusted classify-and-count* (Forman 2008): observed predicted
  shares q = M^T p, where M[t][p] = P(predicted p | true t), so the true shares p solve M^T p = q; the
  solution is clipped to the simplex and renormalised. A singular or ill-conditioned M (condition
  number over ``MAX_COND``) cannot be inverted safely, so p is then the maximum-likelihood mixture
  found by EM (Saerens et al. 2002), which never leaves the simplex;
- the interval is the 2.5th-97.5th percentile over ``DRAWS`` resamples: each machine-decided group's
  predicted counts are redrawn as a Bayesian bootstrap over its commits (Dirichlet on the counts plus a
  Jeffreys 1/2, so a bucket with no commits still gets an upper bound), then shifted by a held-out
  project's error (TransferError) or, with a Confusion, corrected through a matrix redrawn from its own
  counts (``Confusion.support``) and folds. Nothing measured (the rules in the heartbeat) means the
  interval accounts for sampling only, and ``Shares.method`` says so.

The people-decided part is taken as given (no interval of its own): the figure estimates this week's
commits, and people's buckets are the ground truth the machine's are measured against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from cpto.heartbeat.allocation import Allocation
from cpto.heartbeat.classify import CATEGORIES, DECIDERS, PEOPLE

if TYPE_CHECKING:
    from cpto.heartbeat.model import Transfer

# The maintenance classes public labelled commit sets use (Swanson's), as ../shared's scorer maps the
# buckets: what benchmarks and training score shares and accuracy against (``merge=`` below).
MAINTENANCE = {
    "feature": "adaptive",
    "infra": "adaptive",
    "fix": "corrective",
    "debt": "perfective",
    "other": "perfective",
}
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
class TransferError:
    """How far a machine's shares missed on projects it never saw: per held-out project, the share of its
    commits the machine put in each bucket (``predicted``) and the share their authors put there
    (``true``), measured by leave-one-project-out in training (``cpto.heartbeat.model.Transfer``).

    A classifier's mistakes are not noise that averages out over a week: they are a bias that moves
    from one team to the next (on levin1151 correcting with the pooled confusion moved two of three
    classes further from the truth). So the share is not corrected; instead each bootstrap draw
    subtracts one held-out project's error (predicted - true), chosen at random, and the interval
    covers how wrong the machine was on a new team as well as which commits the week happened to hold."""

    predicted: Sequence[Mapping[str, float]]
    true: Sequence[Mapping[str, float]]
    source: str = ""

    @property
    def projects(self) -> int:
        return len(self.predicted)


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
    confusions: Mapping[str, Confusion | TransferError | None] | None = None,
    *,
    buckets: Sequence[str] = CATEGORIES,
    merge: Mapping[str, str] | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Shares:
    """Estimate each bucket's share from per-commit ``(bucket, decided_by)`` (or those pairs -> commits).

    ``confusions``: decider ("model", "rules") -> its confusion over ``buckets`` (the share is corrected
    by adjusted classify-and-count) or its :class:`TransferError` (not corrected; the interval adds the
    held-out projects' errors); a machine decider with none is corrected by nothing (sampling-only
    interval). ``merge``: bucket -> reported class (e.g. the
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
    transfer = 0  # held-out projects whose errors widen the interval (0: none used)
    for by, observed in sorted(machine.items()):
        m = observed.sum()
        confusion = (confusions or {}).get(by)
        if isinstance(confusion, TransferError):
            point += observed
            errors = _errors(confusion, buckets)
            transfer = max(transfer, len(errors))
            q = rng.dirichlet(observed + 0.5, size=draws)
            if len(errors):
                q = q - errors[rng.integers(len(errors), size=draws)]
            sampled += m * _simplex(q)
            continue
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
    return Shares(
        shares, n, counts, _r(people.sum() / n), _method(exact, corrected, exact_confusion, transfer), notes
    )


def _errors(transfer: TransferError, buckets: Sequence[str]) -> np.ndarray:
    """(projects, buckets): each held-out project's predicted minus true share; bad rows are refused."""
    if len(transfer.predicted) != len(transfer.true):
        raise ValueError(
            f"transfer error: {len(transfer.predicted)} predicted rows but {len(transfer.true)} true rows"
        )
    out = np.zeros((len(transfer.predicted), len(buckets)))
    for i, (predicted, true) in enumerate(zip(transfer.predicted, transfer.true, strict=True)):
        for j, bucket in enumerate(buckets):
            p, t = float(predicted.get(bucket, 0.0)), float(true.get(bucket, 0.0))
            if not (0.0 <= p <= 1.0 and 0.0 <= t <= 1.0):
                raise ValueError(
                    f"transfer error, project {i}, {bucket!r}: shares {p!r}, {t!r} not in [0, 1]"
                )
            out[i, j] = p - t
    return out


def _simplex(q: np.ndarray) -> np.ndarray:
    """Rows clipped at 0 and renormalised to sum to 1 (a row with nothing left: even shares)."""
    out = np.clip(q, 0.0, None)
    total = out.sum(axis=1, keepdims=True)
    result: np.ndarray = np.divide(out, total, out=np.full_like(out, 1.0 / out.shape[1]), where=total > 0)
    return result


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


def _method(exact: bool, corrected: bool, exact_confusion: bool, transfer: int = 0) -> str:
    if exact:
        return "every bucket decided by people: shares are exact"
    if transfer:
        return (
            "model's share as counted; interval from a bootstrap over commits plus the model's share errors"
            f" on {transfer} projects it never saw (leave-one-project-out): it covers sampling and a"
            " new team's error, not yet your team's own"
        )
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


def machine_confusions(kind: str = "paths") -> dict[str, Confusion | TransferError | None]:
    """What the heartbeat's interval uses per machine decider. The rules: nothing (measured on nothing
    like your repository: sampling-only interval). The shipped model: its held-out projects' shares
    (:func:`cpto.heartbeat.model.model_transfer`; ``kind`` "paths" for commits read with their changed
    paths as the heartbeat reads them, "message" for messages alone), so the interval covers the
    model's error on a team it never saw. Not the pooled confusion: on levin1151 (benchmarks/shares.py)
    correcting with it moved two of three classes further from the truth inside a narrow interval.
    No model installed or readable, or a model file without held-out shares: sampling only."""
    import importlib

    from cpto.errors import CptoError

    found: dict[str, Confusion | TransferError | None] = {"rules": None, "model": None}
    try:
        model = importlib.import_module("cpto.heartbeat.model")
        transfer = model.model_transfer(kind)
    except (ImportError, CptoError):
        return found
    if transfer is None:
        return found
    found["model"] = transfer_error(
        transfer,
        model.load_model().classes,
        f"the model's shares on {len(transfer.projects)} training projects it never saw"
        f" (leave-one-project-out, {kind})",
    )
    return found


def transfer_error(
    transfer: Transfer, classes: Sequence[str], source: str = "", rows: Sequence[int] | None = None
) -> TransferError:
    """The model file's held-out shares (arrays, one row per project) as a :class:`TransferError`
    (bucket -> share per project); ``rows``: only those projects (a calibration leaves one out)."""
    picked = range(len(transfer.predicted)) if rows is None else rows
    return TransferError(
        [dict(zip(classes, map(float, transfer.predicted[i]), strict=True)) for i in picked],
        [dict(zip(classes, map(float, transfer.true[i]), strict=True)) for i in picked],
        source,
    )


def allocation_shares(
    effort: Allocation, confusions: Mapping[str, Confusion | TransferError | None] | None = None
) -> Shares:
    """The shares of an allocation, from its ``decided`` (decider -> bucket -> commits).
    ``confusions``: default :func:`machine_confusions` (the model's held-out projects' errors, commits
    read with their paths; none for the rules)."""
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

"""Benchmark: are the allocation's shares and intervals right? On ../shared labelled data (levin1151).

    python benchmarks/shares.py                          # ../shared/data/commits/levin1151
    python benchmarks/shares.py --dataset DIR --json
    python benchmarks/shares.py --calibration           # the intervals on held-out training projects

Classifies DIR/input.jsonl with the shipped classifier (``cpto.heartbeat.classify.classify``: an
author's type, else the model with the rules' vote), estimates each bucket's share with
``cpto.heartbeat.shares.estimate_shares``, merges the buckets into the scorer's maintenance classes
(feature, infra: adaptive; fix: corrective; debt, other: perfective; ../shared/data/commits/README.md),
and prints the true share (from DIR/commits.jsonl) beside each estimate, whether it is within 5 points
and whether it is inside the interval. Target: every class within 5 points and inside.

Nothing used to correct or widen comes from the evaluation set. These are run:
- ``none``: no correction, the interval accounts for sampling only;
- ``model``: the shipped model's decisions, the share as counted, the interval from a bootstrap plus
  the model's share errors on the training projects it never saw (leave-one-project-out in training,
  in the input's shape: ``machine_confusions("sized")`` for messages with their sizes, as levin1151
  gives them), what the heartbeat does;
- ``model, pooled confusion``: the same decisions corrected with the model's pooled confusion (adjusted
  classify-and-count), to show what that does.
Nothing here reads the labels except to print the true share.

Calibration (``--calibration``, no evaluation data needed): each training project in turn is left out
of the transfer errors and its own held-out share interval is built from the other projects' errors; it
prints how often each bucket's truth falls inside and how wide the intervals are.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from cpto.heartbeat.classify import CATEGORIES, classify
from cpto.heartbeat.shares import (
    MAINTENANCE,
    Confusion,
    Shares,
    estimate_shares,
    format_share,
    machine_confusions,
    transfer_error,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"


def row(shares: Shares, truth: dict[str, float]) -> list[dict[str, object]]:
    rows = []
    for s in shares.shares:
        assert s.share is not None and s.low is not None and s.high is not None
        true = truth.get(s.bucket, 0.0)
        rows.append(
            {
                "class": s.bucket,
                "true": round(true, 4),
                "estimate": s.share,
                "low": s.low,
                "high": s.high,
                "observed": s.observed,
                "within_5_points": abs(s.share - true) <= 0.05,
                "inside": s.low <= true <= s.high,
            }
        )
    return rows


def _grouping(names: list[str], merge: dict[str, str]) -> np.ndarray:
    """The (buckets, classes) 0/1 matrix that sums buckets into the merged classes, in first-seen order."""
    classes = list(dict.fromkeys(merge[b] for b in names))
    out = np.zeros((len(names), len(classes)))
    for i, b in enumerate(names):
        out[i, classes.index(merge[b])] = 1.0
    return out


def calibration() -> None:
    """Leave each training project out of the transfer errors in turn, build its interval from the
    others' errors (a week of its held-out commits, all decided by the model) and check its truth."""
    from cpto.heartbeat.model import model_transfer

    for kind, merge in (
        ("message", None),
        ("message", MAINTENANCE),
        ("sized", MAINTENANCE),
        ("paths", None),
    ):
        transfer = model_transfer(kind)
        if transfer is None:
            raise SystemExit("the shipped model has no held-out project shares (retrain it)")
        names = list(CATEGORIES)
        classes = list(dict.fromkeys(merge[b] for b in names)) if merge else names
        to = np.eye(len(names)) if merge is None else _grouping(names, merge)
        inside: Counter[str] = Counter()
        widths: dict[str, list[float]] = {}
        for j in range(len(transfer.projects)):
            others = [i for i in range(len(transfer.projects)) if i != j]
            error = transfer_error(transfer, names, rows=others)
            n = int(transfer.counts[j])
            counts = {(b, "model"): round(float(transfer.predicted[j][k]) * n) for k, b in enumerate(names)}
            shares = estimate_shares(counts, {"model": error}, merge=merge, seed=j)
            true = dict(zip(classes, (transfer.true[j] @ to).tolist(), strict=True))
            for s in shares.shares:
                assert s.low is not None and s.high is not None
                inside[s.bucket] += s.low <= true[s.bucket] <= s.high
                widths.setdefault(s.bucket, []).append(s.high - s.low)
        # would a correction help? subtract the other projects' mean error (the simplest bias correction)
        error = (transfer.predicted - transfer.true) @ to
        loo_mean = (error.sum(axis=0) - error) / (len(error) - 1)
        corrected = np.abs(error - loo_mean).mean(axis=0)
        plain = np.abs(error).mean(axis=0)
        label = f"{kind}{', maintenance classes' if merge else ''}"
        print(f"\n[{label}] {len(transfer.projects)} held-out training projects, each left out in turn")
        print(
            f"  {'class':<11} {'covered':>8}  {'mean width':>10}  {'widest':>7}  {'mean |error|':>12}"
            f"  {'bias-corrected':>14}"
        )
        for j, (bucket, w) in enumerate(widths.items()):
            print(
                f"  {bucket:<11} {inside[bucket]:>4}/{len(w):<3}  {sum(w) / len(w):>10.1%}  {max(w):>7.1%}"
                f"  {plain[j]:>12.1%}  {corrected[j]:>14.1%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=SHARED / "data" / "commits" / "levin1151")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--calibration", action="store_true", help="held-out training projects' coverage of their own truth"
    )
    args = parser.parse_args()
    if args.calibration:
        calibration()
        return
    if not (args.dataset / "input.jsonl").is_file():
        raise SystemExit(f"{args.dataset}: no input.jsonl (is ../shared beside the project?)")
    rows = [json.loads(x) for x in (args.dataset / "input.jsonl").read_text().splitlines() if x.strip()]
    labels = [
        json.loads(x)["label"] for x in (args.dataset / "commits.jsonl").read_text().splitlines() if x.strip()
    ]
    truth = {c: n / len(labels) for c, n in Counter(labels).items()}
    decisions = []
    for r in rows:
        got = classify(r["message"], r.get("paths") or [], r.get("added"), r.get("deleted"))
        decisions.append((got.category, got.decided_by))
    # the held-out projects' errors for the input's shape (levin1151: messages with their sizes)
    shape = "paths" if any(r.get("paths") for r in rows) else "message"
    if shape == "message" and all(r.get("added") is not None and r.get("deleted") is not None for r in rows):
        shape = "sized"
    runs: dict[str, tuple[str, Shares]] = {}
    runs["none"] = ("no confusion: sampling only", estimate_shares(decisions, merge=MAINTENANCE))
    transfer = machine_confusions(shape).get("model") or machine_confusions("message").get("model")
    if transfer is not None:
        from cpto.heartbeat.model import model_confusion

        # what the heartbeat counts: the shipped classify's decisions
        runs["model"] = (transfer.source, estimate_shares(decisions, {"model": transfer}, merge=MAINTENANCE))
        pooled = Confusion(model_confusion(), None, "pooled leave-one-project-out confusion")
        runs["model, pooled confusion"] = (
            pooled.source,
            estimate_shares(decisions, {"model": pooled}, merge=MAINTENANCE),
        )
    report = {
        name: {
            "confusion": source,
            "method": s.method,
            "decided": s.decided,
            "notes": s.notes,
            "classes": row(s, truth),
        }
        for name, (source, s) in runs.items()
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(
        f"{args.dataset.name}: {len(rows)} commits; true shares from commits.jsonl (read only to print them)"
    )
    for name, (source, s) in runs.items():
        print(f"\n[{name}] confusion: {source}")
        print(f"  {s.method}; decided by: {', '.join(f'{k} {v}' for k, v in s.decided.items() if v)}")
        for note in s.notes:
            print(f"  note: {note}")
        print(f"  {'class':<11} {'true':>6}  {'estimate (95%)':<16} {'observed':>8}  within 5 pts  inside")
        for s_, r in zip(s.shares, report[name]["classes"], strict=True):
            print(
                f"  {s_.bucket:<11} {r['true']:>6.1%}  {format_share(s_):<16} {r['observed']:>8.1%}"
                f"  {'yes' if r['within_5_points'] else 'NO':<12}  {'yes' if r['inside'] else 'NO'}"
            )
        ok = all(r["within_5_points"] and r["inside"] for r in report[name]["classes"])
        print(f"  target (every class within 5 points and inside its interval): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()

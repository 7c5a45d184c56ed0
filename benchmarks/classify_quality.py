"""Benchmark: commit classifier quality on ../shared labelled data, next to the shared keyword baseline.

    python benchmarks/classify_quality.py                       # ../shared/data/commits/levin1151
    python benchmarks/classify_quality.py --dataset DIR --json

Runs ``cpto classify --json`` on DIR/input.jsonl (the shipped model, docs/classify.md), today's rules
alone (cpto.heartbeat.classify.rules) and ../shared/tools/baseline_classify.py (the keyword floor) on the
same input, scores all three with ../shared/tools/score_classify.py against DIR/commits.jsonl, and prints
accuracy, macro-F1 and kappa side by side. It also prints the overlap check: how many of the dataset's
messages, normalised as the model reads them, are among the model's training messages (must be 0). The
model was trained without this data and this script never feeds labels back.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
_LAST = re.compile(r"accuracy=([\d.]+) macroF1=([\d.]+) kappa=([-\d.]+) n=(\d+)")


def score(dataset: Path, predictions: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_classify.py"), str(dataset / "commits.jsonl"), str(predictions)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    m = _LAST.search(out.stdout.strip().splitlines()[-1])
    if not m:
        raise SystemExit(f"unexpected scorer output:\n{out.stdout}")
    return {
        "accuracy": float(m.group(1)),
        "macro_f1": float(m.group(2)),
        "kappa": float(m.group(3)),
        "n": int(m.group(4)),
    }


def _rules_only(source: Path, out: Path) -> None:
    """Today's rules without the model: the floor the model has to clear."""
    from cpto.heartbeat.classify import rules

    with source.open() as lines, out.open("w") as sink:
        for line in lines:
            row = json.loads(line)
            result = rules(
                row["message"], row.get("paths") or [], row.get("added") or 0, row.get("deleted") or 0
            )
            sink.write(
                json.dumps({"id": row["id"], "category": result.category, "confidence": result.confidence})
                + "\n"
            )


def overlap(source: Path) -> int:
    """How many of the dataset's messages (normalised) the model was trained on: CRC-32 of the normalised text."""
    import zlib

    import numpy as np

    from cpto.heartbeat.model import model_path, normalise

    with np.load(model_path(), allow_pickle=False) as z:
        trained = set(z["train_hashes"].tolist())
    with source.open() as lines:
        texts = [normalise(json.loads(line)["message"]) for line in lines]
    return sum(1 for t in texts if t and zlib.crc32(t.encode()) in trained)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=SHARED / "data" / "commits" / "levin1151")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not (args.dataset / "input.jsonl").is_file():
        raise SystemExit(f"{args.dataset}: no input.jsonl (is ../shared beside the project?)")
    with tempfile.TemporaryDirectory(prefix="cpto-classify-") as tmp:
        ours, floor = Path(tmp) / "cpto.jsonl", Path(tmp) / "baseline.jsonl"
        with ours.open("w") as out:
            subprocess.run(
                [sys.executable, "-m", "cpto", "classify", str(args.dataset / "input.jsonl"), "--json"],
                stdout=out, check=True,
            )  # fmt: skip
        subprocess.run(
            [sys.executable, str(SHARED / "tools" / "baseline_classify.py"), str(args.dataset / "input.jsonl"), str(floor)],
            check=True,
        )  # fmt: skip
        rules_out = Path(tmp) / "rules.jsonl"
        _rules_only(args.dataset / "input.jsonl", rules_out)
        results = {
            "dataset": str(args.dataset),
            "cpto": score(args.dataset, ours),
            "rules": score(args.dataset, rules_out),
            "baseline": score(args.dataset, floor),
            "overlap": overlap(args.dataset / "input.jsonl"),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"dataset {results['dataset']}")
    print(f"overlap: {results['overlap']} of the dataset's messages are among the model's training messages")
    for name in ("cpto", "rules", "baseline"):
        r = results[name]
        print(
            f"{name:9} accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  kappa {r['kappa']:.3f}  n {r['n']}"
        )


if __name__ == "__main__":
    main()

"""Benchmark: commit classifier quality on ../shared labelled data, next to the shared keyword baseline.

    python benchmarks/classify_quality.py                       # ../shared/data/commits/levin1151
    python benchmarks/classify_quality.py --dataset DIR --json

Runs ``cpto classify --json`` on DIR/input.jsonl and ../shared/tools/baseline_classify.py on the same
input, scores both with ../shared/tools/score_classify.py against DIR/commits.jsonl, and prints accuracy,
macro-F1 and kappa side by side. Nothing is trained: the classifier's rules were written before it saw
this data, and this script never feeds labels back.
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
        results = {
            "dataset": str(args.dataset),
            "cpto": score(args.dataset, ours),
            "baseline": score(args.dataset, floor),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"dataset {results['dataset']}")
    for name in ("cpto", "baseline"):
        r = results[name]
        print(
            f"{name:9} accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  kappa {r['kappa']:.3f}  n {r['n']}"
        )


if __name__ == "__main__":
    main()

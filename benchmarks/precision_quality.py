"""Benchmark: language-precision quality on ../shared labelled data, next to the shared word-list baseline.

    python benchmarks/precision_quality.py                    # ../shared/data/language/arta-ds1
    python benchmarks/precision_quality.py --data DIR --json

Runs ``cpto.language.assess`` over DIR/input.jsonl and writes the ``cpto precision --json`` contract
(``{"id", "score", "findings": [{"start", "end", "text", "kind", "suggestion"}]}`` per line, see
../shared/data/CONTRACTS.md) to a temporary file; runs ../shared/tools/baseline_precision.py on the same
input; scores both with ../shared/tools/score_precision.py against DIR/requirements.jsonl and prints
precision, recall, F1, ROC-AUC, word-level recall and recall per smell side by side. Nothing is trained:
the vocabularies come from general writing guidance (see cpto.language.lexicon), and this script never
feeds labels back. Without the data it says so and exits 0, so it can run anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from cpto.language import assess

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DATA = SHARED / "data" / "language" / "arta-ds1"
_LAST = re.compile(r"P=([\d.]+) R=([\d.]+) F1=([\d.]+) AUC=([\d.na]+)")
_WORDS = re.compile(r"vague smells \S+: recall=([\d.na]+) \((\d+)/(\d+)")
_SMELL = re.compile(r"^\s+(\w+)\s+\[(vague|other)\] recall=([\d.na]+) \((\d+)/(\d+)", re.MULTILINE)
_FLAGGED = re.compile(r"flagged=\d+ \(([\d.]+)%\)")


def write_predictions(inputs: Path, out: Path) -> int:
    """Assess every ``{"id", "text"}`` row of ``inputs`` and write the contract's JSON Lines to ``out``."""
    rows = 0
    with inputs.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            row = json.loads(line)
            result = assess(str(row.get("text") or ""))
            findings = [asdict(f) for f in result.findings]
            dst.write(json.dumps({"id": row["id"], "score": result.score, "findings": findings}) + "\n")
            rows += 1
    return rows


def score(dataset: Path, predictions: Path) -> dict[str, object]:
    """Run the shared scorer and read its numbers back."""
    out = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_precision.py"), str(dataset), str(predictions)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    last = _LAST.search(out.stdout.strip().splitlines()[-1])
    words = _WORDS.search(out.stdout)
    flagged = _FLAGGED.search(out.stdout)
    if not last or not words or not flagged:
        raise SystemExit(f"unexpected scorer output:\n{out.stdout}")
    return {
        "precision": float(last.group(1)),
        "recall": float(last.group(2)),
        "f1": float(last.group(3)),
        "auc": float(last.group(4)),
        "word_recall": float(words.group(1)),
        "words_covered": int(words.group(2)),
        "words_total": int(words.group(3)),
        "flagged_share": float(flagged.group(1)) / 100,
        "smells": {
            m.group(1): float(m.group(3)) for m in _SMELL.finditer(out.stdout) if m.group(2) == "vague"
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder with input.jsonl and requirements.jsonl"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    inputs, labels = args.data / "input.jsonl", args.data / "requirements.jsonl"
    if not inputs.is_file() or not labels.is_file():
        print(
            f"skipped: {args.data} has no input.jsonl and requirements.jsonl (is ../shared beside the project?)"
        )
        return
    with tempfile.TemporaryDirectory(prefix="cpto-precision-") as tmp:
        ours, floor = Path(tmp) / "cpto.jsonl", Path(tmp) / "baseline.jsonl"
        rows = write_predictions(inputs, ours)
        subprocess.run(
            [sys.executable, str(SHARED / "tools" / "baseline_precision.py"), str(inputs), str(floor)],
            check=True,
        )
        results = {
            "dataset": str(args.data),
            "rows": rows,
            "cpto": score(labels, ours),
            "baseline": score(labels, floor),
        }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"dataset {results['dataset']} ({rows} texts)")
    print(f"{'':10} {'P':>6} {'R':>6} {'F1':>6} {'AUC':>6} {'words':>6} {'flagged':>8}")
    for name in ("cpto", "baseline"):
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"{name:10} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['auc']:6.3f} "
            f"{r['word_recall']:6.3f} {r['flagged_share']:8.1%}"
        )
    ours_smells, base_smells = results["cpto"]["smells"], results["baseline"]["smells"]  # type: ignore[index]
    print(
        "word recall by smell:  "
        + "  ".join(f"{k} {v:.3f}/{base_smells.get(k, 0.0):.3f}" for k, v in ours_smells.items())
    )
    print("(cpto/baseline; targets: F1 >= 0.68 with P >= 0.65, AUC >= 0.75, word recall >= 0.55)")


if __name__ == "__main__":
    main()

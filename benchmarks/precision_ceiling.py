"""Benchmark: how far a word list can go on ../shared's language set when it is *fitted to that set's labels*.

    python benchmarks/precision_ceiling.py                    # ../shared/data/language/arta-ds1
    python benchmarks/precision_ceiling.py --data DIR --json

This is an analysis of the targets, not a method: cpto never uses these lists. It builds the word list
that the set's own labels favour, greedily, best label rate first (labelled occurrences / texts that
contain the word), and keeps the prefix with the best sentence F1 whose precision is at least 0.65.
Every occurrence of a listed word becomes a finding; ../shared/tools/score_precision.py scores the
result, so the numbers are comparable with benchmarks/precision_quality.py. Three lists:

- ``all labels``: every labelled word, the set's domain terms included;
- ``no domain terms``: without the words the set's README names as domain terms, not vague wording;
- ``other documents``: for each source document, the list fitted (as above, no domain terms) on the
  other documents only, applied to it: what fitting buys on text the list has not seen.

If even the first two barely pass the targets, a general method (vocabulary from writing guidance, the
same on PRDs and decision threads) cannot be expected to: that is what this script measures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from precision_quality import DEFAULT_DATA, score

VAGUE_SMELLS = ("subjective", "ambiguous", "nonverifiable", "superlative", "comparative")
DOMAIN_TERMS = frozenset(
    [
        "indication",
        "indicated",
        "means",
        "automatic",
        "ceiling",
        "standard",
        "part",
        "external",
        "emergency",
        "danger",
        "unit",
        "partial",
        "special",
        "related",
        "available",
        "required",
        "detail",
        "details",
    ]
)
"""The words the set's README counts as domain terms ("Label quality: read before tuning")."""
MIN_PRECISION = 0.65

Row = dict[str, object]


def labelled_words(row: Row) -> set[str]:
    """The distinct vague-smell words labelled in ``row`` that occur in its text, lower case."""
    smells = row.get("smells") or {}
    assert isinstance(smells, dict)
    text = str(row["text"]).lower()
    words = {str(w).lower().strip(" .,;:") for k in VAGUE_SMELLS for w in smells.get(k) or []}
    return {w for w in words if w and w in text}


def occurrences(word: str, text: str) -> list[tuple[int, int]]:
    """Spans of ``word`` as a whole word in ``text``, case-insensitively."""
    return [m.span() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]


def fit(rows: list[Row], exclude: frozenset[str]) -> list[str]:
    """The best-F1 prefix (precision >= 0.65) of the labelled words ordered by label rate on ``rows``."""
    labels = [labelled_words(r) for r in rows]
    counts = Counter(w for ws in labels for w in ws if w not in exclude)
    containing = {w: [i for i, r in enumerate(rows) if occurrences(w, str(r["text"]))] for w in counts}
    order = sorted(counts, key=lambda w: (-counts[w] / max(len(containing[w]), counts[w]), w))
    vague = [bool(r["vague"]) for r in rows]
    positives = sum(vague)
    flagged: set[int] = set()
    best_f1, best = -1.0, 0
    for n, word in enumerate(order, 1):
        flagged.update(containing[word])
        tp = sum(1 for i in flagged if vague[i])
        precision, recall = tp / len(flagged) if flagged else 0.0, tp / positives
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        if precision >= MIN_PRECISION and f1 > best_f1:
            best_f1, best = f1, n
    return order[:best]


def predict(row: Row, words: list[str]) -> dict[str, object]:
    """The contract's output row: a finding at every occurrence of a listed word."""
    text = str(row["text"])
    spans = sorted(span for w in words for span in occurrences(w, text))
    findings = [
        {"start": s, "end": e, "text": text[s:e], "kind": "listed", "suggestion": ""} for s, e in spans
    ]
    return {"id": row["id"], "score": 1.0 / (1 + len(findings)), "findings": findings}


def measure(labels_file: Path, predictions: list[dict[str, object]]) -> dict[str, object]:
    """Score ``predictions`` with the shared scorer."""
    with tempfile.TemporaryDirectory(prefix="cpto-ceiling-") as tmp:
        out = Path(tmp) / "predictions.jsonl"
        out.write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
        return score(labels_file, out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with requirements.jsonl")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    labels_file = args.data / "requirements.jsonl"
    if not labels_file.is_file():
        print(f"skipped: {labels_file} is missing (is ../shared beside the project?)")
        return
    rows: list[Row] = [json.loads(line) for line in labels_file.open(encoding="utf-8") if line.strip()]
    results: dict[str, dict[str, object]] = {}
    for name, exclude in (("all labels", frozenset[str]()), ("no domain terms", DOMAIN_TERMS)):
        words = fit(rows, exclude)
        results[name] = {"words": len(words), **measure(labels_file, [predict(r, words) for r in rows])}
    held_out: list[dict[str, object]] = []
    sizes = []
    for doc in sorted({str(r["doc"]) for r in rows}):
        words = fit([r for r in rows if r["doc"] != doc], DOMAIN_TERMS)
        sizes.append(len(words))
        held_out += [predict(r, words) for r in rows if r["doc"] == doc]
    results["other documents"] = {"words": round(sum(sizes) / len(sizes)), **measure(labels_file, held_out)}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"word lists fitted to the labels of {args.data} ({len(rows)} texts); an analysis, not a method")
    print(f"{'':16} {'words':>5} {'P':>6} {'R':>6} {'F1':>6} {'AUC':>6} {'recall':>6} {'flagged':>8}")
    for name, r in results.items():
        print(
            f"{name:16} {r['words']:5} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['auc']:6.3f} "
            f"{r['word_recall']:6.3f} {r['flagged_share']:8.1%}"
        )
    print("(recall = word recall; targets: F1 >= 0.68 with P >= 0.65, AUC >= 0.75, word recall >= 0.55)")


if __name__ == "__main__":
    main()

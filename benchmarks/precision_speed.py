"""Benchmark: sentences per second of the language-precision model on one core, next to two peers.

    python benchmarks/precision_speed.py                    # ../shared/data/language/arta-ds1, else synthetic
    python benchmarks/precision_speed.py --data DIR --sentences 100000 --json

The texts of DIR/input.jsonl are split into sentences (``split_sentences``) and repeated until there are
``--sentences`` of them; without the data a synthetic set is generated from a fixed seed (requirement and
decision-thread templates, half of them with vague wording). The process is pinned to one CPU where the
OS allows it. Measured in the same run, on the same sentences:

- ``cpto``: ``assess(sentence)``: findings, markers and score;
- ``baseline``: ../shared/tools/baseline_precision.py's ``analyse`` (one regex over 60 terms), the
  floor every answer must beat on quality, and a fair lower bound on the cost of matching anything;
- ``naive``: one compiled ``re`` per vocabulary phrase of cpto's own lexicon (about 900), searched in a
  Python loop: what the model would cost without its single trie-shaped scan. Timed on a slice.

Each rate is the best of ``--repeat`` runs; the ratios are cpto's rate over the peer's.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpto.language import assess, split_sentences
from cpto.language.precision import _PHRASES

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_DATA = SHARED / "data" / "language" / "arta-ds1"

_SUBJECTS = [
    "The export",
    "The billing job",
    "The login page",
    "The importer",
    "Search",
    "The API",
    "The driver display",
]
_PRECISE = [
    "shall finish within 2 s for 10,000 rows",
    "shall return p95 under 200 ms at 500 req/s",
    "ships on 2026-03-12 behind the PAY-214 flag",
    "moves billing/dunning.py to the queue owned by @mara",
    "shall retry 3 times with a 30 s back-off",
]
_VAGUE = [
    "should be fast and user-friendly",
    "must probably be more robust, if possible",
    "needs several improvements soon",
    "is too risky and we have no bandwidth",
    "is what customers want, etc.",
]


def sentences_from(data: Path) -> list[str]:
    """Every sentence of every text in ``data``/input.jsonl."""
    out: list[str] = []
    with (data / "input.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                text = str(json.loads(line).get("text") or "")
                out += [text[s:e] for s, e in split_sentences(text)]
    return out


def synthetic(count: int, seed: int = 7) -> list[str]:
    """``count`` sentences from fixed templates, half precise, half vague."""
    rng = random.Random(seed)
    return [f"{rng.choice(_SUBJECTS)} {rng.choice(rng.choice([_PRECISE, _VAGUE]))}." for _ in range(count)]


def baseline_analyse() -> Callable[[str], Any] | None:
    """The shared baseline's ``analyse`` function, imported from its file, or None when it is absent."""
    path = SHARED / "tools" / "baseline_precision.py"
    spec = importlib.util.spec_from_file_location("baseline_precision", path)
    if not path.is_file() or spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    analyse: Callable[[str], Any] = module.analyse
    return analyse


def naive_matcher() -> Callable[[str], list[tuple[int, int]]]:
    """One compiled regex per lexicon phrase, searched one after another."""
    patterns = [
        re.compile(r"(?<![\w-])" + re.escape(p).replace(r"\ ", r"\s+") + r"(?![\w-])", re.IGNORECASE)
        for p in _PHRASES
    ]

    def match(sentence: str) -> list[tuple[int, int]]:
        return [m.span() for p in patterns for m in p.finditer(sentence)]

    return match


def rate(fn: Callable[[str], object], sentences: list[str], repeat: int) -> float:
    """Best-of-``repeat`` sentences per second of ``fn`` over ``sentences``."""
    for s in sentences[:200]:
        fn(s)  # warm caches
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for s in sentences:
            fn(s)
        best = min(best, time.perf_counter() - start)
    return len(sentences) / best


def pin_one_core() -> str:
    """Pin this process to one CPU (Linux), so the numbers are per core."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with input.jsonl")
    parser.add_argument(
        "--sentences", type=int, default=100_000, help="sentences to time (the data is repeated)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best is reported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    pinned = pin_one_core()
    if (args.data / "input.jsonl").is_file():
        source, base = str(args.data), sentences_from(args.data)
    else:
        print(f"{args.data}: no input.jsonl; timing a synthetic set instead")
        source, base = "synthetic", synthetic(1000)
    sentences = (base * (args.sentences // len(base) + 1))[: args.sentences]
    results: dict[str, Any] = {"source": source, "sentences": len(sentences), "cpu": pinned}
    results["cpto"] = rate(assess, sentences, args.repeat)
    analyse = baseline_analyse()
    if analyse is not None:
        results["baseline"] = rate(analyse, sentences, args.repeat)
    results["naive"] = rate(naive_matcher(), sentences[:5000], 1)
    for peer in ("baseline", "naive"):
        if peer in results:
            results[f"ratio_vs_{peer}"] = results["cpto"] / results[peer]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{results['sentences']} sentences from {source}, {pinned}")
    print(f"cpto      {results['cpto']:10,.0f} sentences/s  (assess: findings, markers, score)")
    if "baseline" in results:
        print(
            f"baseline  {results['baseline']:10,.0f} sentences/s  (shared 60-term word list)  cpto/baseline = {results['ratio_vs_baseline']:.2f}"
        )
    print(
        f"naive     {results['naive']:10,.0f} sentences/s  (one re per lexicon phrase)   cpto/naive = {results['ratio_vs_naive']:.1f}"
    )


if __name__ == "__main__":
    main()

"""Benchmark: ``cpto trace`` against the TF-IDF floor on every shared trace dataset, in one run.

    python benchmarks/trace_quality.py                       # SHARED = ../shared next to the repository
    python benchmarks/trace_quality.py --shared DIR --work DIR --json
    python benchmarks/trace_quality.py --semantic            # with the optional model (cpto[semantic])
    MIRRORS=DIR python benchmarks/trace_quality.py --sets black-changelog httpx-changelog

The ``*-changelog`` sets run over their projects' real histories when ``MIRRORS`` names a folder of
bare mirrors (``OWNER+NAME/repo``, as the search tool's fetch leaves them); without it they are
skipped, since their synthetic stand-in has no merges, pull requests or diffs to measure.

For each folder in SHARED/data/trace/*/ it builds the workspace (``tools/make_trace_workspace.py``),
runs ``cpto trace`` with this interpreter (timed, first index included) and the baseline
``tools/vsm_trace.py``, and scores both with ``tools/score_trace.py``. The floor is measured here rather
than copied from the datasets' README so that a change to the data or the scorer moves both sides.
Prints a Markdown table, the mean MAP of both, and which quality targets hold:

    (a) MAP > floor on every set           (b) bestF1 > floor on every set
    (c) mean MAP >= 1.25 x the floor mean (academic sets) and >= 1.3 x (real histories), every real
        history at least 1.1 x its floor
    (d) F1linked within 0.10 of bestF1 on every set

The work folder (workspaces, outputs, scores) is temporary unless ``--work`` names one to keep.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MAP_FACTOR = 1.25
REAL_MAP_FACTOR = 1.3
REAL_SET_FACTOR = 1.1
F1_GAP = 0.10


def run(cmd: list[str], stdout: Path | None = None) -> float:
    """Run ``cmd`` (stdout to a file when given) and return its wall time; a clear exit on failure."""
    start = time.perf_counter()
    if stdout is None:
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    else:
        with stdout.open("w", encoding="utf-8") as out:
            proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-1000:]}")
    return seconds


def score(tools: Path, dataset: Path, workspace: Path, output: Path) -> dict[str, Any]:
    """The scorer's numbers for one tool output, read from its ``--json-out`` file."""
    numbers = output.with_suffix(".score.json")
    run(
        [
            sys.executable,
            str(tools / "score_trace.py"),
            str(dataset),
            str(workspace),
            str(output),
            "--strict",
            "--json-out",
            str(numbers),
        ]
    )
    result: dict[str, Any] = json.loads(numbers.read_text(encoding="utf-8"))
    return result


def measure(shared: Path, dataset: Path, work: Path, extra: list[str]) -> dict[str, Any]:
    """Workspace, floor and cpto for one dataset; the numbers that go into one table row."""
    tools = shared / "tools"
    workspace = work / dataset.name
    outputs = work / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    build = [sys.executable, str(tools / "make_trace_workspace.py"), str(dataset), str(workspace), "--force"]
    mirror = real_history(dataset)
    run(build + (["--source-repo", str(mirror)] if mirror else []))
    floor_out = outputs / f"{dataset.name}.floor.json"
    run([sys.executable, str(tools / "vsm_trace.py"), str(workspace)], stdout=floor_out)
    cpto_out = outputs / f"{dataset.name}.cpto.json"
    prd, repo = workspace / "prd.md", workspace / "repo"
    seconds = run(
        [sys.executable, "-m", "cpto", "trace", str(prd), "--repo", str(repo), "--json", "-q", *extra],
        stdout=cpto_out,
    )
    floor = score(tools, dataset, workspace, floor_out)
    cpto = score(tools, dataset, workspace, cpto_out)
    return {
        "dataset": dataset.name,
        "floor_map": floor["MAP"],
        "cpto_map": cpto["MAP"],
        "floor_best_f1": floor["bestF1"],
        "cpto_best_f1": cpto["bestF1"],
        "cpto_f1_linked": cpto["F1linked"],
        "f1_gap": cpto["F1linked"] - cpto["bestF1"],
        "cpto_seconds": seconds,
    }


def real_history(dataset: Path) -> Path | None:
    """The bare mirror a real-history set runs on ($MIRRORS/OWNER+NAME/repo), if it is there."""
    meta = json.loads((dataset / "meta.json").read_text(encoding="utf-8"))
    mirrors = os.environ.get("MIRRORS")
    if not meta.get("source_repo") or not mirrors:
        return None
    mirror = Path(mirrors) / str(meta["source_repo"]).replace("/", "+") / "repo"
    return mirror if mirror.is_dir() else None


def is_real(dataset: Path) -> bool:
    return dataset.name.endswith("-changelog")


def verdicts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Means and the four targets, each with the sets that miss it (an empty list: the target holds)."""
    academic = [r for r in rows if not r["dataset"].endswith("-changelog")] or rows
    real = [r for r in rows if r["dataset"].endswith("-changelog")]
    floor_mean = statistics.mean(r["floor_map"] for r in academic)
    cpto_mean = statistics.mean(r["cpto_map"] for r in academic)
    real_floor = statistics.mean(r["floor_map"] for r in real) if real else 0.0
    real_cpto = statistics.mean(r["cpto_map"] for r in real) if real else 0.0
    failing_c = [] if cpto_mean >= MAP_FACTOR * floor_mean or academic is real else ["mean of academic sets"]
    if real and real_cpto < REAL_MAP_FACTOR * real_floor:
        failing_c.append("mean of real histories")
    failing_c += [r["dataset"] for r in real if r["cpto_map"] < REAL_SET_FACTOR * r["floor_map"]]
    return {
        "mean_map_real_floor": real_floor,
        "mean_map_real_cpto": real_cpto,
        "mean_map_real_ratio": real_cpto / real_floor if real_floor else None,
        "mean_map_floor": floor_mean,
        "mean_map_cpto": cpto_mean,
        "mean_map_ratio": cpto_mean / floor_mean if floor_mean else float("inf"),
        "targets": {
            "a_map_above_floor": [r["dataset"] for r in rows if not r["cpto_map"] > r["floor_map"]],
            "b_best_f1_above_floor": [
                r["dataset"] for r in rows if not r["cpto_best_f1"] > r["floor_best_f1"]
            ],
            "c_mean_map_ratio": failing_c,
            "d_f1_linked_near_best": [r["dataset"] for r in rows if abs(r["f1_gap"]) > F1_GAP],
        },
    }


def print_table(rows: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    print(
        "| dataset | floor MAP | cpto MAP | floor bestF1 | cpto bestF1 | cpto F1linked "
        "| F1linked - bestF1 | cpto seconds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['floor_map']:.3f} | {r['cpto_map']:.3f} | {r['floor_best_f1']:.3f} "
            f"| {r['cpto_best_f1']:.3f} | {r['cpto_f1_linked']:.3f} | {r['f1_gap']:+.3f} "
            f"| {r['cpto_seconds']:.2f} |"
        )
    print()
    print(
        f"mean MAP, academic sets: floor {summary['mean_map_floor']:.3f}, cpto {summary['mean_map_cpto']:.3f}, "
        f"ratio {summary['mean_map_ratio']:.2f}"
    )
    if summary["mean_map_real_ratio"] is not None:
        print(
            f"mean MAP, real histories: floor {summary['mean_map_real_floor']:.3f}, "
            f"cpto {summary['mean_map_real_cpto']:.3f}, ratio {summary['mean_map_real_ratio']:.2f}"
        )
    print()
    labels = {
        "a_map_above_floor": "(a) MAP > floor on every set",
        "b_best_f1_above_floor": "(b) bestF1 > floor on every set",
        "c_mean_map_ratio": f"(c) mean MAP >= {MAP_FACTOR} x floor (academic), >= {REAL_MAP_FACTOR} x"
        f" (real; each >= {REAL_SET_FACTOR} x)",
        "d_f1_linked_near_best": f"(d) F1linked within {F1_GAP:.2f} of bestF1 on every set",
    }
    for key, failing in summary["targets"].items():
        if not failing:
            verdict = "holds"
        elif key == "c_mean_map_ratio":
            verdict = "fails on " + ", ".join(failing)
        else:
            verdict = "fails on " + ", ".join(failing)
        print(f"- {labels[key]}: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder")
    parser.add_argument("--work", type=Path, help="keep workspaces and outputs here (default: temporary)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--semantic", action="store_true", help="run cpto trace --semantic (needs cpto[semantic])"
    )
    parser.add_argument("--sets", nargs="*", help="only these dataset folders (default: all)")
    args = parser.parse_args()

    shared = args.shared.resolve()
    datasets = sorted(p for p in (shared / "data" / "trace").glob("*/") if (p / "meta.json").is_file())
    if args.sets:
        datasets = [d for d in datasets if d.name in args.sets]
    skipped = [d.name for d in datasets if is_real(d) and real_history(d) is None]
    if skipped:
        print(f"skipped (no mirror under $MIRRORS): {', '.join(skipped)}", file=sys.stderr)
    datasets = [d for d in datasets if d.name not in skipped]
    if not datasets:
        raise SystemExit(f"no trace datasets under {shared / 'data' / 'trace'} (use --shared DIR)")

    with tempfile.TemporaryDirectory(prefix="cpto-trace-") as tmp:
        work = args.work.resolve() if args.work else Path(tmp)
        extra = ["--semantic"] if args.semantic else []
        rows = [measure(shared, d, work, extra) for d in datasets]
    summary = verdicts(rows)
    if args.json:
        print(json.dumps({"datasets": rows, **summary}, indent=2))
        return
    print_table(rows, summary)


if __name__ == "__main__":
    main()

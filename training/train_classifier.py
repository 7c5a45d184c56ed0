"""Train the shipped commit model from openly licensed conventional commits (docs/classify.md).

    pip install -e '.[train]'
    python training/train_classifier.py --mirrors /work/.mirror --out src/cpto/heartbeat/data/commit_model.npz

Each source in training/sources.toml is a bare clone at MIRRORS/<owner>+<name>/repo. From each, the
commits whose subject is a conventional commit become examples: the label is the type's bucket (the
``CONVENTIONAL`` map of cpto.heartbeat.classify; unmapped types are skipped, and a ``chore`` counts only
when classify.py would call it infra), the text is the message with the type and ticket prefixes
stripped, and the changed paths come from ``--name-only``. Messages are deduplicated after
normalisation and each repository is capped so no project dominates; paths are dropped for a share of
rows so the model also reads messages alone.

Settings (C, class weights, blending with the rules) are chosen on a hold-out of whole repositories of
the TRAINING data; the confusion matrix P(predicted | true) comes from 5-fold cross-validation grouped by
repository. Nothing here reads evaluation data. The featurizer is cpto.heartbeat.model.featurize, the
one inference uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import subprocess
import sys
import time
import tomllib
import warnings
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from cpto.heartbeat.classify import _CONVENTIONAL, CATEGORIES, CONVENTIONAL, rules
from cpto.heartbeat.model import N_FEATURES, featurize, normalise, strip_prefixes

HERE = Path(__file__).resolve().parent
CAP = 8000  # examples per repository at most (8,000 scored the same as 4,000 on the hold-out, with more data)
DROP_PATHS = 0.4  # share of rows trained without their paths
SEED = 20
_CHORE_TOOLING = re.compile(r"dep|bump|upgrad|build|ci|release|version")
# The bracketed form many Apache projects use: "[Fix-1234][api] ...", "[Feature] ...", "[type:fix] ...".
_BRACKET = re.compile(r"^\s*\[(?:type\s*:\s*)?([A-Za-z]+)(?:[-_ #]?\d+)?\]", re.IGNORECASE)
# Type words authors write that classify.py's table does not hold (bracketed or conventional).
EXTRA_TYPES = {"bug": "fix", "enhancement": "feature", "new": "feature"}
# Words whose bucket is a judgement call; mapped only when AMBIGUOUS is on (chosen on the hold-out).
AMBIGUOUS_TYPES = {"improve": "debt", "improvement": "debt", "maintenance": "debt"}
AMBIGUOUS = False  # mapping them to debt lost 0.02 accuracy on the hold-out
# Gitmoji (https://gitmoji.dev), as the character or the :shortcode:, and the bucket its author meant.
GITMOJI = {
    "\U0001f41b": "fix", "bug": "fix",  # bug
    "\U0001f691": "fix", "ambulance": "fix",  # critical hotfix
    "\u2728": "feature", "sparkles": "feature",
    "\u267b": "debt", "recycle": "debt",
    "\u26a1": "debt", "zap": "debt",  # performance
    "\U0001f525": "debt", "fire": "debt",  # remove code
    "\u2705": "debt", "white_check_mark": "debt",  # tests
    "\U0001f3a8": "debt", "art": "debt",  # structure / format
    "\U0001f6a8": "debt", "rotating_light": "debt",  # linter warnings
    "\U0001f4dd": "other", "memo": "other",  # docs
    "\u270f": "other", "pencil2": "other",  # typos
    "\U0001f310": "other", "globe_with_meridians": "other",  # translations
    "\U0001f516": "other", "bookmark": "other",  # release
    "\u2b06": "infra", "arrow_up": "infra", "\u2b07": "infra", "arrow_down": "infra",  # dependencies
    "\U0001f477": "infra", "construction_worker": "infra",  # CI
    "\U0001f49a": "infra", "green_heart": "infra",  # fix CI
    "\U0001f527": "infra", "wrench": "infra",  # configuration
    "\U0001f528": "infra", "hammer": "infra",  # development scripts
    "\U0001f4e6": "infra", "package": "infra",
    "\U0001f4cc": "infra", "pushpin": "infra",  # pin dependencies
    "\u2795": "infra", "heavy_plus_sign": "infra", "\u2796": "infra", "heavy_minus_sign": "infra",
}  # fmt: skip
# A leading gitmoji: one pictograph (with its variation selector) or one :shortcode:, then a space.
_GITMOJI = re.compile(r"^\s*(?::([a-z0-9_]+):|([\u2600-\u2bff\U0001f300-\U0001faff]))\ufe0f?\s+")
LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "license.txt", "COPYING")


def licence_of(repo: Path) -> str:
    """The SPDX id of the licence file at HEAD (MIT, Apache-2.0 or BSD), or what was found."""
    for name in LICENCE_FILES:
        out = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{name}"], capture_output=True, text=True)
        if out.returncode == 0:
            text = out.stdout
            if "Apache License" in text and "Version 2.0" in text:
                return "Apache-2.0"
            if "Permission is hereby granted, free of charge" in text:
                return "MIT"
            if "Redistribution and use in source and binary forms" in text:
                return "BSD"
            return f"unknown ({name})"
    return "none"


def label_of(subject: str) -> str | None:
    """The bucket the author's type gives (conventional, bracketed or gitmoji), as classify.py reads it; None to skip."""
    g = _GITMOJI.match(subject)
    if g:
        return GITMOJI.get(g.group(1) or g.group(2))
    m = _CONVENTIONAL.match(subject) or _BRACKET.match(subject)
    if not m:
        return None
    kind = m.group(1).lower()
    if kind == "chore" and not _CHORE_TOOLING.search(subject.lower()):
        return None
    table = {**EXTRA_TYPES, **(AMBIGUOUS_TYPES if AMBIGUOUS else {}), **CONVENTIONAL}
    return table.get(kind)


def without_gitmoji(message: str) -> str:
    """The message without its leading gitmoji: the label must not be a feature (``:bug:`` would be the word bug)."""
    return _GITMOJI.sub("", message, count=1)


def extract(repo: Path) -> tuple[list[dict[str, Any]], int, str]:
    """Labelled examples of one mirror, its non-merge commit count and HEAD's date.

    Mirrors may be partial clones: where git cannot read a commit's trees, that commit keeps no paths.
    """
    git = ["git", "-C", str(repo), "log", "--no-merges", "HEAD"]
    out = subprocess.run([*git, "--format=%x1e%H%x1f%cs%x1f%B"], capture_output=True, check=True)
    named = subprocess.run([*git, "--format=%x1e%H", "--name-only"], capture_output=True)  # may stop early
    paths_of: dict[str, list[str]] = {}
    for record in named.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        sha, _, names = record.partition("\n")
        paths_of[sha.strip()] = [n for n in names.split("\n") if n.strip()]
    rows, total, head_date = [], 0, ""
    for record in out.stdout.decode("utf-8", "replace").split("\x1e")[1:]:
        parts = record.split("\x1f", 2)
        if len(parts) < 3:
            continue
        total += 1
        sha, date, message = parts[0], parts[1], parts[2].strip()
        head_date = head_date or date
        subject = message.splitlines()[0] if message else ""
        label = label_of(subject)
        if label:
            gitmoji = bool(_GITMOJI.match(subject))
            message = without_gitmoji(message)
            rows.append(
                {
                    "sha": sha,
                    "message": message,
                    "paths": paths_of.get(sha, []),
                    "label": label,
                    "gitmoji": gitmoji,
                }
            )
    return rows, total, head_date


def build(sources: list[dict[str, Any]], mirrors: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(SEED)
    seen: set[str] = set()
    examples: list[dict[str, Any]] = []
    provenance: list[dict[str, Any]] = []
    for source in sources:
        repo = mirrors / source["repo"].replace("/", "+") / "repo"
        if not repo.is_dir():
            raise SystemExit(f"{repo}: no mirror for {source['repo']}")
        licence = licence_of(repo)
        if licence != source["licence"]:
            raise SystemExit(
                f"{source['repo']}: sources.toml says {source['licence']}, the licence file says {licence}"
            )
        rows, total, head_date = extract(repo)
        kept = []
        for row in rows:
            text = normalise(row["message"])
            if len(text.split()) < 2 or text in seen:
                continue
            seen.add(text)
            row["text"] = text
            kept.append(row)
        rng.shuffle(kept)
        kept = kept[:CAP]
        for row in kept:
            row["repo"] = source["repo"]
            if rng.random() < DROP_PATHS:
                row["paths"] = []
        examples.extend(kept)
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout
        provenance.append(
            {
                "repo": source["repo"],
                "licence": licence,
                "head": head.strip(),
                "head_date": head_date,
                "commits": total,
                "conventional_labelled": len(rows),
                "used": len(kept),
                "labels": dict(Counter(r["label"] for r in kept)),
            }
        )
        print(
            f"{source['repo']:50} {licence:10} commits {total:6} labelled {len(rows):6} used {len(kept):5}",
            file=sys.stderr,
        )
    return examples, provenance


def matrix(examples: list[dict[str, Any]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Raw counts (for IDF) as CSR, and document frequencies."""
    indptr, indices, data = [0], [], []
    for row in examples:
        features = featurize(row["message"], row["paths"])
        indices.extend(features.index.tolist())
        data.extend(features.counts.tolist())
        indptr.append(len(indices))
    counts_matrix = sparse.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(examples), N_FEATURES),
    )
    df = np.bincount(counts_matrix.indices, minlength=N_FEATURES)
    return counts_matrix, df


def tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """The same weighting as cpto.heartbeat.model.weights: (1 + log tf) * idf, rows L2-normalised."""
    x = counts.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x)


def idf_of(df: np.ndarray, n: int) -> np.ndarray:
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def rules_scores(examples: list[dict[str, Any]]) -> np.ndarray:
    """Today's rules on the stripped message (one-hot times confidence), for blending."""
    out = np.zeros((len(examples), len(CATEGORIES)))
    for i, row in enumerate(examples):
        subject, _, body = row["message"].partition("\n")
        result = rules(strip_prefixes(subject) + "\n" + body, row["paths"])
        if result.why != "no signal in message or paths":
            out[i, CATEGORIES.index(result.category)] = result.confidence
    return out


def fit(x: sparse.csr_matrix, y: np.ndarray, c: float, balanced: bool) -> LogisticRegression:
    """Multinomial logistic regression; SAGA converges here in ~30-60 passes (lbfgs did not in 100)."""
    model = LogisticRegression(
        C=c, class_weight="balanced" if balanced else None, solver="saga", max_iter=1000, tol=1e-4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a fit that did not converge stops training
        return model.fit(x, y)


def score(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    return float(accuracy_score(y, p)), float(f1_score(y, p, average="macro"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mirrors", type=Path, required=True, help="folder of bare clones <owner>+<name>/repo"
    )
    parser.add_argument("--out", type=Path, required=True, help="the .npz to write")
    parser.add_argument("--sources", type=Path, default=HERE / "sources.toml")
    args = parser.parse_args()
    started = time.time()
    sources = tomllib.loads(args.sources.read_text())["source"]
    examples, provenance = build(sources, args.mirrors)
    classes = list(CATEGORIES)
    y = np.asarray([classes.index(r["label"]) for r in examples])
    groups = np.asarray([r["repo"] for r in examples])
    counts, _ = matrix(examples)
    print(f"{len(examples)} examples, labels {Counter(r['label'] for r in examples)}", file=sys.stderr)

    folds = list(GroupKFold(n_splits=5).split(counts, y, groups))
    # 1. choose settings on one fold of held-out repositories
    train, test = folds[0]
    idf = idf_of(np.bincount(counts[train].indices, minlength=N_FEATURES), len(train))
    x_train, x_test = tfidf(counts[train], idf), tfidf(counts[test], idf)
    rules = rules_scores([examples[i] for i in test])
    selection = []
    for c in (1.0, 4.0):
        for balanced in (True,):
            t0 = time.time()
            probs = fit(x_train, y[train], c, balanced).predict_proba(x_test)
            for w in (0.0, 0.3, 0.6):
                acc, f1 = score(y[test], (probs + w * rules).argmax(axis=1))
                selection.append(
                    {"C": c, "balanced": balanced, "rules_weight": w, "accuracy": acc, "macro_f1": f1}
                )
                print(
                    f"hold-out C={c} balanced={balanced} rules={w}: acc {acc:.3f} macro-F1 {f1:.3f}"
                    f" (fit {time.time() - t0:.0f} s)",
                    file=sys.stderr,
                )
    best = max(selection, key=lambda s: (s["macro_f1"], s["accuracy"]))
    print(f"chosen {best}", file=sys.stderr)

    # 2. confusion matrix P(predicted | true) from 5-fold CV grouped by repository
    confusion = np.zeros((len(classes), len(classes)))

    def fold(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idf = idf_of(np.bincount(counts[train].indices, minlength=N_FEATURES), len(train))
        model = fit(tfidf(counts[train], idf), y[train], best["C"], best["balanced"])
        return y[test], model.predict(tfidf(counts[test], idf))

    for truth, predicted in Parallel(n_jobs=2)(delayed(fold)(train, test) for train, test in folds):
        for t, p in zip(truth, predicted, strict=True):
            confusion[t, p] += 1
    cv_accuracy = float(np.trace(confusion) / confusion.sum())
    confusion = confusion / confusion.sum(axis=1, keepdims=True)
    print(f"5-fold grouped CV accuracy {cv_accuracy:.3f}", file=sys.stderr)

    # 3. the shipped model: all examples
    idf = idf_of(np.bincount(counts.indices, minlength=N_FEATURES), counts.shape[0])
    model = fit(tfidf(counts, idf), y, best["C"], best["balanced"])
    assert list(model.classes_) == list(range(len(classes)))
    info = {
        "trained": dt.date.today().isoformat(),
        "examples": len(examples),
        "labels": dict(Counter(r["label"] for r in examples)),
        "cap_per_repository": CAP,
        "paths_dropped_share": DROP_PATHS,
        "seed": SEED,
        "settings": best,
        "selection": selection,
        "cv_accuracy": cv_accuracy,
        "sources": provenance,
        "sklearn": __import__("sklearn").__version__,
        "seconds": round(time.time() - started),
    }
    hashes = np.unique(np.asarray([zlib.crc32(r["text"].encode()) for r in examples], dtype=np.uint32))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        classes=np.asarray(classes),
        coef=model.coef_.T.astype(np.float16),
        intercept=model.intercept_.astype(np.float32),
        idf=idf.astype(np.float32),
        confusion=confusion.astype(np.float32),
        n_features=np.asarray(N_FEATURES),
        rules_weight=np.asarray(best["rules_weight"]),
        train_hashes=hashes,
        provenance=np.asarray(json.dumps(info)),
    )
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {time.time() - started:.0f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

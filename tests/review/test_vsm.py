"""The ranker: cosine over TF-IDF with IDF shared by requirements and documents."""

from cpto.review.vsm import Ranker, TermMatrix


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

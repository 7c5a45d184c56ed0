"""Optional semantic matching (``pip install 'cpto[semantic]'``); skipped where the model is not installed."""

from __future__ import annotations

import pytest

from cpto.history import store
from cpto.history.indexer import index_repository
from cpto.review.corpus import load_corpus
from cpto.review.semantic import available, semantic_scores

pytestmark = pytest.mark.skipif(not available(), reason="needs pip install 'cpto[semantic]'")


def test_meaning_matches_where_no_word_is_shared(make_repo, tmp_path):
    r = make_repo()
    r.commit("Authenticate members with their credentials", {"auth.py": "def authenticate(): ...\n"})
    r.commit("Render the weekly sales chart", {"chart.py": "def weekly_sales(): ...\n"})
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, r.path)
        corpus = load_corpus(con, store.indexed_repo_id(con, r.path.resolve()), r.path)
    scores = semantic_scores(corpus, ["Users sign in with a password"])
    by_commit = dict(zip([c.subject for c in corpus.commits], scores.commits[0], strict=True))
    assert (
        by_commit["Authenticate members with their credentials"] > by_commit["Render the weekly sales chart"]
    )
    assert scores.files.shape == (1, 2)

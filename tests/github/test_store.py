"""The GitHub tables: rows saved by key, read back equal, and absent before any sync."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cpto.github.store import Issue, PullRequest, Review, has_github_data, load, save
from cpto.history import store

T = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def pull(number: int, title: str) -> PullRequest:
    return PullRequest(
        1, number, title, "Closes #12", "dana", "closed", False, T, T, T, T, "main", "feat", "a" * 40,
        ("enhancement",), (12,), (), f"https://github.com/acme/shop/pull/{number}",
    )  # fmt: skip


def test_rows_are_saved_by_key_and_read_back_equal(tmp_path: Path) -> None:
    with store.open_index(tmp_path / "index.duckdb") as con:
        assert load(con, PullRequest) == [] and not has_github_data(con)
        save(con, [pull(2, "Guest checkout"), pull(1, "Cart")])
        save(con, [pull(2, "Guest checkout, take two")])  # the same key: replaced, not doubled
        assert [(p.number, p.title) for p in load(con, PullRequest, 1)] == [
            (1, "Cart"),
            (2, "Guest checkout, take two"),
        ]
        assert load(con, PullRequest, 1)[0] == pull(1, "Cart")
        save(con, [Review(1, 2, 99, "li", "APPROVED", T)])
        save(con, [Issue(1, 12, "Guests cannot pay", "", "sam", "closed", ("bug",), T, T, T, "u")])
        assert load(con, Review)[0].reviewer == "li" and load(con, Issue)[0].labels == ("bug",)
        assert load(con, PullRequest, 7) == []


def test_the_history_index_keeps_github_tables_when_it_is_opened_again(tmp_path: Path) -> None:
    with store.open_index(tmp_path / "index.duckdb") as con:
        save(con, [pull(1, "Cart")])
    notes: list[str] = []
    with store.open_index(tmp_path / "index.duckdb", notes=notes) as con:
        assert [p.title for p in load(con, PullRequest)] == ["Cart"] and notes == []

"""The model checked against a team's own word: commits people bucketed, run through the model untyped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cpto.heartbeat import allocation as allocation_module
from cpto.heartbeat.agreement import describe, interval, model_check
from cpto.heartbeat.allocation import allocation
from cpto.heartbeat.classify import classify, model_guess, without_type
from cpto.history import store
from cpto.history.indexer import index_repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_the_type_is_removed_before_the_model_is_asked():
    assert without_type("fix(api)!: JIRA-12 handle empty carts\n\nbody") == "handle empty carts\n\nbody"
    assert without_type("[Refactor] split pricing") == "split pricing"
    assert without_type("\u2728 saved carts") == "saved carts"
    typed = "fix: handle empty carts at checkout"
    assert classify(typed).decided_by == "type"
    untyped = classify("handle empty carts at checkout")  # what the model says when no type is written
    assert model_guess(typed) == untyped.category


def test_each_people_bucketed_commit_is_checked_and_the_model_ones_are_not(make_repo, tmp_path):
    repo = make_repo()
    typed = {
        "fix: handle an empty cart at checkout": ("api/cart.py", "fix"),
        "feat: add saved carts for signed-in users": ("api/saved.py", "feature"),
        "docs: explain the cart in the readme": ("README.md", "other"),
        "chore(deps): bump duckdb to 1.2.0": ("requirements.txt", "infra"),
    }
    for n, (message, (path, _)) in enumerate(typed.items()):
        repo.commit(message, {path: f"x = {n}\n"})
    repo.commit("Tidy up the pricing helpers", {"api/pricing.py": "y = 1\n"})
    labelled = repo.commit("Saved carts page", {"web/saved.js": "z = 1\n"})
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        effort = allocation(con, 1, T0, T0 + WEEK, labelled={labelled: "feature"})
    assert sum(effort.decided.get("model", {}).values()) == 1  # the untyped commit; it is not checked
    expected: dict[str, dict[str, int]] = {}
    for message, (path, bucket) in typed.items():
        guess = model_guess(message, [path], 1, 0)
        expected.setdefault(bucket, dict.fromkeys(effort.commits, 0))[guess] += 1
    expected["feature"][model_guess("Saved carts page", ["web/saved.js"], 1, 0)] += 1  # the label's commit
    assert effort.checked == expected
    check = model_check([effort])
    assert check.checked == 5 and check.agreed == sum(expected[b][b] for b in expected)
    assert check.low is not None and check.high is not None and check.low <= check.rate <= check.high


def test_the_check_is_a_fixed_sample_of_at_most_so_many_commits_a_week(make_repo, tmp_path, monkeypatch):
    import zlib

    repo = make_repo()
    shas = {
        repo.commit(f"fix: handle case {n} of the empty cart", {"api/cart.py": f"x = {n}\n"}): n
        for n in range(6)
    }
    monkeypatch.setattr(allocation_module, "CHECKED_PER_WINDOW", 4)
    asked: list[str] = []

    def spy(message: str, paths: list[str], added: int | None, deleted: int | None) -> str:
        asked.append(message.strip())
        return model_guess(message, paths, added, deleted)

    monkeypatch.setattr(allocation_module, "model_guess", spy)
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        first = allocation(con, 1, T0, T0 + WEEK)
    assert sum(first.commits.values()) == 6  # every commit still counts in the shares
    assert sum(sum(row.values()) for row in first.checked.values()) == 4
    smallest = sorted(shas, key=lambda sha: zlib.crc32(sha.encode()))[:4]
    assert sorted(asked) == sorted(f"fix: handle case {shas[sha]} of the empty cart" for sha in smallest)


def test_the_model_is_asked_without_the_type_and_an_override_is_checked_too(make_repo, tmp_path):
    repo = make_repo()
    typed = "fix: update the readme"  # the author says fix; the words and the path say docs
    assert model_guess(typed, ["README.md"], 1, 0) != classify(typed, ["README.md"], 1, 0).category
    repo.commit(typed, {"README.md": "# cart\n"})
    overridden = repo.commit("Rework the pricing module", {"api/pricing.py": "y = 1\n"})
    with store.open_index(tmp_path / "index.duckdb") as con:
        index_repository(con, repo.path)
        effort = allocation(con, 1, T0, T0 + WEEK, overridden={overridden: "debt"})
        unchecked = allocation(con, 1, T0, T0 + WEEK, overridden={overridden: "debt"}, check=False)
    guess = model_guess(typed, ["README.md"], 1, 0)
    assert effort.checked["fix"][guess] == 1 and effort.checked["fix"]["fix"] == 0
    assert sum(effort.checked["debt"].values()) == 1  # the override's commit, run through the model
    assert unchecked.checked == {} and unchecked.commits == effort.commits


def test_nothing_to_check_is_unknown_and_says_what_would_give_one():
    check = model_check([allocation_module.Allocation()])
    assert (check.checked, check.rate, check.low, check.high) == (0, None, None, None)
    said = describe(check, "2026-W41 to 2026-W45")
    assert "could not be checked" in said and "cpto classify set" in said and "0%" not in said
    assert interval(0, 0) == (None, None)
    assert interval(5, 5)[1] == 1.0 and interval(0, 5)[0] == 0.0  # the rate is always inside
    low, high = interval(45, 50)
    assert low is not None and high is not None and 0.78 < low < 0.9 < high < 0.98  # Jeffreys, n = 50
    worded = describe(model_check([_allocation({"fix": {"fix": 3, "debt": 1}})]), "2026-W45 to 2026-W45")
    assert "checked on 4 commits of 2026-W45 to 2026-W45" in worded and "agrees on 3: 75%" in worded


def _allocation(checked: dict[str, dict[str, int]]) -> allocation_module.Allocation:
    made = allocation_module.Allocation()
    made.checked = checked
    return made

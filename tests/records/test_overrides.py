"""Classification overrides: read with file:line errors, written line by line, honoured per commit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.records import overrides as ov
from cpto.workspace import load_workspace

SHA = "a" * 40
AT = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)


def _path(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "classifications.yaml"
    path.write_text(text)
    return path


def test_a_file_reads_back_to_its_overrides(tmp_path):
    path = _path(
        tmp_path,
        "overrides:\n"
        f"  - {{ref: {SHA.upper()}, bucket: Debt, reason: cleanup, by: dana, at: 2026-11-03T16:00Z}}\n"
        '  - {ref: "#42", repo: api, bucket: feature, reason: gift cards, by: li}\n',
    )
    first, second = ov.read_overrides(path)
    assert (first.ref, first.bucket, first.by, first.at, first.line) == (SHA, "debt", "dana", AT, 2)
    assert (second.pull, second.repo, second.at, second.line) == (42, "api", None, 3)
    assert first.why == "override by dana on 2026-11-03: cleanup"
    assert ov.read_overrides(tmp_path / "missing.yaml") == []
    assert ov.read_overrides(_path(tmp_path, "# nothing yet\n")) == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (f"{{ref: {SHA}, bucket: chore, reason: x, by: d}}", "bucket 'chore' is not one of feature"),
        (f"{{ref: {SHA}, bucket: fix, by: d}}", "'reason' is missing"),
        (f"{{ref: {SHA}, bucket: fix, reason: x}}", "'by' is missing"),
        ("{ref: abc123, bucket: fix, reason: x, by: d}", "ref 'abc123' is not a full commit SHA"),
        (f"{{ref: {SHA}, bucket: fix, reason: x, by: d, colour: red}}", "unknown key 'colour'"),
        (f"{{ref: {SHA}, bucket: fix, reason: 5, by: d}}", "reason 5 is not text"),
        (f"{{ref: {SHA}, bucket: fix, reason: x, by: d, at: 2026-02-30}}", ":3:"),
        ("just text", "expected {ref, bucket, reason, by, at}"),
    ],
)
def test_a_bad_entry_is_one_error_naming_file_and_line(tmp_path, line, problem):
    path = _path(tmp_path, f"# header\noverrides:\n  - {line}\n")
    with pytest.raises(CptoError) as err:
        ov.read_overrides(path)
    assert err.value.message.startswith(f"{path}:3") and problem in err.value.message
    assert "\n" not in err.value.message


def test_the_same_ref_twice_names_both_lines(tmp_path):
    item = f"  - {{ref: {SHA}, bucket: fix, reason: x, by: d}}\n"
    path = _path(tmp_path, "overrides:\n" + item + item)
    with pytest.raises(CptoError, match=r":3: .* overridden twice \(first at line 2\)"):
        ov.read_overrides(path)
    with pytest.raises(CptoError, match=r":1: unknown key 'overides'"):
        ov.read_overrides(_path(tmp_path, "overides: []\n"))


def test_setting_replaces_only_that_ref_and_keeps_every_other_byte(tmp_path):
    path = tmp_path / "classifications.yaml"
    text = (
        "# ours\noverrides:\n"
        f"  - {{ref: {SHA}, bucket: fix, reason: x, by: d}}  # keep me\n"
        "  - ref: '#7'\n    bucket: infra\n    reason: ci\n    by: li\n"
        "# trailing comment\n"
    )
    again = ov.new_override("#7", "debt", "not ci after all", "dana", AT)
    changed = ov.set_edit(again, path)(text)
    assert changed.startswith("# ours\noverrides:\n" + text.splitlines(keepends=True)[2])
    assert changed.endswith("# trailing comment\n")
    read = {o.ref: o for o in ov.parse_overrides(changed, path)}
    assert (
        read["#7"].bucket == "debt" and read["#7"].reason == "not ci after all" and read[SHA].bucket == "fix"
    )
    added = ov.set_edit(ov.new_override("b" * 40, "feature", "x", "d", AT), path)(changed)
    assert [o.ref for o in ov.parse_overrides(added, path)] == [SHA, "#7", "b" * 40]
    empty = ov.set_edit(again, path)("overrides:\n")
    assert [o.ref for o in ov.parse_overrides(empty, path)] == ["#7"]


def test_a_bad_bucket_or_reason_is_refused_before_anything_is_written():
    with pytest.raises(CptoError, match="'chore' is not a bucket"):
        ov.new_override(SHA, "chore", "x", "d", AT)
    with pytest.raises(CptoError, match="--reason"):
        ov.new_override(SHA, "fix", "  ", "d", AT)


def test_a_pull_request_override_covers_the_commits_it_landed(make_repo):
    repo = make_repo("ws")
    repo.commit("chore: start", {"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "gift")
    own = repo.commit("chore: gift cards", {"gift.py": "x = 1\n"})
    repo.git("checkout", "-q", "main")
    merge = repo.merge("gift", "Merge pull request #42 from acme/gift")
    squash = repo.commit("Cart totals (#43)", {"cart.py": "y = 2\n"})
    other = repo.commit("fix: unrelated", {"b.txt": "b\n"})
    assert set(ov.git_pull_commits(repo.path, 42)) == {merge, own}
    assert ov.git_pull_commits(repo.path, 43) == [squash]
    config = load_workspace(repo.path)
    for entry in (
        ov.new_override("#42", "feature", "gift cards", "dana", AT),
        ov.new_override(own, "debt", "own beats the pull request", "dana", AT),
        ov.new_override("#43", "fix", "totals were wrong", "dana", AT),
    ):
        ov.write_override(config, entry)
    buckets = {sha: o.bucket for sha, o in ov.override_buckets(config, repo.path).items()}
    assert buckets == {merge: "feature", own: "debt", squash: "fix"} and other not in buckets
    assert ov.pull_overrides(config)[(repo.path, 42)].reason == "gift cards"
    assert ov.overrides_for(config)[(repo.path, own)].bucket == "debt"


def test_cpto_check_reads_the_overrides_and_names_a_broken_one(tmp_path: Path) -> None:
    from cpto.records.check import check_workspace
    from cpto.workspace import load_workspace

    (tmp_path / "cpto.toml").write_text("[workspace]\nrepos = []\n", encoding="utf-8")
    (tmp_path / "classifications.yaml").write_text(
        "overrides:\n  - {ref: '#12', bucket: sideways, reason: x, by: ana, at: 2026-11-03T10:00}\n",
        encoding="utf-8",
    )
    result = check_workspace(load_workspace(tmp_path))
    assert any("classifications.yaml" in p.where and "sideways" in p.message for p in result.problems)
    assert result.errors >= 1


def test_setting_into_an_empty_flow_list_makes_it_a_block_list(tmp_path):
    path = tmp_path / "classifications.yaml"
    entry = ov.new_override("#7", "debt", "cleanup", "dana", AT)
    for text in ("overrides: []\n", "# ours\noverrides: []  # none yet\n"):
        changed = ov.set_edit(entry, path)(text)
        assert [o.ref for o in ov.parse_overrides(changed, path)] == ["#7"]
        assert "[]" not in changed and changed.startswith(text.split("overrides")[0] + "overrides:")


def test_cpto_check_names_an_override_whose_repo_is_not_in_the_workspace(make_repo) -> None:
    from cpto.records.check import check_workspace

    repo = make_repo("ws")
    sha = repo.commit("fix: cart", {"cart.py": "x = 1\n"})
    (repo.path / "classifications.yaml").write_text(
        f"overrides:\n  - {{ref: '{sha}', repo: sevices/api, bucket: debt, reason: x, by: ana}}\n",
        encoding="utf-8",
    )
    result = check_workspace(load_workspace(repo.path))
    found = [p for p in result.problems if "classifications.yaml:2" in p.where + p.message]
    assert found and "repo 'sevices/api' is none of the workspace's" in found[0].message
    assert result.errors >= 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("overrides: {}\n", ":1: 'overrides' must be a list"),
        ("overrides: 0\n", ":1: 'overrides' must be a list"),
        ("# ours\noverrides: []\nyes: 1\n", ":3: unknown key 'yes'"),
        ("overrides: []\n3: x\n", ":2: unknown key '3'"),
        ("overrides: []\noverrides: []\n", ":2: 'overrides' is written twice (first at line 1)"),
    ],
)
def test_a_file_that_is_not_a_list_of_overrides_is_an_error_at_its_line(tmp_path, text, problem):
    with pytest.raises(CptoError) as err:
        ov.read_overrides(_path(tmp_path, text))
    assert problem in err.value.message and "\n" not in err.value.message


def test_an_empty_flow_list_over_two_lines_is_refused_not_mangled(tmp_path):
    path = tmp_path / "classifications.yaml"
    entry = ov.new_override("#7", "debt", "cleanup", "dana", AT)
    with pytest.raises(CptoError, match="not a block list"):
        ov.set_edit(entry, path)("overrides: [\n]\n")
    crlf = ov.set_edit(entry, path)("# ours\r\noverrides: []\r\n")
    assert crlf.startswith("# ours\r\noverrides:\r\n  - {") and crlf.endswith("\r\n")
    assert [o.ref for o in ov.parse_overrides(crlf, path)] == ["#7"]

"""``cpto classify set|list``: overrides written to classifications.yaml, committed, and honoured."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.test_cli import assert_clean_error, cpto


def _workspace(make_repo):  # type: ignore[no-untyped-def]
    repo = make_repo("ws")
    first = repo.commit("feat: wallets", {"a.py": "a = 1\n"})
    second = repo.commit("Cart totals (#42)", {"b.py": "b = 2\n"})
    return repo, first, second


def test_set_writes_and_commits_one_line_and_classify_honours_it(make_repo):
    repo, first, second = _workspace(make_repo)
    proc = cpto("classify", "set", first[:7], "debt", "--reason", "it was cleanup", "--commit", cwd=repo.path)
    assert proc.returncode == 0, proc.stderr
    path = repo.path / "classifications.yaml"
    assert f"{{ref: {first}, bucket: debt, reason: it was cleanup, by: Dana K, at: " in path.read_text()
    assert repo.git("log", "-1", "--format=%s") == f"classify: {first[:12]} is debt"
    assert repo.git("status", "--porcelain") == ""
    assert cpto("classify", "set", "#42", "infra", "--reason", "ci", cwd=repo.path).returncode == 0
    lines = "".join(json.dumps({"id": s, "message": "feat: x"}) + "\n" for s in (first, second))
    out = subprocess.run(
        [sys.executable, "-m", "cpto", "classify", "-w", str(repo.path), "--why"],
        input=lines, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = [json.loads(x) for x in out.splitlines()]
    assert [(r["category"], r["confidence"]) for r in rows] == [("debt", 1.0), ("infra", 1.0)]
    assert rows[0]["why"].startswith("override by Dana K on ") and rows[0]["why"].endswith(": it was cleanup")
    without = subprocess.run(
        [sys.executable, "-m", "cpto", "classify"], input=lines, capture_output=True, text=True, check=True
    ).stdout
    assert [json.loads(x)["category"] for x in without.splitlines()] == ["feature", "feature"]
    listed = json.loads(cpto("classify", "list", "--json", "-w", str(repo.path)).stdout)
    assert [(o["ref"], o["bucket"]) for o in listed["overrides"]] == [
        (first, "debt"),
        ("#42", "infra"),
    ]


def test_setting_again_replaces_the_override(make_repo):
    repo, first, _ = _workspace(make_repo)
    for bucket in ("debt", "fix"):
        assert cpto("classify", "set", first, bucket, "--reason", bucket, cwd=repo.path).returncode == 0
    text = (repo.path / "classifications.yaml").read_text()
    assert text.count(first) == 1 and "bucket: fix" in text


def test_bad_input_is_one_line_and_nothing_is_written(make_repo):
    repo, first, _ = _workspace(make_repo)
    path = repo.path / "classifications.yaml"
    for args, fragment in [
        ((first, "chore", "--reason", "x"), "'chore' is not a bucket"),
        (("deadbeef", "fix", "--reason", "x"), "'deadbeef' is not a commit"),
        (("#99", "fix", "--reason", "x"), "no pull request #99"),
        ((first, "fix"), "--reason"),
        ((first, "fix", "--reason", "line one\nline two"), "one line"),
    ]:
        assert_clean_error(cpto("classify", "set", *args, cwd=repo.path), fragment)
        assert not path.exists()
    path.write_text("overrides:\n  - {ref: abc, bucket: fix, reason: x, by: d}\n")
    assert_clean_error(cpto("classify", "list", "-w", str(repo.path)), "classifications.yaml:2:", "'abc'")
    assert_clean_error(cpto("classify", "set", first, "fix", "--reason", "x", cwd=repo.path), ":2:")
    assert path.read_text() == "overrides:\n  - {ref: abc, bucket: fix, reason: x, by: d}\n"


def test_the_classifier_still_reads_a_file_and_a_file_named_set(tmp_path):
    source = tmp_path / "set"
    source.write_text('{"id": "1", "message": "fix: crash"}\n')
    proc = cpto("classify", "./set", "--json", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["category"] == "fix"
    assert "cpto classify set" in cpto("classify", "--help").stdout
    assert "--reason" in cpto("classify", "set", "--help").stdout

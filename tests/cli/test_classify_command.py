"""``cpto classify``: JSON Lines in, JSON Lines out, in order; a bad line is one error naming its number."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.test_cli import assert_clean_error, cpto


def test_commits_in_buckets_out_in_the_contract_shape(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "1", "message": "feat: wallets"}\n\n'
        '{"id": "2", "message": "Fix crash", "paths": ["api/cart.py"], "added": 3, "deleted": 1}\n'
    )
    proc = cpto("classify", str(source), "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["id"], r["category"]) for r in rows] == [("1", "feature"), ("2", "fix")]
    assert all(set(r) == {"id", "category", "confidence"} and 0 <= r["confidence"] <= 1 for r in rows)


def test_standard_input_and_reasons():
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "classify", "--why"],
        input='{"id": "a", "message": "docs: readme"}\n',
        capture_output=True,
        text=True,
    )
    assert json.loads(proc.stdout)["why"] == "conventional commit type 'docs'"


def test_a_line_that_is_not_json_names_its_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "1", "message": "x"}\n{oops\n')
    proc = cpto("classify", str(source))
    assert proc.returncode == 2 and "in.jsonl:2: not JSON" in proc.stderr and "Traceback" not in proc.stderr
    assert_clean_error(cpto("classify", str(tmp_path / "missing.jsonl")), "missing.jsonl", "cannot read")


def test_a_field_of_the_wrong_type_names_its_line(tmp_path):
    source = tmp_path / "in.jsonl"
    for line, problem in [
        ('{"id": "1", "message": "fix x", "added": "many"}', '"added" must be a whole number'),
        ('{"id": "1", "message": "fix x", "deleted": 1e400}', '"deleted" must be a whole number'),
        ('{"id": "1", "message": "fix x", "added": -5}', '"added" must be a whole number'),
        ('{"id": "1", "message": 5}', '"message" must be a string'),
        ('{"id": "1"}', '"message" must be a string'),
        ('{"id": "1", "message": "fix x", "paths": [1, 2]}', '"paths" must be a list of strings'),
    ]:
        source.write_text(line + "\n")
        assert_clean_error(cpto("classify", str(source)), "in.jsonl:1:", problem)

"""``cpto lint`` and ``cpto precision`` driven like a user: the JSON Lines contract, PRDs, decisions."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.cli.test_cli import assert_clean_error, cpto


def test_precision_json_lines_follow_the_contract(tmp_path):
    texts = tmp_path / "in.jsonl"
    rows = [
        {"id": "vague", "text": "This is too risky and customers need this soon."},
        {
            "id": "precise",
            "text": "Deploy v2.3.1 on 2026-12-01; p95 stays under 250 ms for the 40 EU accounts.",
        },
    ]
    texts.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n")
    proc = cpto("precision", "--json", str(texts), "-w", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["vague", "precise"]
    vague, precise = out
    assert vague["score"] < precise["score"] and not precise["findings"]
    for f in vague["findings"]:
        assert rows[0]["text"][f["start"] : f["end"]] == f["text"] and f["kind"] and f["suggestion"]
    assert {"vague-risk", "vague-customer", "vague-time"} <= {f["kind"] for f in vague["findings"]}


def test_precision_reads_standard_input_and_refuses_bad_lines(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "precision", "--json", "-w", str(tmp_path)],
        input='{"id": "a", "text": "fine"}\n{"id": "b", "text": 3}\n',
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and '<stdin>:2: "text" must be a string' in proc.stderr
    assert_clean_error(
        cpto("precision", "--json", str(tmp_path / "none.jsonl"), "-w", str(tmp_path)), "cannot read"
    )


def test_lint_the_demo_prds_and_gate_ci(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("lint", "-w", str(demo), "--json").stdout)
    assert {p["path"] for p in data["prds"]} == {
        "docs/prd/billing-dunning.md",
        "docs/prd/checkout.md",
        "docs/prd/onboarding.md",
    }
    assert all(0 <= p["score"] <= 1 for p in data["prds"])
    gate = cpto("lint", "-w", str(demo), "--fail-under", "0.999")
    assert gate.returncode == 1 and "under --fail-under" in gate.stdout
    vague = demo / "docs" / "prd" / "vague.md"
    vague.write_text("# Vague\n\n## Requirements\n\n- V-1: The page should load fast.\n")
    text = cpto("lint", str(vague), "-w", str(demo), "--format", "markdown").stdout
    assert "docs/prd/vague.md:5" in text and "fast" in text


def test_precision_of_the_demo_decision_threads(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("precision", "--decisions", "-w", str(demo), "--json").stdout)
    assert data["people"] and data["pairs"] and data["remarks"]
    assert data["min_remarks"] == 10
    assert all(" & " in p["who"] for p in data["pairs"])
    assert_clean_error(cpto("precision", "--decisions", "x.md", "-w", str(demo)), "--decisions")


def test_people_with_fewer_than_ten_remarks_are_not_scored_in_any_format(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    data = json.loads(cpto("precision", "--decisions", "-w", str(demo), "--json").stdout)
    most = data["people"][0]  # unscored ones come most remarks first; no one in the demo has ten
    n = most["remarks"]
    assert 1 < n < 10 and most["score"] is None
    assert most["score_reason"] == f"too few remarks to score ({n} of 10)"
    assert most["trend"] is None and most["trend_reason"]
    assert all(m["score"] is None and m["score_reason"] for m in most["months"])
    for row in data["people"] + data["pairs"]:
        assert row["score"] is None and row["score_reason"].startswith("too few remarks to score (")
    assert data["remarks_count"] >= 10 and data["score"] is not None  # the team's score is known
    for fmt in ("markdown", "html"):
        out = cpto("precision", "--decisions", "-w", str(demo), "--format", fmt).stdout
        assert f"too few remarks to score ({n} of 10)" in out, fmt
    wide = cpto("precision", "--decisions", "-w", str(demo), env_columns="160").stdout
    assert f"too few remarks to score ({n} of" in wide  # the table may wrap the cell
    narrow = cpto("precision", "--decisions", "-w", str(demo), env_columns="80").stdout
    assert f"{most['who']}  too few remarks to score ({n} of 10)  {n} remarks" in narrow


def test_a_rounded_number_in_a_demo_remark_is_not_vague(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    rounded = []  # (decision id, line) of each remark saying "roughly 300 controls"
    for path in (demo / "decisions").glob("*.md"):
        text = path.read_text()
        did = re.search(r"^id: (\S+)", text, re.MULTILINE)
        assert did is not None
        rounded += [
            (did.group(1), n) for n, line in enumerate(text.splitlines(), 1) if "roughly 300 controls" in line
        ]
    assert rounded, "the demo's remark about PCI DSS controls is gone"
    data = json.loads(cpto("precision", "--decisions", "-w", str(demo), "--json").stdout)
    remarks = {(r["decision"], r["line"]): r for r in data["remarks"]}
    assert all(remarks[key]["findings"] == [] for key in rounded)


def test_privacy_setting_keeps_person_and_pair_scores_out_of_every_format(tmp_path):
    demo = tmp_path / "acme"
    assert cpto("demo", str(demo)).returncode == 0
    with (demo / "cpto.toml").open("a") as toml:
        toml.write("\n[privacy]\nperson_scores = false\n")
    handles = re.findall(r"handle: (\w+)", (demo / "people.yaml").read_text())
    assert len(handles) >= 5
    for fmt in ("terminal", "markdown", "html", "json"):
        proc = cpto("precision", "--decisions", "-w", str(demo), "--format", fmt, env_columns="160")
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert "Per person" not in out and "Per pair" not in out, fmt
        assert "privacy setting" in out, fmt
        assert not [h for h in handles if re.search(rf"\b{h}\b", out)], fmt
    data = json.loads(cpto("precision", "--decisions", "-w", str(demo), "--json").stdout)
    assert data["person_scores"] is False and data["people"] is None and data["pairs"] is None
    assert "[privacy] person_scores = false" in data["people_reason"]
    assert data["remarks"] and all("who" not in r and "answers" not in r for r in data["remarks"])
    assert data["score"] is not None  # the team as a whole is still scored


def test_no_decision_records_is_unknown_with_how_to_add_them(tmp_path):
    proc = cpto("precision", "--decisions", "-w", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["decisions"] is None and data["remarks"] == [] and data["score"] is None
    assert data["score_reason"] == "no remarks to score"
    assert "cpto decision new" in data["notes"][0] and "## Discussion" in data["notes"][0]
    (tmp_path / "decisions").mkdir()
    (tmp_path / "decisions" / "0001-x.md").write_text(
        "---\nid: D-0001\ntitle: X\nstatus: proposed\ndomain: outcomes\npoint: dana\n"
        "raised: 2026-09-01T10:00\n---\n# X\n"
    )
    text = cpto("precision", "--decisions", "-w", str(tmp_path)).stdout
    assert "No remarks in the 1 decision record(s) in decisions/" in text
    assert "cpto decision comment" in text


def test_lint_says_a_file_without_requirements_has_no_score(tmp_path):
    notes = tmp_path / "CHANGELOG.md"
    notes.write_text("# Changelog\n\n## 1.2.0\n\n- Improved the export a lot.\n")
    proc = cpto("lint", str(notes), "-w", str(tmp_path), "--json", "--fail-under", "0.9")
    assert proc.returncode == 0, proc.stderr  # unknown is neither a pass nor a fail of the gate
    data = json.loads(proc.stdout)
    (prd,) = data["prds"]
    assert prd["score"] is None and "no requirements found" in prd["score_reason"]
    assert data["unscored"] == ["CHANGELOG.md"] and data["failing"] == []
    text = cpto("lint", str(notes), "-w", str(tmp_path), "--fail-under", "0.9", env_columns="160").stdout
    assert "unknown" in text and "1.00" not in text
    assert "No score for CHANGELOG.md" in text and "checked only the PRDs with requirements" in text


def test_precision_of_an_empty_file_is_unknown(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("\n\n")
    data = json.loads(cpto("precision", str(empty), "-w", str(tmp_path), "--format", "json").stdout)
    assert data["score"] is None and "no text to score" in data["score_reason"]


def test_json_with_a_text_file_says_how_to_get_a_json_report(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("\n# Notes\n\nShip it soon.\n")
    assert_clean_error(
        cpto("precision", "--json", str(notes), "-w", str(tmp_path)), "JSON Lines", "--format json"
    )


def test_json_lines_go_to_the_output_file_when_one_is_given(tmp_path):
    texts = tmp_path / "in.jsonl"
    texts.write_text('{"id": "a", "text": "Ship it soon."}\n')
    proc = cpto("precision", "--json", str(texts), "-w", str(tmp_path), "-o", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["id"] == "a"

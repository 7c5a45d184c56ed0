"""``cpto review`` over a workspace of several repositories, ``cpto trace`` agreeing with it, and the
review honouring what people said with ``cpto review confirm|reject|defer``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import cpto

PRD = """\
---
title: Billing
start: 2026-01-01
---
# Billing

## Requirements

- BIL-1: Finance can export every invoice to a CSV spreadsheet.
- BIL-2: Customers see their billing history on a web page.
- BIL-3: Invoices are archived to cold storage after seven years.
"""


def workspace(make_repo, tmp_path: Path) -> tuple[Path, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A product folder (PRD, cpto.toml) with two repositories: api/ and web/."""
    root = tmp_path / "product"
    root.mkdir()
    api = make_repo("product/api")
    web = make_repo("product/web")
    shas = {}
    for n in range(22):
        api.commit(f"api: tidy {n}", {f"api/m{n}.py": f"def f{n}(): return {n}\n"})
        web.commit(f"web: tidy {n}", {f"src/m{n}.ts": f"const v{n} = {n};\n"})
    shas["csv"] = api.commit(
        "Export invoices as CSV spreadsheet", {"api/invoice_csv.py": "def export(): ...\n"}
    )
    shas["page"] = web.commit(
        "Show the billing history page", {"src/BillingHistory.tsx": "export function BillingHistory() {}\n"}
    )
    shas["roadmap"] = api.commit(
        "Plan invoice archiving in cold storage", {"roadmap.yaml": "items: [archive]\n"}
    )
    (root / "docs/prd").mkdir(parents=True, exist_ok=True)
    (root / "docs/prd/billing.md").write_text(PRD)
    (root / "cpto.toml").write_text('[workspace]\nrepos = ["api", "web"]\n')
    return root, shas


def review_json(*args: str) -> dict:  # type: ignore[type-arg]
    proc = cpto("review", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_id(data: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {r["id"]: r for r in data["requirements"]}


def test_evidence_is_searched_in_every_repository_and_names_it(make_repo, tmp_path: Path):
    root, shas = workspace(make_repo, tmp_path)
    found = by_id(review_json("-w", str(root)))
    csv = [link for link in found["BIL-1"]["links"] if link["linked"] and link["kind"] == "commit"]
    page = [link for link in found["BIL-2"]["links"] if link["linked"] and link["kind"] == "commit"]
    assert [(link["ref"], link["repo"]) for link in csv] == [(shas["csv"], "api")]
    assert [(link["ref"], link["repo"]) for link in page] == [(shas["page"], "web")]


def test_repo_narrows_the_review(make_repo, tmp_path: Path):
    root, _ = workspace(make_repo, tmp_path)
    found = by_id(review_json("-w", str(root), "--repo", str(root / "api")))
    assert found["BIL-2"]["status"] == "not_started"
    assert found["BIL-1"]["status"] != "not_started"


def test_trace_and_review_give_the_same_answers_and_skip_records(make_repo, tmp_path: Path):
    root, shas = workspace(make_repo, tmp_path)
    reviewed = by_id(review_json("-w", str(root), "--repo", str(root / "api")))
    proc = cpto("trace", str(root / "docs/prd/billing.md"), "--repo", str(root / "api"), "--json")
    assert proc.returncode == 0, proc.stderr
    traced = by_id(json.loads(proc.stdout))
    assert {k: v["status"] for k, v in traced.items()} == {k: v["status"] for k, v in reviewed.items()}
    for found in (traced, reviewed):
        refs = {link["ref"] for r in found.values() for link in r["links"]}
        assert shas["roadmap"] not in refs, "a roadmap.yaml commit is a record, not work"


def test_people_confirm_reject_and_defer_and_the_review_honours_it(make_repo, tmp_path: Path):
    root, shas = workspace(make_repo, tmp_path)
    w = ["-w", str(root)]
    assert cpto("review", "reject", "BIL-1", shas["csv"], *w, "--by", "dana").returncode == 0
    assert cpto("review", "confirm", "BIL-3", shas["page"][:10], *w, "--by", "dana").returncode == 0
    assert (
        cpto("review", "defer", "BIL-2", "--reason", "after the redesign", *w, "--by", "li").returncode == 0
    )
    found = by_id(review_json(*w))
    assert all(link["ref"] != shas["csv"] for link in found["BIL-1"]["links"]), "rejected never links again"
    confirmed = [link for link in found["BIL-3"]["links"] if link["ref"] == shas["page"]]
    assert confirmed and confirmed[0]["explicit"] and confirmed[0]["why"].startswith("confirmed by dana")
    assert found["BIL-2"]["status"] == "deferred" and "after the redesign" in found["BIL-2"]["reason"]
    # 1 of the 2 requirements still counted has work: 50%, so a 60% gate fails and a 50% one passes.
    assert cpto("review", *w, "--fail-under", "60", "-q").returncode == 1
    assert cpto("review", *w, "--fail-under", "50", "-q").returncode == 0


def test_repositories_sharing_a_folder_name_are_told_apart_and_counted_once(make_repo, tmp_path: Path):
    root = tmp_path / "product"
    root.mkdir()
    shas = {}
    for team in ("x", "y"):
        (root / team).mkdir()
        r = make_repo(f"product/{team}/api")
        for n in range(22):
            r.commit(f"tidy {n}", {f"m{n}.py": f"v = {n}\n"})
        shas[team] = r.commit("Export invoices as CSV spreadsheet", {"invoice_csv.py": "def export(): ...\n"})
    (root / "docs/prd").mkdir(parents=True)
    (root / "docs/prd/billing.md").write_text(PRD)
    (root / "cpto.toml").write_text('[workspace]\nrepos = ["x/api", "y/api", "x/api/"]\n')
    found = by_id(review_json("-w", str(root)))
    linked = [
        (link["ref"], link["repo"])
        for link in found["BIL-1"]["links"]
        if link["linked"] and link["kind"] == "commit"
    ]
    assert sorted(linked) == sorted([(shas["x"], "x/api"), (shas["y"], "y/api")])
    assert found["BIL-1"]["effort"]["commits"] == 2

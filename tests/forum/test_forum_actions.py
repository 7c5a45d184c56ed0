"""Writing from the forum: a confirm is the same verdict record and git commit as the CLI's; other
people's text stays text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from starlette.testclient import TestClient
from tests.forum.conftest import BASE


def _git(demo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(demo), *args], capture_output=True, text=True, check=True).stdout


def test_confirm_writes_the_verdict_and_commits_it(client: TestClient, demo: Path) -> None:
    page = client.get("/review").text
    found = re.search(
        r'name="prd" value="([^"]+)"><input type="hidden" name="requirement" value="([^"]+)">'
        r'<input type="hidden" name="ref" value="([0-9a-f]{40})">',
        page,
    )
    assert found, "no commit candidate offered for a verdict"
    prd, rid, ref = found.groups()
    before = _git(demo, "rev-parse", "HEAD")
    response = client.post(
        "/review/verdict",
        data={"prd": prd, "requirement": rid, "ref": ref, "action": "confirm"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/review#{rid}"
    record = Path(prd).with_suffix(".review.yaml")
    assert ref in record.read_text()
    assert _git(demo, "rev-parse", "HEAD") != before
    assert _git(demo, "log", "-1", "--format=%s") == f"review {rid}: confirm {ref}\n"
    assert _git(demo, "status", "--porcelain", "--", str(record)) == ""


def test_a_bad_verdict_is_one_line_and_writes_nothing(client: TestClient, demo: Path) -> None:
    before = _git(demo, "rev-parse", "HEAD")
    response = client.post(
        "/review/verdict",
        data={"prd": "/etc/passwd", "requirement": "CHK-1", "ref": "HEAD", "action": "confirm"},
        headers={"Referer": f"{BASE}/review"},
    )
    assert response.status_code == 400
    assert response.text.count("\n") == 1 and "not a PRD of this workspace" in response.text
    assert _git(demo, "rev-parse", "HEAD") == before


def test_a_script_in_a_prd_title_is_shown_as_text(client: TestClient, demo: Path) -> None:
    prd = demo / "docs" / "prd" / "evil.md"
    prd.write_text(
        "---\ntitle: <script>alert(1)</script>\ntarget: 2026-12-01\n---\n# Evil\n\n"
        "## Requirements\n- EVL-1: <script>alert(2)</script> shows nothing\n"
    )
    for path in ("/review", "/"):
        page = client.get(path).text
        assert "<script>" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/review").text

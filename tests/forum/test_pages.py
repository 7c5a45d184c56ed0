"""The forum over the demo workspace: the token guard, every page, and the same numbers as the CLI."""

from __future__ import annotations

import contextlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient
from tests.forum.conftest import BASE, TOKEN
from typer.testing import CliRunner

from cpto.cli import app as cli
from cpto.forum.app import create_app
from cpto.workspace import load_workspace

PAGES = (
    "/",
    "/review",
    "/roadmap",
    "/heartbeat",
    "/heartbeat?week=2026-W45",
    "/incidents",
    "/decisions",
    "/strategy",
    "/people",
)


def _anonymous(demo: Path) -> TestClient:
    return TestClient(create_app(load_workspace(demo), TOKEN), base_url=BASE)


def test_every_page_needs_the_token(demo: Path) -> None:
    anonymous = _anonymous(demo)
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.text.count("\n") == 1
    assert anonymous.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    anonymous.cookies.set("cpto_token", "wrong")
    assert anonymous.get("/").status_code == 401


def test_token_in_the_url_sets_a_strict_cookie_and_leaves_the_url(demo: Path) -> None:
    anonymous = _anonymous(demo)
    response = anonymous.get(f"/heartbeat?token={TOKEN}&week=2026-W45", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/heartbeat?week=2026-W45"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert anonymous.get("/heartbeat?week=2026-W45").status_code == 200  # the cookie now carries it


def test_bearer_header_works(demo: Path) -> None:
    response = _anonymous(demo).get("/decisions", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "D-0007" in response.text


def test_every_page_renders_with_navigation_and_when_read(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert '<a href="/review">Product review</a>' in response.text or "aria-current" in response.text
        assert "data read 20" in response.text


def _cli_json(demo: Path, *args: str, client: TestClient | None = None) -> dict[str, object]:
    """The CLI's JSON, run in this process: with a forum running here, under the forum's index lock,
    as the forum's own background threads (start-up pages, the weekly snapshot) read the index."""
    with client.app.state.forum.lock if client is not None else contextlib.nullcontext():  # type: ignore[attr-defined]
        result = CliRunner().invoke(cli, [*args, "--workspace", str(demo), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_review_page_shows_the_cli_numbers_and_links_evidence_to_github(
    client: TestClient, demo: Path
) -> None:
    data = _cli_json(demo, "review", client=client)
    page = client.get("/review").text
    requirements = data["requirements"]
    assert isinstance(requirements, list)
    for r in requirements:
        assert f'id="{r["id"]}"' in page
    shipped = sum(1 for r in requirements if r["status"] == "shipped")
    assert shipped > 0
    assert page.count('<span class="tag good">shipped</span>') >= shipped
    assert re.search(r'href="https://github\.com/acme/shop/(commit/[0-9a-f]{40}|pull/\d+)"', page)


def test_decisions_page_shows_the_cli_rows(client: TestClient, demo: Path) -> None:
    data = _cli_json(demo, "decision", "list", client=client)
    page = client.get("/decisions").text
    decisions = data["decisions"]
    assert isinstance(decisions, list) and decisions
    for d in decisions:
        assert f"<td >{d['id']}</td>" in page


def test_home_links_what_needs_attention(client: TestClient) -> None:
    page = client.get("/").text
    assert '<a href="/heartbeat">stop cord: ALARM-1' in page  # the demo's open stop cord
    assert '<a href="/decisions">decision: D-0007' in page  # past its 2d SLA
    assert re.search(r'<a href="/review#[A-Z]+-\d+">requirement: ', page)


def test_heartbeat_week_picker_reads_another_week(client: TestClient) -> None:
    week45 = client.get("/heartbeat?week=2026-W45").text
    assert "2026-W45" in week45
    assert 'value="2026-W45"' in week45
    assert client.get("/heartbeat?week=not-a-week").status_code == 400


def test_post_from_another_origin_is_refused(client: TestClient) -> None:
    form = {"prd": "x", "requirement": "CHK-1", "ref": "HEAD", "action": "confirm"}
    assert client.post("/review/verdict", data=form).status_code == 403  # no Origin, no Referer
    evil = client.post("/review/verdict", data=form, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403


def test_serve_on_another_interface_needs_an_explicit_token(demo: Path) -> None:
    env = {k: v for k, v in __import__("os").environ.items() if k != "CPTO_TOKEN"}
    run = subprocess.run(
        [sys.executable, "-m", "cpto", "serve", "-w", str(demo), "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "--token" in run.stderr


def test_a_token_the_user_gave_is_never_printed(demo: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**__import__("os").environ, "CPTO_TOKEN": "s3cret-given-by-the-user"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cpto", "serve", "-w", str(demo), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert f"http://127.0.0.1:{port}/?token=<your token>" in first
    assert "s3cret" not in first


def test_the_incidents_page_is_the_shared_timeline_then_every_incident(
    client: TestClient, demo: Path
) -> None:
    page = client.get("/incidents").text
    timeline = json.loads(CliRunner().invoke(cli, ["timeline", "-w", str(demo), "--json"]).stdout)
    assert "Incidents and the shared timeline" in page and "INC-3" in page
    refs = {m["ref"] for m in timeline["timeline"]}
    assert refs and all(html.escape(ref) in page for ref in refs)  # every moment the CLI lists
    assert "v1.5.0" in page  # a deploy on the timeline

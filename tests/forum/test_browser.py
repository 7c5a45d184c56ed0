"""The forum driven as a person would, in Debian's chromium through Playwright: open Home with the start
URL, go to the product review, follow a requirement to its evidence, confirm a link and see the record
change in git, then open the heartbeat for another week."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.forum.conftest import TOKEN

from cpto.forum.app import create_app
from cpto.workspace import load_workspace

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (`make browser` installs it)"
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo: Path) -> Iterator[str]:
    """``cpto serve`` over the demo, as uvicorn runs it, on a free loopback port."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        create_app(load_workspace(demo), TOKEN), host="127.0.0.1", port=port, log_level="error"
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.started, "the forum did not start"
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_a_leader_reviews_confirms_and_looks_at_another_week(server: str, demo: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(f"{server}/?token={TOKEN}")
        assert "token=" not in page.url  # the token became a cookie and left the address bar
        assert "ALARM-1" in page.content()  # the stop cord pulled today needs attention

        page.click("nav >> text=Product review")
        page.wait_for_url(f"{server}/review")
        form = page.locator("form.verdict").filter(has=page.locator('button[value="confirm"]')).first
        rid = form.locator('input[name="requirement"]').get_attribute("value")
        ref = form.locator('input[name="ref"]').get_attribute("value")
        assert rid and ref
        evidence = page.locator(f'[id="{rid}"] a').first.get_attribute("href") or ""
        assert ref in evidence or "/pull/" in evidence  # the requirement's evidence on the forge
        before = git(demo, "rev-parse", "HEAD")
        form.locator('button[value="confirm"]').click()
        page.wait_for_url(f"{server}/review#{rid}")
        assert git(demo, "rev-parse", "HEAD") != before
        assert git(demo, "log", "-1", "--format=%s").strip() == f"review {rid}: confirm {ref}"

        page.click("nav >> text=Heartbeat")
        page.fill('input[name="week"]', "2026-W45")
        page.click("form.forum button")
        page.wait_for_url(f"{server}/heartbeat?week=2026-W45")
        assert "2026-W45" in page.content() and "v1.5.0" in page.content()
        browser.close()

"""``cpto snapshot`` and ``cpto digest`` on the real demo workspace, with the real index."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from tests.cli.test_cli import assert_clean_error, cpto


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s2demo") / "acme"
    assert cpto("demo", str(path)).returncode == 0
    return path


def _snapshot(demo: Path, week: str) -> dict[str, Any]:
    proc = cpto("snapshot", "-w", str(demo), "--week", week, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _figure(data: dict[str, Any], name: str, subject: str = "") -> dict[str, Any]:
    return next(f for f in data["figures"] if f["name"] == name and f["subject"] == subject)


def test_snapshot_stores_the_heartbeats_figures_and_the_reviews_counts(demo):
    data = _snapshot(demo, "2026-W45")
    assert data["week"] == "2026-W45"
    assert Path(data["file"]) == demo / ".cpto" / "snapshots.duckdb"
    beat = json.loads(cpto("heartbeat", "-w", str(demo), "--week", "2026-W45", "--json").stdout)
    assert (
        _figure(data, "change lead time")["value"] == beat["delivery"]["metrics"]["change_lead_time"]["value"]
    )
    assert _figure(data, "open stop cords")["value"] == 1
    prds = {f["subject"] for f in data["figures"] if f["subject"]}
    assert prds and all(s.endswith(".md") for s in prds)
    review = json.loads(cpto("review", "-w", str(demo), "--json").stdout)
    shipped = sum(1 for r in review["requirements"] if r["status"] == "shipped")
    assert sum(f["value"] for f in data["figures"] if f["name"] == "shipped") == shipped


def test_taking_a_week_again_replaces_it(demo):
    import duckdb

    _snapshot(demo, "2026-W44")
    _snapshot(demo, "2026-W44")
    con = duckdb.connect(str(demo / ".cpto" / "snapshots.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT count(*), count(DISTINCT taken_at) FROM snapshots WHERE week = '2026-W44'")
        count, times = rows.fetchone() or (0, 0)
    finally:
        con.close()
    assert count == len(_snapshot(demo, "2026-W44")["figures"]) and times == 1


def test_digest_shows_the_snapshots_values_as_was_and_survives_a_rebuild(demo):
    data = _snapshot(demo, "2026-W45")
    assert cpto("index", "-w", str(demo), "--rebuild", "--quiet").returncode == 0
    proc = cpto("digest", "-w", str(demo), "--week", "2026-W46", "--quiet")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "compared with the snapshot of 2026-W45" in text
    lead = _figure(data, "change lead time")["detail"]
    assert "change lead time: " in text and f"(was {lead})" in text
    assert "commits: " in text and f"(was {_figure(data, 'commits')['value']:g})" in text
    assert text.index("Stop cords open") < text.index("Needs someone") < text.index("Delivery")
    assert "point person li" in text
    assert len(text.splitlines()) <= 40


def test_unknown_stays_unknown_in_snapshot_and_digest(demo):
    data = _snapshot(demo, "2026-W46")
    recovery = _figure(data, "failed deployment recovery time")
    assert recovery["value"] is None and recovery["detail"].startswith("unknown: ")
    _snapshot(demo, "2026-W45")
    text = cpto("digest", "-w", str(demo), "--week", "2026-W47", "--quiet").stdout
    line = next(x for x in text.splitlines() if x.startswith("- failed deployment recovery time"))
    assert ": 0" not in line and "unknown" in line


def test_digest_escapes_record_text(demo):
    alarm = next((demo / "alarms").glob("*.md"))
    original = alarm.read_text()
    try:
        alarm.write_text(original.replace("Checkout p95", "Checkout [click](javascript:x) *boom*"))
        text = cpto("digest", "-w", str(demo), "--week", "2026-W46", "--quiet").stdout
    finally:
        alarm.write_text(original)
    assert "\\[click\\]\\(javascript:x) \\*boom\\*" in text


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    status: ClassVar[int] = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append(json.loads(body))
        self.send_response(_Hook.status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[HTTPServer]:
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hook.received.clear()
    _Hook.status = 200
    yield server
    server.shutdown()
    server.server_close()


def test_post_sends_the_digest_as_json_text(demo, hook):
    url = f"http://127.0.0.1:{hook.server_port}/services/T0/B0/secret-key"
    proc = cpto("digest", "-w", str(demo), "--week", "2026-W46", "--post", url)
    assert proc.returncode == 0, proc.stderr
    assert len(_Hook.received) == 1 and "**Delivery (DORA 2024)**" in _Hook.received[0]["text"]
    assert "secret-key" not in proc.stderr + proc.stdout
    assert f"127.0.0.1:{hook.server_port}" in proc.stderr


def test_post_refused_or_unreachable_is_one_line_without_the_secret(demo, hook):
    _Hook.status = 500
    url = f"http://127.0.0.1:{hook.server_port}/services/secret-key"
    proc = cpto("digest", "-w", str(demo), "--week", "2026-W46", "--post", url)
    assert_clean_error(proc, "500", "not posted")
    assert "secret-key" not in proc.stderr
    hook.shutdown()
    hook.server_close()
    proc = cpto("digest", "-w", str(demo), "--week", "2026-W46", "--post", url)
    assert_clean_error(proc, "could not reach", f"127.0.0.1:{hook.server_port}")
    assert "secret-key" not in proc.stderr
    assert_clean_error(cpto("digest", "-w", str(demo), "--post", "ftp://x/secret-key"), "not an http")

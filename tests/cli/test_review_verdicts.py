"""``cpto review confirm|reject|defer|drop`` driven like a user, on real git repositories; and ``cpto
review`` itself still taking PRDs and options as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.test_cli import assert_clean_error, cpto
from tests.conftest import Repo

from cpto.review.verdicts import read_verdicts, verdicts_path

PEOPLE = """\
people:
  - handle: dana
    discipline: product
    emails: [dana@acme.example]
  - handle: li
    discipline: engineering
"""
CHECKOUT = """\
# Checkout

## Requirements

- CHK-1: Guest checkout without an account
- CHK-2: Tax summary on the order page
- CHK-4: Apple Pay and Google Pay
"""


@pytest.fixture
def ws(make_repo) -> Repo:  # type: ignore[no-untyped-def]
    repo: Repo = make_repo("ws")
    repo.commit(
        "docs: checkout PRD",
        {
            "docs/prd/checkout.md": CHECKOUT,
            "people.yaml": PEOPLE,
            "api/cart.py": "def cart():\n    return []\n",
        },
    )
    for number in (0, 1, 2, 3, 7, 42):  # pull requests squash-merged, so "#N" names something
        repo.commit(f"chore: tidy {number} (#{number})", {f"api/tidy{number}.py": f"n = {number}\n"})
    repo.commit("feat(api): guest checkout (CHK-1)", {"api/guest.py": "def guest():\n    return 1\n"})
    return repo


def run(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    proc = cpto("review", *args, "--workspace", str(repo.path))
    assert proc.returncode == 0, proc.stderr
    return proc


def prd(repo: Repo) -> Path:
    return repo.path / "docs" / "prd" / "checkout.md"


def test_verdicts_are_written_beside_the_prd_and_read_back(ws):
    sha = ws.git("rev-parse", "HEAD")
    done = run(ws, "confirm", "CHK-1", sha[:7])
    assert f"CHK-1: confirmed {sha}" in done.stderr and done.stdout == ""
    run(
        ws,
        "confirm",
        "chk-1",
        "#42",
        "--by",
        "li",
        "--reason",
        "the pull request",
        "--at",
        "2026-11-03T16:00",
    )
    run(ws, "reject", "CHK-1", "api/cart.py", "--by", "li", "--reason", "shares words only")
    run(ws, "defer", "CHK-4", "--reason", "after the payments migration", "--at", "2026-11-05T10:00+01:00")
    run(ws, "drop", "CHK-2", "--reason", "legal: tax shown at checkout already", "--by", "li")

    verdicts = read_verdicts(prd(ws))
    chk1 = verdicts.requirements["CHK-1"]
    assert [(v.ref, v.by) for v in chk1.confirmed] == [(sha, "dana"), ("#42", "li")]  # dana: her git email
    assert chk1.confirmed[1].at is not None and chk1.confirmed[1].day == "2026-11-03"
    assert [(v.ref, v.reason) for v in chk1.rejected] == [("api/cart.py", "shares words only")]
    deferred = verdicts.requirements["CHK-4"].deferred
    assert deferred is not None and deferred.at is not None and deferred.at.hour == 9  # stored in UTC
    assert verdicts.requirements["CHK-2"].dropped is not None
    text = verdicts_path(prd(ws)).read_text()
    assert (
        "CHK-4:\n  deferred: {by: dana, at: 2026-11-05T09:00Z, reason: after the payments migration}\n"
        in text
    )
    assert "CHK-2:\n  dropped: {by: li, at: " in text and 'reason: "legal: tax shown' in text

    again = run(ws, "confirm", "CHK-1", sha)
    assert "already" in again.stderr and verdicts_path(prd(ws)).read_text() == text


def test_confirming_a_rejected_ref_takes_the_rejection_back(ws):
    run(ws, "reject", "CHK-1", "api/cart.py", "--by", "li")
    run(ws, "confirm", "CHK-1", "api/cart.py", "--by", "li")
    chk1 = read_verdicts(prd(ws)).requirements["CHK-1"]
    assert [v.ref for v in chk1.confirmed] == ["api/cart.py"] and chk1.rejected == ()


def test_a_path_is_read_from_where_you_stand(ws):
    proc = cpto("review", "confirm", "CHK-1", "cart.py", "-w", str(ws.path), cwd=ws.path / "api")
    assert proc.returncode == 0, proc.stderr
    assert read_verdicts(prd(ws)).requirements["CHK-1"].confirmed[0].ref == "api/cart.py"


def test_commit_records_the_verdicts_file_alone(ws):
    ws.write("api/wip.py", "x = 1\n")
    ws.git("add", "api/wip.py")  # someone's staged work stays staged
    run(ws, "defer", "CHK-4", "--reason", "Q2", "--commit")
    run(ws, "reject", "CHK-1", "api/cart.py", "--commit")
    assert ws.git("log", "-3", "--format=%s").splitlines() == [
        "review CHK-1: reject api/cart.py",
        "review CHK-4: defer",
        "feat(api): guest checkout (CHK-1)",
    ]
    for rev in ("HEAD", "HEAD~1"):
        assert ws.git("show", "--name-only", "--format=", rev) == "docs/prd/checkout.review.yaml"
    assert ws.git("diff", "--cached", "--name-only") == "api/wip.py"


def test_hostile_reasons_round_trip_through_the_command_line(ws):
    reason = 'line one\nline two: "quoted" # not a comment, {a: b}, - item, yes, ~, 😀\u2028end'
    run(ws, "drop", "CHK-4", "--reason", reason)
    run(ws, "confirm", "CHK-1", "#7", "--reason", reason)
    verdicts = read_verdicts(prd(ws))
    dropped = verdicts.requirements["CHK-4"].dropped
    assert dropped is not None and dropped.reason == reason
    assert verdicts.requirements["CHK-1"].confirmed[0].reason == reason
    assert len(verdicts_path(prd(ws)).read_text().splitlines()) == 7


def test_an_unknown_requirement_is_one_line_listing_the_nearest(ws):
    proc = cpto("review", "confirm", "CHK-3", "#1", "-w", str(ws.path))
    assert_clean_error(proc, str(ws.path), "no requirement 'CHK-3'", "nearest: CHK-1, CHK-2, CHK-4")
    assert not verdicts_path(prd(ws)).exists()


def test_an_id_in_two_prds_needs_prd(ws):
    other = ws.write("docs/prd/wallet.md", "# Wallet\n\n- CHK-4: Wallet passes\n")
    assert_clean_error(
        cpto("review", "defer", "CHK-4", "--reason", "x", "-w", str(ws.path)),
        "CHK-4 is a requirement of",
        "--prd",
    )
    run(ws, "defer", "CHK-4", "--reason", "x", "--prd", str(other))
    assert read_verdicts(other).requirements["CHK-4"].deferred is not None
    assert not verdicts_path(prd(ws)).exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("confirm", "CHK-1", "0000000"), ("0000000: not a commit of", "a pull request (#N)")),
        (("confirm", "CHK-1", "api/nope.py"), ("api/nope.py: not a commit",)),
        (("confirm", "CHK-1", "#1", "--by", "zed"), ("people.yaml", "no person with handle 'zed'")),
        (("defer", "CHK-1", "--reason", " "), ("--reason: say why CHK-1 is deferred",)),
        (("drop", "CHK-1", "--reason", "x", "--at", "soon"), ("--at", "'soon' is not a date")),
        (("confirm", "CHK-1", "#1", "--prd", "nope.md"), ("nope.md: file not found",)),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(ws, args, fragments):
    assert_clean_error(cpto("review", *args, "-w", str(ws.path)), *fragments)
    assert not verdicts_path(prd(ws)).exists()


def test_someone_git_does_not_know_must_say_who(ws, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "stranger@example.com")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Stranger")
    assert_clean_error(
        cpto("review", "confirm", "CHK-1", "#1", "-w", str(ws.path)),
        "people.yaml",
        "Stranger <stranger@example.com> is nobody in it",
        "--by",
    )
    (ws.path / "people.yaml").unlink()  # no people.yaml: the git name is who
    run(ws, "confirm", "CHK-1", "#1")
    assert read_verdicts(prd(ws)).requirements["CHK-1"].confirmed[0].by == "Stranger"


def test_a_verdicts_file_linking_outside_the_workspace_is_refused(ws, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("# someone else's file\n")
    verdicts_path(prd(ws)).symlink_to(outside)
    proc = cpto("review", "confirm", "CHK-1", "#1", "-w", str(ws.path), "--commit")
    assert_clean_error(proc, str(verdicts_path(prd(ws))), "outside the workspace", "nothing was written")
    assert outside.read_text() == "# someone else's file\n"
    assert ws.git("log", "-1", "--format=%s") == "feat(api): guest checkout (CHK-1)"


def test_a_broken_verdicts_file_is_reported_not_edited(ws):
    path = verdicts_path(prd(ws))
    path.write_text("CHK-1:\n  confirmed:\n    - {ref: abc1, by: dana, at: tomorrow}\n")
    assert_clean_error(
        cpto("review", "confirm", "CHK-1", "#1", "-w", str(ws.path)), f"{path}:3", "'tomorrow'"
    )
    assert path.read_text() == "CHK-1:\n  confirmed:\n    - {ref: abc1, by: dana, at: tomorrow}\n"


def test_check_validates_verdicts_files(ws):
    sha = ws.git("rev-parse", "HEAD")
    run(ws, "confirm", "CHK-1", sha)
    ok = cpto("check", "-w", str(ws.path), "--json")
    assert ok.returncode == 0, ok.stdout
    path = verdicts_path(prd(ws))
    with path.open("a") as handle:
        handle.write("CHK-7:\n  rejected:\n    - {ref: deadbeef, by: li}\n")
    bad = cpto("check", "-w", str(ws.path), "--json")
    assert bad.returncode == 1
    problems = [(p["level"], p["where"], p["message"]) for p in json.loads(bad.stdout)["problems"]]
    assert (
        "error",
        f"{path}:6",
        "no requirement 'CHK-7' in checkout.md; nearest: CHK-1, CHK-2, CHK-4",
    ) in problems
    assert ("error", f"{path}:8", "CHK-7: deadbeef is not a commit in the repository") in problems
    path.write_text("CHK-1: [oops]\n")
    broken = json.loads(cpto("check", "-w", str(ws.path), "--json").stdout)
    assert broken["errors"] == 1 and broken["problems"][0]["where"] == f"{path}:1"
    assert broken["checked"]["verdict files"] == 1


def test_review_help_lists_the_verdict_commands_with_examples():
    proc = cpto("review", "--help")
    assert proc.returncode == 0
    for example in (
        "cpto review confirm CHK-1",
        "cpto review reject",
        "cpto review defer",
        "cpto review drop",
    ):
        assert example in proc.stdout
    assert "--fail-under" in proc.stdout  # the review's own options are still there
    for command in ("confirm", "reject", "defer", "drop"):
        sub = cpto("review", command, "--help")
        assert sub.returncode == 0 and "Example" in sub.stdout and f"cpto review {command}" in sub.stdout


def test_review_still_takes_prds_and_options(ws):
    proc = cpto("review", str(prd(ws)), "-w", str(ws.path), "--json", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert {r["id"] for r in json.loads(proc.stdout)["requirements"]} == {"CHK-1", "CHK-2", "CHK-4"}
    missing = cpto("review", "confirm.md", "-w", str(ws.path))  # a PRD name is not a command
    assert_clean_error(missing, "confirm.md")


def test_writers_at_once_keep_every_verdict(ws):
    """Four processes writing the same new verdicts file at once: one creates it, the rest edit it."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cpto", "review", "confirm", "CHK-1", f"#{n}", "-w", str(ws.path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    refs = sorted(v.ref for v in read_verdicts(prd(ws)).requirements["CHK-1"].confirmed)
    assert refs == ["#0", "#1", "#2", "#3"]

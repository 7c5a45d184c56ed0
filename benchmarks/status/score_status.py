"""Score ``cpto review`` statuses and releases against hand-checked truth on real public repositories.

For every ``*.truth.json`` next to this file (or the ones named on the command line) it clones the
repository's mirror at the recorded commit into a temporary workspace, copies the PRD into
``<ws>/docs/prd/``, writes a ``cpto.toml``, runs ``cpto review --workspace <ws> --json`` and compares each
requirement's status and first release with the truth. It is a measurement: it always exits 0.

    python benchmarks/status/score_status.py [--cpto .venv/bin/cpto] [--keep DIR] [TRUTH.json ...]

Mirrors are read from ``$MIRRORS/<owner>+<name>/repo`` (default ``/work/.mirror``); a repository whose
mirror is absent is skipped with a message. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
STATUSES = ("shipped", "in_progress", "unclear", "not_started", "deferred", "dropped")


def default_cpto() -> str:
    venv = PROJECT / ".venv" / "bin" / "cpto"
    if venv.exists():
        return str(venv)
    return shutil.which("cpto") or "cpto"


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def build_workspace(truth: dict[str, Any], truth_path: Path, mirror: Path, ws: Path) -> None:
    """``ws/repo``: a full clone of the mirror with HEAD on a ``main`` branch at the recorded commit (tags
    and the mirror's branches, as remote-tracking branches, kept); ``ws/docs/prd/<name>.md``: the PRD;
    ``ws/cpto.toml``: the repository and its release tag pattern."""
    repo = ws / "repo"
    ws.mkdir(parents=True, exist_ok=True)
    git("clone", "--quiet", "--no-local", str(mirror), str(repo))
    git("checkout", "--quiet", "-B", "main", truth["commit"], cwd=repo)
    head = git("rev-parse", "HEAD", cwd=repo).strip()
    if head != truth["commit"]:
        raise RuntimeError(f"HEAD is {head}, expected {truth['commit']}")
    prd = truth_path.parent / truth["prd"]
    (ws / "docs" / "prd").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(prd, ws / "docs" / "prd" / prd.name)
    tags = truth.get("tags", "*")
    (ws / "cpto.toml").write_text(
        f'[workspace]\nrepos = ["repo"]\n\n[deploys]\ntags = {json.dumps(tags)}\n', encoding="utf-8"
    )


def run_review(cpto: str, ws: Path) -> tuple[dict[str, Any] | None, str, float]:
    """cpto's review of the workspace as parsed JSON (None on failure), its standard error, and seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        [cpto, "review", "--workspace", str(ws), "--json"], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1 is a --fail-under gate, which is not used here
        return None, done.stderr, seconds
    try:
        return json.loads(done.stdout), done.stderr, seconds
    except json.JSONDecodeError as exc:
        return None, f"output is not JSON: {exc}\n{done.stderr}", seconds


def normal_status(value: Any) -> str:
    text = str(value or "").strip().lower().replace(" ", "_").replace("-", "_")
    return text or "-"


def release_name(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        for key in ("name", "tag", "release"):
            if value.get(key):
                return str(value[key])
        return None
    return str(value) or None


def cpto_release(requirement: dict[str, Any]) -> str | None:
    """The ``release`` key when cpto gives one, else the first of ``releases``."""
    if "release" in requirement:
        return release_name(requirement["release"])
    releases = requirement.get("releases") or []
    return release_name(releases[0]) if releases else None


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def score(truth: dict[str, Any], review: dict[str, Any]) -> dict[str, Any]:
    found = {r.get("id"): r for r in review.get("requirements", [])}
    rows: list[list[str]] = []
    status_right = releases_right = shipped = 0
    confusion: dict[tuple[str, str], int] = {}
    for rid, t in truth["requirements"].items():
        got = found.get(rid)
        t_status = t["status"]
        c_status = normal_status(got.get("status")) if got else "(missing)"
        t_release = t.get("release")
        c_release = cpto_release(got) if got else None
        s_ok = c_status == t_status
        status_right += s_ok
        confusion[(t_status, c_status)] = confusion.get((t_status, c_status), 0) + 1
        verdict = "status " + ("right" if s_ok else "wrong")
        if t_status == "shipped":
            shipped += 1
            r_ok = c_release == t_release
            releases_right += r_ok
            verdict += ", release " + ("right" if r_ok else "wrong")
        reason = (got or {}).get("reason", "")
        rows.append(
            [
                rid,
                t_status,
                c_status,
                t_release or "-",
                c_release or "-",
                verdict,
                (reason[:70] + "...") if len(reason) > 73 else reason,
            ]
        )
    return {
        "rows": rows,
        "status_right": status_right,
        "total": len(truth["requirements"]),
        "releases_right": releases_right,
        "shipped": shipped,
        "confusion": confusion,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("truth", nargs="*", type=Path, help="truth files (default: *.truth.json here)")
    parser.add_argument("--cpto", default=default_cpto(), help="the cpto command (default: .venv/bin/cpto)")
    parser.add_argument("--keep", type=Path, help="build the workspaces in DIR and keep them")
    args = parser.parse_args(argv)

    mirrors = Path(os.environ.get("MIRRORS", "/work/.mirror"))
    truth_files = args.truth or sorted(HERE.glob("*.truth.json"))
    base = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="cpto-status-"))
    print(f"cpto: {args.cpto}\nworkspaces: {base}{'' if args.keep else ' (removed at the end)'}\n")
    totals = {"status_right": 0, "total": 0, "releases_right": 0, "shipped": 0}
    try:
        for truth_path in truth_files:
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            owner, name = truth["repo"].split("/")
            mirror = mirrors / f"{owner}+{name}" / "repo"
            print(
                f"== {truth['repo']} at {truth['commit'][:12]} ({truth_path.name}, tags {truth.get('tags', '*')!r})"
            )
            if not mirror.exists():
                print(f"skipped: no mirror at {mirror}\n")
                continue
            ws = base / name
            if ws.exists():
                shutil.rmtree(ws)
            try:
                build_workspace(truth, truth_path, mirror, ws)
            except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
                detail = getattr(exc, "stderr", "") or str(exc)
                print(f"skipped: could not build the workspace: {detail.strip()}\n")
                continue
            review, stderr, seconds = run_review(args.cpto, ws)
            if review is None:
                print(f"cpto review failed after {seconds:.1f} s:\n{stderr.strip()}\n")
                continue
            result = score(truth, review)
            print(
                table(
                    ["id", "truth", "cpto", "truth release", "cpto release", "verdict", "cpto reason"],
                    result["rows"],
                )
            )
            print(
                f"statuses right {result['status_right']}/{result['total']}; releases right for shipped "
                f"{result['releases_right']}/{result['shipped']}; cpto review {seconds:.1f} s"
            )
            wrong = {k: v for k, v in result["confusion"].items() if k[0] != k[1]}
            if wrong:
                print(
                    "wrong as (truth -> cpto): "
                    + ", ".join(f"{a} -> {b} x{n}" for (a, b), n in sorted(wrong.items()))
                )
            print()
            for key in totals:
                totals[key] += result[key]
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    if totals["total"]:
        print(
            f"TOTAL statuses right {totals['status_right']}/{totals['total']}; releases right for shipped "
            f"{totals['releases_right']}/{totals['shipped']}"
        )
    return 0


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
    sys.exit(0)

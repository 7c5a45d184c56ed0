"""Make an estate to benchmark: N generated repositories of M commits each, plus a real one if given.

    python benchmarks/estate_generate.py /tmp/estate --repos 1000 --commits 300 --pytest /tmp/pytest

Each repository is written by ONE ``git fast-import`` stream (seconds for a thousand repositories,
where ``git commit`` in a loop would take an hour), with what a real team's repository has: several
authors, files in folders, files added, modified and deleted, ``v1.N.0`` tags every few dozen commits
(the deploys ``cpto heartbeat`` counts), and commit dates spread over the year up to ``--until``. The
folder gets a ``cpto.toml`` listing every repository (``[workspace] repos = [...]``), so the estate is a
workspace ``cpto index -w`` reads whole. Repositories are generated in parallel: this is setup, not
what is measured.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

YEAR = 365 * 24 * 3600
UNTIL = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())
TEAM = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Ken Thompson",
    "Margaret Hamilton",
    "Donald Knuth",
    "Frances Allen",
    "John Backus",
    "Radia Perlman",
    "Leslie Lamport",
]
VERBS = [
    "feat: add",
    "fix: repair",
    "refactor: tidy",
    "docs: explain",
    "chore: bump",
    "test: cover",
    "perf: speed up",
]
FOLDERS = ["src/api", "src/core", "src/db", "src/ui", "tests", "docs", "scripts"]


def fast_import_stream(index: int, commits: int, until: int = UNTIL) -> bytes:
    """The whole history of repository ``index`` as one fast-import stream (deterministic per index)."""
    rng = random.Random(index)
    authors = rng.sample(TEAM, rng.randint(3, 7))
    clock = until - YEAR + rng.randint(0, 3600 * 24 * 7)
    step = max(60, (until - clock) // max(commits, 1))
    files: dict[str, list[str]] = {}
    serial = 0
    out: list[bytes] = []

    def new_name() -> str:
        nonlocal serial
        serial += 1
        folder = rng.choice(FOLDERS)
        suffix = ".md" if folder == "docs" else ".sh" if folder == "scripts" else ".py"
        return f"{folder}/file_{serial}{suffix}"

    for i in range(1, commits + 1):
        clock = min(until - 60, clock + rng.randint(step // 4, step * 7 // 4))
        who = rng.choice(authors)
        email = who.lower().replace(" ", ".") + "@example.com"
        message = f"{rng.choice(VERBS)} {rng.choice(FOLDERS)} (#{i})".encode()
        out.append(b"commit refs/heads/main\nmark :%d\n" % i)
        out.append(f"author {who} <{email}> {clock} +0000\n".encode())
        out.append(f"committer {who} <{email}> {clock} +0000\n".encode())
        out.append(b"data %d\n%s\n" % (len(message), message))
        if i > 1:
            out.append(b"from :%d\n" % (i - 1))
        changes: dict[str, list[str] | None] = {}
        for _ in range(rng.randint(1, 3) if files else 8):  # adds
            name = new_name()
            changes[name] = [f"# {name}"] + [
                f"line {j} {rng.random():.5f}" for j in range(rng.randint(5, 80))
            ]
        for name in rng.sample(sorted(files), min(len(files), rng.randint(0, 4))):  # modifies
            lines = list(files[name])
            for _ in range(rng.randint(1, 12)):
                pos = rng.randrange(len(lines) + 1)
                if rng.random() < 0.65 or len(lines) < 4:
                    lines.insert(pos, f"edit {i} {rng.random():.5f}")
                else:
                    del lines[min(pos, len(lines) - 1)]
            changes[name] = lines
        if len(files) > 20 and rng.random() < 0.15:  # deletes
            changes[rng.choice(sorted(files))] = None
        for name, content in changes.items():
            if content is None:
                out.append(f"D {name}\n".encode())
                files.pop(name, None)
            else:
                data = ("\n".join(content) + "\n").encode()
                out.append(f"M 100644 inline {name}\n".encode() + b"data %d\n" % len(data) + data + b"\n")
                files[name] = content
        if i % 40 == 0 or i == commits:
            out.append(b"reset refs/tags/v1.%d.0\nfrom :%d\n" % (i // 40, i))
    return b"".join(out)


def make_repository(path: Path, index: int, commits: int, checkout: bool = True) -> Path:
    """Create repository ``index`` at ``path`` from one fast-import stream; its work tree checked out."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=fast_import_stream(index, commits),
        check=True,
    )
    if checkout:
        subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True)
    return path


def _make(args: tuple[str, int, int]) -> str:
    make_repository(Path(args[0]), args[1], args[2])
    return args[0]


def make_estate(
    root: Path, repos: int, commits: int, *, extra: list[Path] | None = None, workers: int | None = None
) -> list[Path]:
    """``repos`` generated repositories under ``root/repos`` (kept when already there) and a cpto.toml
    listing them and ``extra`` (real repositories, e.g. a pytest clone); returns every repository."""
    folder = root / "repos"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"repo{i:04d}" for i in range(repos)]
    todo = [(str(p), i, commits) for i, p in enumerate(paths) if not (p / ".git").is_dir()]
    if todo:
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            list(pool.map(_make, todo, chunksize=8))
    every = paths + [p.resolve() for p in extra or []]
    listed = ",\n".join(f'  "{os.path.relpath(p, root)}"' for p in every)
    (root / "cpto.toml").write_text(f"[workspace]\nrepos = [\n{listed},\n]\n", encoding="utf-8")
    return every


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("root", type=Path)
    parser.add_argument("--repos", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--pytest", type=Path, help="a real repository to add to the estate")
    args = parser.parse_args()
    made = make_estate(args.root, args.repos, args.commits, extra=[args.pytest] if args.pytest else [])
    print(f"{len(made)} repositories; workspace {args.root / 'cpto.toml'}")


if __name__ == "__main__":
    main()

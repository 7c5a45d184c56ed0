"""Indexing real repositories: the first run, incremental runs, rewritten history and awkward repos."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cpto.errors import CptoError
from cpto.history import git, store
from cpto.history.indexer import IndexResult, index_repository


def index(repo_path: Path, index_path: Path) -> IndexResult:
    with store.open_index(index_path) as con:
        return index_repository(con, repo_path)


def query(index_path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with store.open_index(index_path, read_only=True) as con:
        return con.execute(sql).fetchall()


def commit_words(index_path: Path) -> dict[str, tuple[str, str]]:
    """sha -> (message words, path words) as the index keeps them, the word ids read back as words."""
    vocabulary = dict(query(index_path, "SELECT word_id, word FROM words"))
    rows = query(index_path, "SELECT sha, message, paths FROM commit_words")
    return {
        sha: (" ".join(vocabulary[i] for i in m), " ".join(vocabulary[i] for i in p)) for sha, m, p in rows
    }


def change_words(index_path: Path, sha: str | None = None) -> dict[str, str]:
    """Changed path -> the words its diff adds (of commit ``sha``, or of all commits)."""
    vocabulary = dict(query(index_path, "SELECT word_id, word FROM words"))
    rows = query(index_path, "SELECT sha, path, words FROM change_words")
    return {path: " ".join(vocabulary[i] for i in ids) for s, path, ids in rows if sha in (None, s)}


def test_first_run_reads_commits_changes_refs(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    result = index(repo.path, db)

    assert result.new_commits == 4 and result.total_commits == 4
    assert query(db, "SELECT count(*) FROM commits") == [(4,)]
    renamed = query(db, "SELECT path, old_path FROM file_changes WHERE old_path IS NOT NULL")
    assert renamed == [("api/basket.py", "api/cart.py")]
    assert query(db, 'SELECT path, added, "binary" FROM file_changes WHERE "binary"') == [
        ("web/logo.png", None, True)
    ]
    refs = query(db, "SELECT kind, name FROM refs ORDER BY kind, name")
    assert refs == [("branch", "main"), ("tag", "v1.0.0")]
    tag_target = query(db, "SELECT sha FROM refs WHERE name = 'v1.0.0'")[0][0]
    assert tag_target == repo.git("rev-parse", "v1.0.0^{commit}")


def test_commit_metadata_keeps_time_zones_and_message(make_repo, tmp_path):
    r = make_repo()
    sha = r.commit("feat: checkout\n\nLong body\nwith lines", {"a.txt": "a\n"}, tz="+0530")
    db = tmp_path / "i.duckdb"
    index(r.path, db)
    row = query(db, f"SELECT author_tz, committer_tz, message, parents FROM commits WHERE sha = '{sha}'")[0]
    assert row[0] == 330 and row[1] == 330
    assert row[2].startswith("feat: checkout\n\nLong body")
    assert row[3] == []


def test_second_run_reads_only_new_commits(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    again = index(repo.path, db)
    assert again.up_to_date and again.new_commits == 0

    repo.commit("feat: one more", {"api/more.py": "x = 1\n"})
    repo.commit("feat: and another", {"api/more.py": "x = 2\n"})
    third = index(repo.path, db)
    assert third.new_commits == 2 and third.total_commits == 6
    assert query(db, "SELECT count(DISTINCT sha) FROM commits") == [(6,)]


def test_new_tag_on_known_commit_updates_refs_without_reading_commits(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    repo.git("tag", "v1.1.0")
    result = index(repo.path, db)
    assert result.new_commits == 0
    assert ("v1.1.0",) in query(db, "SELECT name FROM refs WHERE kind = 'tag'")


def test_rewritten_history_drops_unreachable_commits(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    old_head = repo.git("rev-parse", "HEAD")
    repo.git("reset", "-q", "--hard", "HEAD~1")
    new_head = repo.commit("fix(api): a different fix", {"api/basket.py": "def cart():\n    return ()\n"})

    result = index(repo.path, db)
    assert result.rewritten and result.removed_commits == 1 and result.new_commits == 1
    shas = {row[0] for row in query(db, "SELECT sha FROM commits")}
    assert old_head not in shas and new_head in shas
    assert query(db, f"SELECT count(*) FROM file_changes WHERE sha = '{old_head}'") == [(0,)]


def test_rewrite_whose_old_tip_was_garbage_collected(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    old_head = repo.git("rev-parse", "HEAD")
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.git("tag", "-d", "v1.0.0")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    assert subprocess.run(["git", "-C", str(repo.path), "cat-file", "-e", old_head]).returncode != 0

    result = index(repo.path, db)
    assert result.removed_commits == 2 and result.total_commits == 2


def test_detached_head_commits_are_indexed(repo, tmp_path):
    repo.git("checkout", "-q", "--detach", "HEAD~1")
    sha = repo.commit("experiment on a detached HEAD", {"exp.txt": "x\n"})
    db = tmp_path / "index.duckdb"
    result = index(repo.path, db)
    assert result.total_commits == 5
    assert query(db, "SELECT kind, sha FROM refs WHERE kind = 'head'") == [("head", sha)]


def test_merge_commits_record_both_parents(repo, tmp_path):
    repo.git("checkout", "-q", "-b", "feature/gift-cards")
    repo.commit("feat: gift cards", {"billing/gift.py": "GIFT = 1\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("docs: readme", {"README.md": "# Acme checkout\n"})
    repo.git("merge", "-q", "--no-ff", "feature/gift-cards", "-m", "Merge branch 'feature/gift-cards'")
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    merges = query(db, "SELECT len(parents) FROM commits WHERE message LIKE 'Merge branch%'")
    assert merges == [(2,)]


def test_empty_repository_indexes_nothing(make_repo, tmp_path):
    r = make_repo("empty")
    result = index(r.path, tmp_path / "index.duckdb")
    assert result.empty and result.total_commits == 0
    assert any("no commits yet" in w for w in result.warnings)


def test_not_a_repository_is_a_clear_error(tmp_path):
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(CptoError, match="not a git repository"):
        index(folder, tmp_path / "index.duckdb")
    with pytest.raises(CptoError, match="does not exist"):
        index(tmp_path / "missing", tmp_path / "index.duckdb")


def test_shallow_clone_is_indexed_with_a_warning(repo, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True)
    result = index(clone, tmp_path / "index.duckdb")
    assert result.shallow and result.total_commits == 2
    assert any("shallow clone" in w for w in result.warnings)


def test_partial_clone_indexes_what_it_can_and_reports_the_rest(repo, tmp_path):
    clone = tmp_path / "partial"
    repo.git("config", "uploadpack.allowFilter", "true")
    subprocess.run(
        ["git", "clone", "-q", "--filter=blob:none", f"file://{repo.path}", str(clone)],
        check=True,
        capture_output=True,
    )
    shutil.move(repo.path, tmp_path / "origin-gone")  # the promisor remote can no longer be reached

    result = index(clone, tmp_path / "index.duckdb")
    assert result.partial and result.total_commits == 4
    assert result.problems, "older commits need blobs the clone never fetched"
    assert any("could not be read completely" in w for w in result.warnings)
    complete = query(tmp_path / "index.duckdb", "SELECT count(*) FROM commits WHERE NOT diff_complete")
    assert complete[0][0] == len(result.problems)


def test_corrupt_object_store_is_a_clear_error_and_keeps_the_index(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    repo.commit("feat: new work", {"api/new.py": "y = 1\n"})
    head_tree = repo.git("rev-parse", "HEAD")
    obj = repo.path / ".git" / "objects" / head_tree[:2] / head_tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"garbage")

    with pytest.raises(CptoError) as err:
        index(repo.path, db)
    assert "\n" not in err.value.message
    assert query(db, "SELECT count(*) FROM commits") == [(4,)]


def test_non_utf8_message_and_path(make_repo, tmp_path):
    r = make_repo()
    r.write(b"docs/caf\xe9.md", "menu\n")
    sha = r.commit(b"docs: caf\xe9 menu (latin-1 bytes)")
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    (message,) = query(db, f"SELECT message FROM commits WHERE sha = '{sha}'")[0]
    assert message.startswith("docs: caf") and "menu (latin-1 bytes)" in message
    assert query(db, "SELECT path FROM file_changes") == [("docs/caf\\xe9.md",)]


def test_large_commit_and_large_file(make_repo, tmp_path):
    r = make_repo()
    files: dict[str, str | bytes] = {f"gen/file_{i:04d}.txt": f"line {i}\n" for i in range(2000)}
    files["data/blob.bin"] = os.urandom(4 << 20)
    files["data/big.txt"] = "row\n" * 200_000
    r.commit("chore: vendor generated files", files)
    db = tmp_path / "index.duckdb"
    result = index(r.path, db)
    assert result.total_commits == 1
    assert query(db, "SELECT files, added FROM commits") == [(2002, 202_000)]
    assert query(db, "SELECT \"binary\" FROM file_changes WHERE path = 'data/blob.bin'") == [(True,)]


def test_submodule_is_recorded_not_followed(make_repo, tmp_path):
    sub = make_repo("sub")
    sub.commit("init sub", {"lib.py": "x = 1\n"})
    main = make_repo("main")
    main.commit("init", {"app.py": "print(1)\n"})
    main.git("submodule", "add", "-q", str(sub.path), "vendor/sub")
    main.commit("chore: add submodule")
    db = tmp_path / "index.duckdb"
    result = index(main.path, db)
    assert result.total_commits == 2
    paths = {row[0] for row in query(db, "SELECT path FROM file_changes")}
    assert {"app.py", ".gitmodules", "vendor/sub"} <= paths
    assert "vendor/sub/lib.py" not in paths


def test_interrupted_run_leaves_previous_index_usable(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    for i in range(30):
        repo.commit(f"feat: step {i}", {f"api/step_{i}.py": f"STEP = {i}\n"})

    # A second process that is killed (SIGKILL, no clean-up) right after writing its first batch.
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from cpto.history import git, indexer, store

        real_insert = store.insert_batch
        def insert_then_die(con, repo_id, batch):
            real_insert(con, repo_id, batch)
            os.kill(os.getpid(), signal.SIGKILL)
        store.insert_batch = insert_then_die
        with store.open_index(Path({str(db)!r})) as con:
            indexer.index_repository(con, Path({str(repo.path)!r}))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9

    assert query(db, "SELECT count(*) FROM commits") == [(4,)]
    result = index(repo.path, db)
    assert result.new_commits == 30 and result.total_commits == 34


def test_index_in_use_is_a_clear_error(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"ok"
        with pytest.raises(CptoError, match="in use by another"):
            index(repo.path, db)
    finally:
        holder.kill()
        holder.wait()


def test_an_index_folder_that_is_a_file_is_a_clear_error(repo, tmp_path):
    (tmp_path / ".cpto").write_text("not a folder")
    with pytest.raises(CptoError, match=r"\.cpto: cannot hold the index"):
        index(repo.path, tmp_path / ".cpto" / "index.duckdb")


def test_parallel_chunked_readers_see_the_same_history_as_one(repo):
    for i in range(40):
        repo.commit(f"fix: bug {i}", {f"billing/b{i % 5}.py": f"V = {i}\n"})
    shas = git.rev_list(repo.path, ["HEAD"])

    def changes(**kwargs: int) -> list[tuple[str, str, int | None]]:
        rows = []
        for batch in git.read_commits(repo.path, shas, **kwargs):
            rows += zip(batch.change_sha, batch.change_path, batch.change_added, strict=True)
        return sorted(rows)

    one = changes(jobs=1)
    assert len(one) == 45
    assert changes(jobs=2, chunk_size=7, batch_size=3) == one


def test_a_file_in_a_repository_without_commits_has_no_history(make_repo):
    from cpto.history.git import file_history

    repo = make_repo()
    (repo.path / "roadmap.yaml").write_text("items: []\n")
    assert file_history(repo.path / "roadmap.yaml") == []


def test_search_words_are_kept_per_commit_and_per_changed_file(make_repo, tmp_path):
    """What a review searches is computed once, here: message and path words, and what each diff adds."""
    r = make_repo()
    sha = r.commit(
        "Add the invoiceExporter",
        {
            "billing/exportCsv.py": "def export_invoice_rows(rows):\n    # spreadsheet friendly\n    return rows\n"
        },
    )
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    assert commit_words(db) == {sha: ("add the invoice exporter", "billing export csv py")}
    [(path, words)] = change_words(db, sha).items()
    assert path == "billing/exportCsv.py"
    assert set(words.split()) >= {"export", "invoice", "rows", "spreadsheet", "friendly"}
    # Each word once in the vocabulary, whatever the number of times commits use it.
    assert (
        query(db, "SELECT count(*), count(DISTINCT word) FROM words")[0]
        == (len(set(" ".join([*commit_words(db)[sha], words]).split())),) * 2
    )


def test_an_index_from_before_search_words_gets_them_on_the_next_run(repo, tmp_path):
    db = tmp_path / "index.duckdb"
    index(repo.path, db)
    with store.open_index(db) as con:  # what a cpto from before the word tables left behind
        con.execute("DROP TABLE commit_words")
        con.execute("DROP TABLE change_words")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    result = index(repo.path, db)
    assert result.up_to_date
    assert query(db, "SELECT count(*) FROM commit_words") == [(4,)]


def test_diff_text_that_looks_like_the_readers_markers_is_just_text(make_repo, tmp_path):
    """File content and messages holding the record separators git output is split on change nothing."""
    r = make_repo()
    hostile = "\x1e\x1fcpto-diff\x1f\n\x1e\x1fcpto\x1f\n+++ b/elsewhere.py\n"
    first = r.commit(
        "evil \x1e\x1fcpto-diff\x1f message", {"notes/odd.txt": "line " + hostile + "tail_word\n"}
    )
    second = r.commit("plain follow-up", {"src/ok.py": "def fine_name():\n    pass\n"})
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    assert set(commit_words(db)) == {first, second}
    words = change_words(db)
    assert "fine" in words["src/ok.py"].split() and "elsewhere.py" not in words
    assert {"tail", "word", "elsewhere"} <= set(words["notes/odd.txt"].split())


def test_added_words_go_to_the_right_file_whatever_its_name_or_lines(make_repo, tmp_path):
    """A name with a space (git ends it with a tab in the diff) and an added line that starts with
    "++ " (it shows as "+++ " in the diff) stay what they are."""
    r = make_repo()
    r.commit(
        "odd files",
        {
            "docs/billing plan.md": "export invoices\n",
            "src/plus.py": "x = 1\n++ plusplusWord = 1\nafterWord = 2\n",
        },
    )
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    words = change_words(db)
    assert set(words) == {"docs/billing plan.md", "src/plus.py"}
    assert {"plusplus", "word", "after"} <= set(words["src/plus.py"].split())


def test_later_runs_add_only_new_words_to_the_vocabulary(make_repo, tmp_path):
    """Words are ids of one vocabulary per repository: a later run reuses the ids of known words."""
    r = make_repo()
    first = r.commit("Export invoices", {"billing/export.py": "def export_invoices():\n    pass\n"})
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    before = dict(query(db, "SELECT word, word_id FROM words"))
    second = r.commit("Export refunds too", {"billing/refunds.py": "def export_refunds():\n    pass\n"})
    index(r.path, db)
    after = dict(query(db, "SELECT word, word_id FROM words"))
    assert {w: after[w] for w in before} == before  # known words keep their ids
    assert set(after) - set(before) == {"refunds", "too"}
    assert sorted(after.values()) == list(range(len(after)))  # one id per word, none skipped
    assert commit_words(db)[first][0] == "export invoices"
    assert commit_words(db)[second][0] == "export refunds too"
    assert set(change_words(db, second)["billing/refunds.py"].split()) == {"def", "export", "refunds", "pass"}


def downgrade_to_text_words(db: Path) -> None:
    """Rewrite an index's words as cpto wrote them before schema 3: space-separated text, no vocabulary."""
    commits = commit_words(db)
    rows = query(db, "SELECT repo_id, sha, path FROM change_words")
    changes = {(sha, path): words for sha in commits for path, words in change_words(db, sha).items()}
    with store.open_index(db) as con:
        con.execute("DROP TABLE commit_words")
        con.execute("DROP TABLE change_words")
        con.execute("DROP TABLE words")
        con.execute(
            "CREATE TABLE commit_words (repo_id INTEGER, sha VARCHAR, message VARCHAR, paths VARCHAR)"
        )
        con.execute("CREATE TABLE change_words (repo_id INTEGER, sha VARCHAR, path VARCHAR, words VARCHAR)")
        for sha, (message, paths) in commits.items():
            con.execute("INSERT INTO commit_words VALUES (1, ?, ?, ?)", [sha, message, paths])
        for repo_id, sha, path in rows:
            con.execute(
                "INSERT INTO change_words VALUES (?, ?, ?, ?)", [repo_id, sha, path, changes[sha, path]]
            )
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_an_index_with_words_as_text_is_converted_without_reading_git_again(make_repo, tmp_path):
    from cpto.review.prd import read_prd
    from cpto.review.service import review

    r = make_repo()
    r.commit("Export invoices as CSV", {"billing/export.py": "def export_invoices_csv():\n    pass\n"})
    r.commit("1234", {"data.bin": "0 1 2\n"})  # no words at all: its row stays, empty
    r.git("checkout", "-q", "-b", "refunds")
    r.commit("Refund a paid invoice", {"billing/refund.py": "class RefundRequest:\n    amount = 0\n"})
    r.git("checkout", "-q", "main")
    r.merge("refunds", "Merge pull request #7 from acme/refunds\n\nRefunds for paid invoices")
    prd = tmp_path / "prd.md"
    prd.write_text(
        "# Billing\n\n## B-1: Invoices as CSV\nExport invoices.\n\n## B-2: Refunds\nRefund invoices.\n"
    )
    db = tmp_path / "index.duckdb"
    index(r.path, db)
    words = (commit_words(db), change_words(db))

    def traced() -> list[tuple[str, list[tuple[str, str, float, bool, str]]]]:
        with store.open_index(db, read_only=True) as con:
            result = review(con, r.path, [read_prd(prd)])
        return [
            (t.status, [(x.kind, x.ref, x.score, x.linked, x.why) for x in t.links])
            for t in result.requirements
        ]

    fresh = traced()
    downgrade_to_text_words(db)
    with pytest.raises(CptoError, match="older cpto"):  # read as it is, it would lose its words
        traced()
    result = index(r.path, db)  # opening it for writing converts it; git has nothing new to give
    assert result.up_to_date
    assert (commit_words(db), change_words(db)) == words
    assert query(db, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(store.SCHEMA_VERSION),)]
    assert traced() == fresh
    assert any(links for _, links in fresh)

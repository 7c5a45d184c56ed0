"""The record writer: small edits that leave every other byte alone, serialised and atomic."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
import yaml

from cpto.errors import CptoError
from cpto.workspace.edit import (
    append_to_section,
    create_file,
    locked,
    set_front_matter,
    set_list_item,
    set_yaml_keys,
    update_file,
)

RECORD = """\
---
id: D-1   # never reused
title: "Ship: now # this hash is part of the title"
status: proposed   # proposed | decided
consulted:
  - li
  - sam
---
# Ship now

## Discussion
- sam, 2026-11-02: too risky

## Links
- none
"""


def test_setting_a_key_changes_only_its_line_and_keeps_its_comment():
    after = set_front_matter(RECORD, {"status": "decided"})
    assert after == RECORD.replace("status: proposed", "status: decided")


def test_a_new_key_goes_last_and_a_block_list_becomes_one_flow_line():
    after = set_front_matter(RECORD, {"decided": "2026-11-03T16:00Z", "consulted": ["li"]})
    front = yaml.safe_load(after.split("---")[1])
    assert front["consulted"] == ["li"] and front["decided"] == "2026-11-03T16:00Z"
    assert after.splitlines()[1:4] == RECORD.splitlines()[1:4]  # id, title, status untouched
    assert after.splitlines()[4:6] == ["consulted: [li]", "decided: 2026-11-03T16:00Z"]
    assert after.split("---\n", 2)[2] == RECORD.split("---\n", 2)[2]  # body untouched


def test_values_that_need_quoting_are_quoted_and_read_back_the_same():
    appeal = {"by": "sam", "reason": "it's: risky, # really", "at": "2026-11-04T09:00Z"}
    after = set_front_matter(RECORD, {"appeal": appeal})
    assert yaml.safe_load(after.split("---")[1])["appeal"] == appeal


def test_none_removes_a_key_and_a_file_without_front_matter_gets_some():
    assert "consulted" not in set_front_matter(RECORD, {"consulted": None})
    assert set_front_matter("# Title\n", {"status": "proposed"}) == "---\nstatus: proposed\n---\n# Title\n"


def test_windows_line_endings_stay_windows_line_endings():
    crlf = RECORD.replace("\n", "\r\n")
    after = append_to_section(
        set_front_matter(crlf, {"status": "decided"}), "Discussion", "- li, 2026-11-03: ok"
    )
    assert "\n" not in after.replace("\r\n", "")
    assert "- sam, 2026-11-02: too risky\r\n- li, 2026-11-03: ok\r\n" in after


def test_a_line_is_appended_at_the_end_of_its_section_or_in_a_new_one():
    after = append_to_section(RECORD, "discussion", "- li, 2026-11-03: rollback is one flag")
    assert "too risky\n- li, 2026-11-03: rollback is one flag\n\n## Links" in after
    assert append_to_section("# T\n\nbody", "Timeline", "- x").endswith("body\n\n## Timeline\n\n- x\n")


def test_unclosed_front_matter_is_refused():
    with pytest.raises(CptoError, match="never closed"):
        set_front_matter("---\nid: 1\n# no end\n", {"status": "x"})


ROADMAP = """\
# Acme roadmap
items:
  - id: RM-1
    title: Guest checkout   # the big one
    horizon: month
  # parked below
  - id: RM-2
    horizon: half
other: true
"""


def test_a_list_item_is_edited_in_place():
    after = set_list_item(ROADMAP, "items", "RM-1", {"horizon": "week", "status": "shipped"})
    assert after == ROADMAP.replace("    horizon: month\n", "    horizon: week\n    status: shipped\n")
    assert set_list_item(ROADMAP, "items", "RM-2", {"horizon": "quarter"}) == ROADMAP.replace(
        "horizon: half", "horizon: quarter"
    )
    with pytest.raises(CptoError, match="no item with id 'RM-9'"):
        set_list_item(ROADMAP, "items", "RM-9", {"horizon": "week"})


def test_update_file_keeps_bytes_outside_the_edit(tmp_path):
    path = tmp_path / "d.md"
    path.write_bytes(RECORD.encode())
    update_file(path, lambda text: set_front_matter(text, {"status": "decided"}))
    assert path.read_bytes() == RECORD.replace("proposed   #", "decided   #").encode()


SLOW_WRITER = """
import sys, time
from pathlib import Path
from cpto.workspace.edit import append_to_section, update_file

def change(text):
    time.sleep(0.3)  # a slow writer: without the lock, the others would read the same old text
    return append_to_section(text, "Discussion", "- " + sys.argv[2] + ", 2026-11-03: remark")

update_file(Path(sys.argv[1]), change)
"""


def test_writers_at_the_same_time_all_keep_their_change(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(RECORD)
    writers = [subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(path), f"p{i}"]) for i in range(4)]
    assert [w.wait(timeout=30) for w in writers] == [0, 0, 0, 0]
    text = path.read_text()
    assert all(f"- p{i}, 2026-11-03: remark" in text for i in range(4))
    assert text.startswith(RECORD.split("## Links")[0].rstrip("\n"))


def test_a_writer_that_cannot_get_the_lock_refuses_clearly(tmp_path):
    with (
        locked(tmp_path),
        pytest.raises(CptoError, match="another cpto process"),
        locked(tmp_path, wait_s=0.1),
    ):
        pass


KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from cpto.workspace import edit

def die(fd):  # the new text is written to the temporary file; the process dies before the rename
    os.kill(os.getpid(), signal.SIGKILL)

os.fsync = die
edit.update_file(Path(sys.argv[1]), lambda text: text.replace("proposed", "decided") + "x" * 100000)
"""


def test_a_writer_killed_mid_write_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "d.md"
    path.write_text(RECORD)
    proc = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(path)], timeout=30)
    assert proc.returncode == -9
    assert path.read_text() == RECORD
    update_file(path, lambda text: set_front_matter(text, {"status": "decided"}))  # the lock died with it
    assert "status: decided" in path.read_text()


def test_headings_in_code_blocks_and_hash_words_do_not_end_a_section():
    text = "# T\n\n## Timeline\n- a\n```sh\n# undo the deploy\n```\n#42 is related\n- b\n\n## Next\n"
    after = append_to_section(text, "Timeline", "- c")
    assert after == text.replace("- b\n", "- b\n- c\n")
    fm = "---\n# Discussion in a YAML comment\nid: 1\n---\n## Discussion\n- x\n"
    assert append_to_section(fm, "Discussion", "- y").endswith("## Discussion\n- x\n- y\n")


def test_a_byte_order_mark_and_permissions_survive_and_new_files_follow_the_umask(tmp_path):
    path = tmp_path / "d.md"
    path.write_bytes(b"\xef\xbb\xbf" + RECORD.encode())
    path.chmod(0o640)
    update_file(path, lambda text: set_front_matter(text, {"status": "decided"}))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf---\n") and path.stat().st_mode & 0o777 == 0o640
    created = create_file(tmp_path / "new", lambda: (tmp_path / "new" / "x.md", "x\n"))
    assert created.stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_an_item_whose_id_is_not_its_first_key_is_found_past_nested_lists():
    text = "items:\n  - title: foo\n    tags:\n      - x\n    id: a\n    horizon: week\n  - id: b\n    horizon: year\n"
    assert set_list_item(text, "items", "a", {"horizon": "month"}) == text.replace("week", "month")


# Keys quoted by hand or by a JSON-minded editor are the same keys: they are replaced where they stand, in
# their own quotes, never shadowed by a second bare key appended below.


def test_a_double_quoted_key_is_replaced_in_place_and_keeps_its_quotes():
    text = '# Acme roadmap\n"reviewed": 2026-10-01\n"owner": li\n'
    after = set_yaml_keys(text, {"reviewed": date(2026, 11, 3)})
    assert after == '# Acme roadmap\n"reviewed": 2026-11-03\n"owner": li\n'


def test_a_single_quoted_key_is_replaced_in_place_and_keeps_its_quotes():
    text = "---\n'id': D-1\n'status': proposed\n'title': Ship now\n---\n# Ship now\n"
    after = set_front_matter(text, {"status": "decided"})
    assert after == text.replace("'status': proposed", "'status': decided")


def test_a_quoted_keys_trailing_comment_is_kept():
    text = '---\n"id": D-1\n"status": proposed   # proposed | decided\n---\n'
    after = set_front_matter(text, {"status": "decided"})
    assert after == '---\n"id": D-1\n"status": decided   # proposed | decided\n---\n'


def test_a_quoted_key_that_only_contains_the_name_is_left_alone():
    text = '---\n"status_old": proposed\n"my status": open\n"status": proposed\n---\n'
    after = set_front_matter(text, {"status": "decided"})
    assert after == '---\n"status_old": proposed\n"my status": open\n"status": decided\n---\n'


def test_a_quoted_key_in_a_list_item_is_replaced_at_the_items_level_not_deeper():
    text = 'items:\n  - "id": RM-1\n    "meta":\n      "horizon": x\n    "horizon": month\n'
    after = set_list_item(text, "items", "RM-1", {"horizon": "week"})
    assert after == text.replace('"horizon": month', '"horizon": week')


def test_a_markdown_record_with_quoted_keys_is_edited_in_place_on_disk(tmp_path):
    path = tmp_path / "0001-ship-now.md"
    record = RECORD.replace("id:", '"id":').replace("status:", "'status':")
    path.write_bytes(record.encode())
    update_file(path, lambda text: set_front_matter(text, {"status": "decided"}, where=str(path)))
    assert path.read_bytes() == record.replace("'status': proposed", "'status': decided").encode()
    assert yaml.safe_load(path.read_text().split("---")[1])["status"] == "decided"


def hostile_repo(tmp_path):
    """A repository that ships committed links out of itself, and the file they point at."""
    ws, home = tmp_path / "ws", tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("export PATH=/usr/bin\n")
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    (ws / "decisions").mkdir()
    (ws / "decisions" / "0042-x.md").symlink_to(home / ".bashrc")
    (ws / "incidents").symlink_to(home)
    (ws / "notes").mkdir()
    (ws / "notes" / "adr-7.md").write_text("---\nid: D-7\nstatus: proposed\n---\n")
    (ws / "decisions" / "0007-y.md").symlink_to("../notes/adr-7.md")
    subprocess.run(["git", "-C", str(ws), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(ws), "commit", "-qm", "links"], check=True)
    return ws, home


def test_update_file_refuses_a_committed_link_out_of_the_workspace(tmp_path):
    ws, home = hostile_repo(tmp_path)
    link = ws / "decisions" / "0042-x.md"
    for root in (None, ws):  # the workspace found above the file, or the one the caller names
        with pytest.raises(CptoError, match=r"0042-x.md: links to .*home/.bashrc, outside the workspace"):
            update_file(link, lambda text: set_front_matter(text, {"status": "decided"}), root=root)
    with pytest.raises(CptoError, match="outside the workspace"):
        update_file(link, lambda text: append_to_section(text, "Discussion", "- hi"), commit="x")
    assert (home / ".bashrc").read_text() == "export PATH=/usr/bin\n"
    assert (
        subprocess.run(["git", "-C", str(ws), "status", "--porcelain"], capture_output=True, text=True).stdout
        == ""
    )  # nothing written, nothing committed


def test_a_committed_link_inside_the_workspace_is_edited_where_it_lives(tmp_path):
    ws, _ = hostile_repo(tmp_path)
    link = ws / "decisions" / "0007-y.md"
    update_file(link, lambda text: set_front_matter(text, {"status": "decided"}), commit="decide D-7")
    assert link.is_symlink() and "status: decided" in (ws / "notes" / "adr-7.md").read_text()
    log = subprocess.run(
        ["git", "-C", str(ws), "log", "-1", "--name-only", "--format=%s"], capture_output=True, text=True
    ).stdout.split()
    assert log == ["decide", "D-7", "notes/adr-7.md"]


def test_create_file_refuses_a_folder_or_a_name_that_links_out_of_the_workspace(tmp_path):
    ws, home = hostile_repo(tmp_path)
    with pytest.raises(CptoError, match=r"incidents: links to .*home, outside the workspace"):
        create_file(ws / "incidents", lambda: (ws / "incidents" / "0001-x.md", "x"))
    (ws / "decisions" / "0043-new.md").symlink_to(home / "planted")  # a link to nothing yet
    with pytest.raises(CptoError, match="already exists"):
        create_file(ws / "decisions", lambda: (ws / "decisions" / "0043-new.md", "x"))
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_a_link_loop_is_a_one_line_error_not_a_traceback(tmp_path):
    (tmp_path / "a.md").symlink_to("b.md")
    (tmp_path / "b.md").symlink_to("a.md")
    with pytest.raises(CptoError, match=r"a\.md: cannot read"):
        update_file(tmp_path / "a.md", lambda text: text + "x")

"""The tag scheme a repository follows, read from its own tags, so cpto can say which [deploys] tags to set."""

from __future__ import annotations

from fnmatch import fnmatchcase

from cpto.heartbeat.tagscheme import suggest_tag_pattern


def test_plain_version_tags_like_pytest_suggest_a_leading_digit():
    tags = ["9.1.1", "9.1.0", "8.4.2", "2.0.0", "docs-build", "nightly"]
    pattern = suggest_tag_pattern(tags)
    assert pattern == "[0-9]*"
    assert [t for t in tags if fnmatchcase(t, pattern)] == ["9.1.1", "9.1.0", "8.4.2", "2.0.0"]


def test_the_commonest_prefix_wins():
    assert suggest_tag_pattern(["v1.0.0", "v1.1.0", "release-2.0", "v2.0.0b1"]) == "v[0-9]*"
    assert suggest_tag_pattern(["release-2.0", "release-2.1", "v1.0"]) == "release-[0-9]*"
    assert suggest_tag_pattern(["pkg@1.2.3", "pkg@1.3.0"]) == "pkg@[0-9]*"


def test_no_release_like_tag_suggests_nothing():
    assert suggest_tag_pattern([]) is None
    assert suggest_tag_pattern(["nightly", "stable", "v1"]) is None


def test_glob_characters_in_a_prefix_are_kept_literal():
    assert suggest_tag_pattern(["a*1.0", "a*2.0"]) == "a[*][0-9]*"

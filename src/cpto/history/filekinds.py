"""What kind of file a path is: product code, or a test, docs, generated, vendored, lock or build file.

Hotspots, "code by people outside engineering" and every other figure about *code* must agree on what
code is, and a hand-kept list drifts (``uv.lock`` and ``.pre-commit-config.yaml`` became hotspots).
So the rules come, in this order, from:

1. the workspace's leadership records (decisions, incidents, roadmap, people, alarms): never code;
2. ``[code]`` in cpto.toml: ``tests``, ``docs``, ``generated`` and ``vendored`` globs the team chose;
3. ``.gitattributes`` at HEAD: ``linguist-vendored``, ``linguist-generated`` and
   ``linguist-documentation`` set (or unset, ``-linguist-vendored`` / ``=false``, to overrule step 4),
   the same attributes GitHub reads, matched by git itself (``git check-attr``);
4. GitHub Linguist's maintained rules (vendor.yml, documentation.yml, generated-file detection, test
   paths, language types) through go-enry's Python binding, ``enry``, plus the lock file names and
   cross-language test conventions (``testing/``, ``conftest.py``, ``__tests__``, ``*.spec.ts``, ...)
   Linguist does not mark.

A file is code when it is none of the above and Linguist knows its language as a programming or markup
language; prose, data and files of no known language are not code.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import enry  # type: ignore[import-untyped]

from cpto.history.git import git_command, git_env, read_tree_files, run_git

CODE = "code"
TEST = "test"
DOCS = "docs"
GENERATED = "generated"
VENDORED = "vendored"
LOCK = "lock"
BUILD = "build"  # build scripts and CI: Makefile, Dockerfile, setup.py, .github/
CONFIG = "config"  # configuration and data: YAML, TOML, JSON, INI, dot files
RECORDS = "records"  # the workspace's leadership records
OTHER = "other"  # no language Linguist knows (binaries, images, LICENSE-like files without extension)
KINDS = (CODE, TEST, DOCS, GENERATED, VENDORED, LOCK, BUILD, CONFIG, RECORDS, OTHER)
NOT_CODE = "tests, docs, generated, vendored, lock, build and config files and the records are not code"

# [code] settings in cpto.toml and the kind each names.
SETTINGS = {"tests": TEST, "docs": DOCS, "generated": GENERATED, "vendored": VENDORED}
# .gitattributes attributes GitHub Linguist reads, and the kind each sets.
ATTRIBUTES = {
    "linguist-vendored": VENDORED,
    "linguist-generated": GENERATED,
    "linguist-documentation": DOCS,
}

# Dependency lock files: written by a tool from a manifest, never by hand. Linguist marks some of them
# generated; naming them all keeps them one kind.
LOCK_NAMES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lockb",
        "go.sum",
        "go.work.sum",
        "composer.lock",
        "Gemfile.lock",
        "Pipfile.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "Cargo.lock",
        "mix.lock",
        "pubspec.lock",
        "Package.resolved",
        "packages.lock.json",
        "flake.lock",
        "gradle.lockfile",
        "conda-lock.yml",
    }
)
_LOCK_SUFFIX = re.compile(r"\.lock$|[-.]lock\.(json|ya?ml)$|\.lockfile$", re.IGNORECASE)
BUILD_NAMES = frozenset(
    {
        "Makefile",
        "GNUmakefile",
        "makefile",
        "Dockerfile",
        "Containerfile",
        "Jenkinsfile",
        "Vagrantfile",
        "Procfile",
        "Rakefile",
        "Gemfile",
        "setup.py",
        "noxfile.py",
        "CMakeLists.txt",
        "meson.build",
        "BUILD",
        "BUILD.bazel",
        "WORKSPACE",
        "build.gradle",
        "settings.gradle",
        "build.gradle.kts",
        "settings.gradle.kts",
        "build.sbt",
        "pom.xml",
    }
)
_BUILD_FOLDERS = frozenset(
    {".github", ".circleci", ".gitlab", ".buildkite", ".azure-pipelines", ".devcontainer"}
)

# Test conventions across languages: folders that hold tests, and file names that say "test".
TEST_FOLDERS = frozenset(
    {
        "test",
        "tests",
        "testing",
        "__tests__",
        "__mocks__",
        "__snapshots__",
        "spec",
        "specs",
        "e2e",
        "testdata",
        "test-data",
        "test_data",
        "fixtures",
        "t",
    }
)
_TEST_NAME = re.compile(
    r"^(test_.+\.py|.+_tests?\.py|tests?\.py|conftest\.py"
    r"|.+_test\.(go|rs|c|cc|cpp|cxx|exs|dart|lua|sh|rb|php|kt|swift)"
    r"|.+\.(test|spec)\.[a-z0-9]+"
    r"|.+_spec\.(rb|lua|js|ts|cr)"
    r"|.+(Tests?|Spec|IT)\.(java|kt|kts|scala|groovy|cs|fs|vb|swift|m|mm|php)"
    r"|test_.+\.(c|cc|cpp|cxx|h|rs|sh|js|ts|rb|php)"
    r"|.+\.t)$"
)
_TESTISH_FOLDER = re.compile(r"(?i:(?:^|[-_.])(?:i?tests?|specs?|e2e|qa)(?:$|[-_.]))|[a-z]Tests?$")

_CODE_TYPES = frozenset({"programming", "markup"})


def kind_of(path: str, text: str | None = None) -> str:
    """The kind of ``path`` by the built-in rules alone (no records, [code] settings or .gitattributes).

    ``text``, when known, lets Linguist recognise generated files by their content (a protobuf module's
    "Generated by the protocol buffer compiler" header, Go's "Code generated ... DO NOT EDIT.").
    """
    return _BUILT_IN.kind(path, text)


@lru_cache(maxsize=1 << 16)
def _kind_by_path(path: str, suppressed: frozenset[str] = frozenset()) -> str:
    """Built-in rules by path; ``suppressed`` kinds were unset in .gitattributes (``-linguist-vendored``)."""
    pure = PurePosixPath(path)
    name, folders = pure.name, pure.parts[:-1]
    if name in LOCK_NAMES or _LOCK_SUFFIX.search(name):
        return LOCK
    if any(folder in _BUILD_FOLDERS for folder in folders) or name in BUILD_NAMES:
        return BUILD
    if VENDORED not in suppressed and enry.is_vendor(path):
        return VENDORED
    if GENERATED not in suppressed and enry.is_generated(path, b""):
        return GENERATED
    if is_test_path(path):
        return TEST
    language = str(enry.get_language(name, b""))
    kind_of_language = str(enry.get_language_type(language)) if language else ""
    if DOCS not in suppressed and (enry.is_documentation(path) or kind_of_language == "prose"):
        return DOCS
    if enry.is_configuration(path) or enry.is_dot_file(path) or kind_of_language == "data":
        return CONFIG
    return CODE if kind_of_language in _CODE_TYPES else OTHER


def is_test_path(path: str) -> bool:
    """A test by its folder (tests/, testing/, __tests__/, spec/ ...) or its name (test_x.py, x_test.go,
    x.spec.ts, XTest.java, conftest.py ...), or by Linguist's test rules."""
    pure = PurePosixPath(path)
    if any(folder in TEST_FOLDERS for folder in pure.parts[:-1]):
        return True
    return bool(_TEST_NAME.match(pure.name)) or bool(enry.is_test(path))


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A [code] glob as a regular expression: ``**`` spans folders, ``*`` and ``?`` stay within a name,
    and a glob without ``/`` matches the file name in any folder (as in .gitignore)."""
    glob = glob.strip().lstrip("/")
    anywhere = "/" not in glob.rstrip("/")
    if glob.endswith("/"):
        glob += "**"
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile(("(?:.*/)?" if anywhere else "") + "".join(out) + "$")


@dataclass
class FileKinds:
    """The kind of each file of one repository: records, [code] settings and .gitattributes first, then
    the built-in rules (see the module's docstring for the order and why)."""

    settings: Mapping[str, Sequence[str]] = field(default_factory=dict)
    records: tuple[str, ...] = ()  # repository paths (files or folders) of the workspace's records
    attributes: dict[str, dict[str, bool]] = field(default_factory=dict)  # path -> kind -> set or unset

    def __post_init__(self) -> None:
        unknown = sorted(set(self.settings) - set(SETTINGS))
        if unknown:
            raise ValueError(f"unknown [code] setting {unknown[0]} (known: {', '.join(SETTINGS)})")
        self._globs = [
            (SETTINGS[key], glob_pattern(glob)) for key, globs in self.settings.items() for glob in globs
        ]

    def kind(self, path: str, text: str | None = None, *, generated: bool | None = None) -> str:
        """The kind of ``path``; ``text`` (its content, when read) lets generated files be recognised, or
        ``generated``: what that content check said when the file was read before (the shard's head files)."""
        if any(path == r or path.startswith(r.rstrip("/") + "/") for r in self.records):
            return RECORDS
        for kind, pattern in self._globs:
            if pattern.match(path):
                return kind
        marked = self.attributes.get(path, {})
        for kind in (VENDORED, GENERATED, DOCS):
            if marked.get(kind):
                return kind
        suppressed = frozenset(k for k, v in marked.items() if not v)
        kind = _kind_by_path(path, suppressed)
        if kind != CODE or GENERATED in suppressed:
            return kind
        if generated is None:
            generated = text is not None and generated_by_content(path, text)
        return GENERATED if generated else kind

    def is_code(self, path: str, text: str | None = None, *, generated: bool | None = None) -> bool:
        return self.kind(path, text, generated=generated) == CODE


def generated_by_content(path: str, text: str) -> bool:
    """Linguist's content check for generated code (the first 4 KiB of the text): one rule for the file
    kinds a report works out and the figures a shard keeps of HEAD (cpto.heartbeat.headfiles)."""
    return bool(enry.is_generated(path, text[:4096].encode("utf-8", "replace")))


_BUILT_IN = FileKinds()


def repository_kinds(
    repo: Path,
    paths: Iterable[str],
    *,
    settings: Mapping[str, Sequence[str]] | None = None,
    records: Iterable[str] = (),
) -> FileKinds:
    """The kinds of ``paths`` in ``repo``: its .gitattributes at HEAD read once for all of them."""
    return FileKinds(dict(settings or {}), tuple(records), linguist_attributes(repo, list(paths)))


def linguist_attributes(repo: Path, paths: Sequence[str]) -> dict[str, dict[str, bool]]:
    """``linguist-vendored/generated/documentation`` of each path, as .gitattributes at HEAD set them.

    git matches the patterns itself (nested .gitattributes, ``**``, later lines winning), reading them
    from HEAD through a throwaway index so the working tree and the real index are never touched. A
    repository without HEAD or without any linguist attribute costs one ``ls-tree``.
    """
    if not paths or not run_git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False).strip():
        return {}
    texts = [
        f.text or ""
        for f in read_tree_files(repo, wanted=lambda path, _obj: PurePosixPath(path).name == ".gitattributes")
        if PurePosixPath(f.path).name == ".gitattributes"
    ]
    if not any("linguist-" in text for text in texts):
        return {}
    with tempfile.TemporaryDirectory(prefix="cpto-attr-") as tmp:
        env = {**git_env(), "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        subprocess.run(git_command(repo, "read-tree", "HEAD"), env=env, capture_output=True, check=True)
        listing = b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths) + b"\0"
        proc = subprocess.run(
            git_command(repo, "check-attr", "--cached", "-z", "--stdin", *ATTRIBUTES),
            input=listing,
            env=env,
            capture_output=True,
            check=True,
        )
    fields = proc.stdout.split(b"\0")
    found: dict[str, dict[str, bool]] = defaultdict(dict)
    for i in range(0, len(fields) - 2, 3):
        path, attribute, value = (f.decode("utf-8", "surrogateescape") for f in fields[i : i + 3])
        if value == "unspecified":
            continue
        found[path][ATTRIBUTES[attribute]] = value not in ("unset", "false", "0")
    return dict(found)


def relative_records(records: Iterable[Path], repo: Path) -> tuple[str, ...]:
    """The workspace's record files and folders as paths inside ``repo`` (those outside it left out)."""
    root = repo.resolve()
    out = []
    for path in records:
        try:
            out.append(path.resolve().relative_to(root).as_posix())
        except ValueError:
            continue
    return tuple(p for p in out if p and p != ".")


def suggest_code_settings(paths: list[str]) -> dict[str, list[str]]:
    """[code] globs worth proposing for ``paths`` (a repository's files): folders of tests the built-in
    rules miss part of, so their helpers and data stop counting as code.

    A folder is proposed under ``tests`` when its name says test (``integration_tests``, ``qa``,
    ``e2e-suite``) or when at least four in five of its files are tests by name (and three or more),
    and some of its files are still counted as code. Only the outermost such folder is proposed.
    Returns ``{}`` when there is nothing to propose, else ``{"tests": ["folder/**", ...]}``.
    """
    under: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        parts = PurePosixPath(path).parts
        for depth in range(1, len(parts)):
            under["/".join(parts[:depth])].append(path)
    chosen: list[str] = []
    for folder in sorted(under):
        if any(folder.startswith(c + "/") for c in chosen):
            continue
        files = under[folder]
        kinds = [_kind_by_path(p) for p in files]
        code = kinds.count(CODE)
        tests = kinds.count(TEST)
        name = PurePosixPath(folder).name
        named = bool(_TESTISH_FOLDER.search(name)) and name not in TEST_FOLDERS
        if code and (named or (tests >= 3 and tests >= 0.8 * len(files))):
            chosen.append(folder)
    return {"tests": [f"{folder}/**" for folder in chosen]} if chosen else {}

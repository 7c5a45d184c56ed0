"""cpto.toml: [alarms] thresholds and [deploys] log, with clear errors for what cannot be read."""

from __future__ import annotations

import pytest

from cpto.errors import CptoError
from cpto.workspace import load_workspace


def workspace(tmp_path, toml: str):
    (tmp_path / "cpto.toml").write_text(toml)
    return load_workspace(tmp_path)


def test_alarm_thresholds_default_to_the_documented_values(tmp_path):
    thresholds = workspace(tmp_path, "").thresholds
    assert (thresholds.debt_floor, thresholds.debt_weeks) == (0.1, 3)
    assert thresholds.worst_band["change failure rate"] == "medium"
    assert thresholds.worst_band["lead time for changes"] == "low"  # low is the floor: never alarms


def test_alarm_thresholds_are_read(tmp_path):
    config = workspace(tmp_path, "[alarms]\ndebt_floor = '15%'\ndebt_weeks = 2\nlead_time_band = 'HIGH'\n")
    assert config.thresholds.debt_floor == 0.15 and config.thresholds.debt_weeks == 2
    assert config.thresholds.worst_band["lead time for changes"] == "high"


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[alarms]\ndebt_floor = 'lots'\n", "debt_floor: 'lots' is not a share"),
        ("[alarms]\ndebt_weeks = 9\n", "debt_weeks: 9 is not a whole number of weeks from 1 to 4"),
        ("[alarms]\nchange_failure_band = 'great'\n", "'great' is not one of elite, high, medium, low"),
        ("[alarms]\ndebt_flor = 0.1\n", "debt_flor: unknown setting; did you mean debt_floor?"),
    ],
)
def test_bad_thresholds_name_the_file_and_the_setting(tmp_path, toml, problem):
    with pytest.raises(CptoError) as caught:
        workspace(tmp_path, toml)
    assert "cpto.toml: [alarms]" in caught.value.message and problem in caught.value.message


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[workspace]\nrepos = 5\n", "[workspace] repos: expected a list of text in quotes"),
        ("[workspace]\nrepos = '.'\n", "[workspace] repos: expected a list of text in quotes"),
        ("[workspace]\nprds = 7\n", "[workspace] prds: expected a list of text in quotes"),
        ("[workspace]\nname = [1, 2]\n", "[workspace] name: expected text in quotes, got [1, 2]"),
        ("[workspace]\npeople = [1]\n", "[workspace] people: expected text in quotes"),
        ("workspace = 5\n", "[workspace] should be a table"),
        ("[deploys]\ntags = 5\n", "[deploys] tags: expected text in quotes, got 5"),
        ("deploys = 3\n", "[deploys] should be a table"),
    ],
)
def test_a_setting_of_the_wrong_type_names_the_file_and_the_setting(tmp_path, toml, problem):
    with pytest.raises(CptoError) as caught:
        workspace(tmp_path, toml)
    assert str(tmp_path / "cpto.toml") in caught.value.message and problem in caught.value.message


def test_code_and_privacy_settings_are_read_and_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cpto.toml").write_text('[code]\ntests = ["testing/**"]\n[privacy]\nperson_scores = false\n')
    config = load_workspace(tmp_path)
    assert config.code_kinds == {"tests": ("testing/**",)}
    assert config.person_scores is False
    (tmp_path / "cpto.toml").write_text('[code]\nlocks = ["*.lock"]\n')
    with pytest.raises(CptoError, match=r"\[code\] locks: unknown setting"):
        load_workspace(tmp_path)
    (tmp_path / "cpto.toml").write_text('[privacy]\nperson_scores = "no"\n')
    with pytest.raises(CptoError, match="expected true or false"):
        load_workspace(tmp_path)


def test_every_documented_setting_is_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The cpto.toml of docs/workspace.md, every table and key of it, loads and means what it says."""
    from datetime import timedelta

    (tmp_path / "decisions").mkdir()
    config = workspace(tmp_path, DOCUMENTED)
    assert config.name == "Acme" and config.repos == [tmp_path.resolve()]
    assert config.decisions == tmp_path.resolve() / "decisions"
    assert str(config.zone) == "Europe/Berlin"
    assert config.working_agreement["experience"] == "design" and config.max_appeal_rate == 0.2
    assert config.meeting_days == ("thursday",)
    assert config.decision_sla == timedelta(days=2) and config.approval_sla == timedelta(days=1)
    assert config.deploy_tags == "v*" and config.deploy_log == tmp_path.resolve() / "deploys.log"
    assert config.thresholds.worst_band["change failure rate"] == "medium"
    assert config.severities == ("SEV1", "SEV2", "SEV3")
    assert config.code_kinds == {"tests": ("testing/**",)} and config.person_scores is False
    assert config.deploy_source == "log" and config.deploy_environment == "production"
    assert config.incident_label == "incident"
    assert config.github_labels["perf"] == "debt" and config.github_labels["enhancement"] == "feature"


DOCUMENTED = """
[workspace]
name = "Acme"
repos = ["."]
prds = ["docs/prd/**/*.md", "prds/**/*.md"]
decisions = "decisions"
incidents = "incidents"
roadmap = "roadmap.yaml"
people = "people.yaml"
alarms = "alarms"
timezone = "Europe/Berlin"

[working_agreement]
outcomes = "product"
experience = "design"
implementation = "engineering"
appeals_to = "ceo"
max_appeal_rate = "20%"

[meetings]
joint_review = "thursday"

[sla]
decision = "2d"
approval = "1d"

[deploys]
tags = "v*"
log = "deploys.log"
environment = "production"

[alarms]
debt_floor = "10%"
debt_weeks = 3
change_failure_band = "medium"

[incidents]
severities = ["SEV1", "SEV2", "SEV3"]
github_label = "incident"

[github]
labels = { perf = "debt", bug = "fix" }

[code]
tests = ["testing/**"]

[privacy]
person_scores = false
"""


def test_the_documented_example_is_the_one_tested() -> None:
    """docs/workspace.md shows DOCUMENTED's settings: a setting added to one and not the other fails here."""
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "workspace.md").read_text()
    example = docs.split("```toml", 1)[1].split("```", 1)[0]
    keys = {line.split("=")[0].strip() for line in example.splitlines() if "=" in line.split("#")[0]}
    tables = {line.split("]")[0] + "]" for line in example.splitlines() if line.startswith("[")}
    ours = {line.split("=")[0].strip() for line in DOCUMENTED.splitlines() if "=" in line}
    assert keys - {"log"} <= ours and tables == {
        line for line in DOCUMENTED.splitlines() if line.startswith("[")
    }


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[workspace]\nreposs = ["."]\n', "[workspace] reposs: unknown setting; did you mean repos?"),
        ('[workspce]\nrepos = ["."]\n', "unknown table [workspce]; did you mean workspace?"),
        ("[frobnicate]\nx = 1\n", "unknown table [frobnicate] (known: workspace,"),
        ('repos = ["."]\n', "repos belongs under [workspace]"),
        ('[sla]\ndecison = "2d"\n', "[sla] decison: unknown setting; did you mean decision?"),
        ("[privacy]\nperson_score = false\n", "did you mean person_scores?"),
        ('[sla]\ndecision = "99999999999999d"\n', "not more than 0 and at most 366 days"),
        ('[sla]\ndecision = "0h"\n', "not more than 0 and at most 366 days"),
        ("[sla]\ndecision = 2\n", "2 is not a duration like 12h"),
        ('[meetings]\njoint_review = "t"\n', "'t' is not a weekday"),
        ('[meetings]\njoint_review = "thursdayish"\n', "'thursdayish' is not a weekday"),
        ("[workspace]\ntimezone = 0\n", "0 is not a time zone"),
        ('[workspace]\ntimezone = "/etc/passwd"\n', "is not a time zone"),
        ('[workspace]\nname = ""\n', "[workspace] name: empty"),
        ('[incidents]\nseverities = ["SEV1", "SEV1"]\n', "expected a list of distinct names"),
        ("[working_agreement]\nmax_appeal_rate = nan\n", "is not between 0 and 1"),
        ("[alarms]\nrestore_band = 3\n", "3 is not one of elite"),
        ('[deploys]\nsource = "github-deployment"\n', "did you mean github-deployments?"),
        ('[deploys]\nsource = "log"\n', '"log" needs [deploys] log'),
        ('[deploys]\nsource = "tags"\nlog = "d.log"\n', "[deploys] log is set too"),
        ('[deploys]\nenviroment = "prod"\n', "did you mean environment?"),
        ('[incidents]\ngithub_label = ""\n', "[incidents] github_label: empty"),
        (
            '[github]\nlabels = { bug = "bugfix" }\n',
            "[github] labels bug: 'bugfix' is not one of feature, fix",
        ),
        ('[github]\nlabels = "bug"\n', "[github] labels: expected a table"),
        ("[github]\nlabel = {}\n", "did you mean labels?"),
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", ""),
    ],
)
def test_typos_and_bad_values_are_one_line_errors(tmp_path, toml, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CptoError) as caught:
        workspace(tmp_path, toml)
    message = caught.value.message
    assert str(tmp_path / "cpto.toml") in message and problem in message and "\n" not in message


def test_a_records_setting_of_the_wrong_kind_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "people").mkdir()
    with pytest.raises(CptoError, match=r"\[workspace\] decisions: 'notes.md' is a file"):
        workspace(tmp_path, '[workspace]\ndecisions = "notes.md"\n')
    with pytest.raises(CptoError, match=r"\[workspace\] people: 'people' is a folder"):
        workspace(tmp_path, '[workspace]\npeople = "people"\n')
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(CptoError, match=r"\[workspace\] incidents: 'gone' is a symbolic link"):
        workspace(tmp_path, '[workspace]\nincidents = "gone"\n')
    assert (
        workspace(tmp_path, '[workspace]\ndecisions = "not-yet"\n').decisions
        == tmp_path.resolve() / "not-yet"
    )


def test_cpto_toml_that_is_not_a_file_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cpto.toml").mkdir()
    with pytest.raises(CptoError, match=r"cpto\.toml: is a folder"):
        load_workspace(tmp_path)
    (tmp_path / "cpto.toml").rmdir()
    (tmp_path / "cpto.toml").symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(CptoError, match=r"cpto\.toml: a symbolic link to something that does not exist"):
        load_workspace(tmp_path)
    (tmp_path / "elsewhere.toml").write_text('[workspace]\nname = "Linked"\n')
    assert load_workspace(tmp_path).name == "Linked"


def test_no_cpto_toml_is_all_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = load_workspace(tmp_path)
    assert config.name == tmp_path.name and config.approval_sla is None and config.meeting_days == ()


def test_a_bad_setting_from_the_cli_is_one_line_and_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    (tmp_path / "cpto.toml").write_text('[sla]\ndecision = "99999999999999d"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "cpto", "decision", "list", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("cpto: error:") and "[sla] decision" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_deploy_source_defaults_keep_the_behaviour_from_before_github(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert workspace(tmp_path, "").deploy_source == "tags"
    assert workspace(tmp_path, '[deploys]\nlog = "d.log"\n').deploy_source == "log"
    chosen = workspace(tmp_path, '[deploys]\nsource = "GitHub-Releases"\n')
    assert chosen.deploy_source == "github-releases" and chosen.deploy_environment == "production"
    labels = workspace(tmp_path, "").github_labels
    assert (labels["bug"], labels["dependencies"], labels["tech-debt"], labels["documentation"]) == (
        "fix", "infra", "debt", "other",
    )  # fmt: skip
    assert workspace(tmp_path, '[github]\nlabels = { Bug = "Debt" }\n').github_labels["bug"] == "debt"

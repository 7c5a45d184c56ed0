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
        ("[alarms]\ndebt_weeks = 9\n", "debt_weeks: '9' is not a whole number of weeks from 1 to 4"),
        ("[alarms]\nchange_failure_band = 'great'\n", "'great' is not one of elite, high, medium, low"),
        ("[alarms]\ndebt_flor = 0.1\n", "unknown setting debt_flor"),
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
    with pytest.raises(CptoError, match=r"\[code\]: unknown setting locks"):
        load_workspace(tmp_path)
    (tmp_path / "cpto.toml").write_text('[privacy]\nperson_scores = "no"\n')
    with pytest.raises(CptoError, match="expected true or false"):
        load_workspace(tmp_path)

"""The training script: labels from authors' types in real git histories, licences checked, settings chosen
by leaving projects out, and a shipped model that carries its selection and its held-out projects' shares."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from cpto.heartbeat.classify import CATEGORIES
from cpto.heartbeat.model import load_model, model_transfer

pytest.importorskip("sklearn")  # the training extra: pip install -e '.[train]'
TRAINING = Path(__file__).resolve().parents[2] / "training"
_spec = importlib.util.spec_from_file_location("train_classifier", TRAINING / "train_classifier.py")
assert _spec and _spec.loader
train = importlib.util.module_from_spec(_spec)
sys.modules["train_classifier"] = train
_spec.loader.exec_module(train)

MIT = "Permission is hereby granted, free of charge, to any person obtaining a copy\n"


def mirror(make_repo, licence: str = MIT):  # type: ignore[no-untyped-def]
    """A repository laid out as a mirror folder: MIRRORS/acme+cart/repo."""
    repo = make_repo("acme+cart")
    (repo.path / "repo").mkdir()
    repo.path = repo.path / "repo"
    repo.git("init", "-q", "-b", "main")
    repo.commit("Initial import", {"LICENSE": licence, "cart.py": "x = 1\n"})
    repo.commit("fix(api): handle an empty cart at checkout", {"cart.py": "x = 2\n"})
    repo.commit("feat: add saved carts for signed-in users", {"saved.py": "y = 1\n"})
    repo.commit("docs: explain the cart in the readme", {"README.md": "# cart\n"})
    repo.commit("chore: tidy up the cart module", {"cart.py": "x = 3\n"})  # not tooling: skipped
    repo.commit("fix: handle an empty cart at checkout", {"cart.py": "x = 4\n"})  # same text: dropped
    repo.commit("chore(deps): bump duckdb to 1.2.0", {"requirements.txt": "duckdb==1.2.0\n"})
    return repo.path.parent.parent


def test_labels_come_from_the_authors_types_with_the_type_stripped(make_repo):
    mirrors = mirror(make_repo)
    source = {"repo": "acme/cart", "licence": "MIT", "language": "Python"}
    examples, provenance = train.build([source], mirrors)
    by_label = {r["label"]: r for r in examples}
    assert sorted(by_label) == ["feature", "fix", "infra", "other"]
    assert by_label["fix"]["text"] == "handle an empty cart at checkout"  # no "fix(api):" left to learn from
    assert by_label["infra"]["paths"] == ["requirements.txt"]
    assert by_label["infra"]["size"] == (1, 0) and by_label["fix"]["size"] == (1, 1)  # lines added, deleted
    assert sorted(r["rank"] for r in examples) == [0, 1, 2, 3]
    assert provenance[0]["licence"] == "MIT" and provenance[0]["deduplicated"] == 4
    assert provenance[0]["conventional_labelled"] == 5  # the duplicate fix was labelled, then dropped


def test_a_licence_that_does_not_match_sources_toml_stops_training(make_repo):
    mirrors = mirror(make_repo, licence="All rights reserved.\n")
    with pytest.raises(SystemExit, match=r"sources\.toml says MIT, the licence file says unknown"):
        train.build([{"repo": "acme/cart", "licence": "MIT", "language": "Python"}], mirrors)


def entry(setting, score: float, unlucky: float | None = None) -> dict:  # type: ignore[no-untyped-def]
    """A selection-table entry: pooled scores, and four held-out projects' accuracies (the lower quartile
    is ``unlucky``; by default the pooled score)."""
    low = score if unlucky is None else unlucky
    projects = {"a": low, "b": low, "c": score + (score - low), "d": score + (score - low)}
    metrics = {"accuracy3": score, "macro_f1_3": score, "project_accuracy3": projects}
    return {"setting": {"n_features": setting.n_features}, "name": setting.name(), "message": metrics}


def test_the_unlucky_team_counts_as_much_as_the_average_one():
    steady, erratic = train.Setting(), train.Setting(c=4.0)
    chosen = train.choose([entry(steady, 0.730, unlucky=0.70), entry(erratic, 0.735, unlucky=0.66)])
    assert chosen["name"] == steady.name()
    sized = train.Setting(drop_sizes=0.7)
    assert "drop_sizes=0.7" in sized.name() and "drop_sizes" not in steady.name()


def test_a_bigger_model_file_must_win_by_more_than_the_noise():
    small, big = train.Setting(), train.Setting(n_features=1 << 20)
    assert train.choose([entry(small, 0.730), entry(big, 0.733)])["name"] == small.name()
    assert train.choose([entry(small, 0.730), entry(big, 0.740)])["name"] == big.name()
    assert train.choose([entry(small, 0.730), entry(train.Setting(c=4.0), 0.731)])["setting"] == {
        "n_features": 1 << 18
    }


def test_the_shipped_model_carries_its_selection_and_held_out_projects():
    provenance = load_model().provenance
    selection = json.loads((TRAINING / "selection.json").read_text())
    settings = dict(provenance["settings"])
    assert settings.pop("rules_weight") == selection["chosen"]["rules_weight"]
    assert settings == selection["chosen"]["setting"]  # the file was trained with what was chosen
    assert len(provenance["selection"]) == len(selection["table"]) >= 10
    names = {e["name"] for e in selection["table"]}
    assert any("cap=none" in n for n in names) and any("balanced=False" in n for n in names)
    transfer = model_transfer("message")
    assert transfer is not None and len(transfer.projects) == len(provenance["sources"])
    assert transfer.predicted.shape == transfer.true.shape == (len(transfer.projects), len(CATEGORIES))
    assert all(n >= 300 for n in transfer.counts)
    leaked = {"apache/hadoop", "apache/hbase", "apache/camel", "elastic/elasticsearch"} & {
        s["repo"] for s in provenance["sources"]
    }
    assert not leaked  # never trained on levin1151's projects


def test_a_commit_git_cannot_count_has_no_size_rather_than_zero(make_repo):
    repo = make_repo()
    repo.commit("Add a", {"a.txt": "one\n"})
    changed = repo.commit("Change a", {"a.txt": "one\ntwo\n"})
    newest = repo.commit("Add b", {"b.txt": "x\ny\n"})
    first_blob = repo.git("rev-parse", "HEAD~2:a.txt").strip()
    (repo.path / ".git" / "objects" / first_blob[:2] / first_blob[2:]).unlink()  # a partial clone's gap
    found = train.sizes(repo.path)
    assert found[newest] == (2, 0)
    assert changed not in found  # git stopped there: unknown, not a change of 0 lines


def test_training_rows_are_featurized_exactly_as_a_commit_is_at_use():
    import numpy as np

    from cpto.heartbeat.model import featurize

    rows = [
        {"sha": "a" * 40, "message": "Handle an empty cart", "paths": ["api/cart.py"], "size": (3, 1)},
        {"sha": "b" * 40, "message": "Saved carts", "paths": ["web/saved.js", "tests/t.js"], "size": None},
    ]
    examples = [
        {**r, "label": "fix", "repo": "acme/cart", "rank": n, "language": "Python"}
        for n, r in enumerate(rows)
    ]
    data = train.Data(examples)
    every = np.ones(len(rows), dtype=bool)
    matrix = data.counts(120, 1 << 18, every, every).toarray()
    for row, r in zip(matrix, rows, strict=True):
        added, deleted = r["size"] or (None, None)
        expected = featurize(r["message"], r["paths"], added=added, deleted=deleted)
        at_use = np.zeros(1 << 18)
        at_use[expected.index] = expected.counts
        assert np.array_equal(row, at_use)

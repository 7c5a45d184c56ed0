"""The shipped commit model: it loads lazily, reads messages the same way every time, and says what decided."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib

from cpto.heartbeat.classify import CATEGORIES, classify
from cpto.heartbeat.model import (
    GRAM_SIZES,
    N_FEATURES,
    featurize,
    load_model,
    model_confusion,
    model_path,
    normalise,
    predict,
)


def test_the_model_file_ships_small_and_says_where_it_came_from():
    path = model_path()
    assert path.is_file() and path.stat().st_size < 15_000_000
    model = load_model()
    assert model.classes == tuple(CATEGORIES)
    assert model.coef.shape == (N_FEATURES, len(CATEGORIES))
    sources = model.provenance["sources"]
    assert len(sources) >= 20 and all(s["licence"] in ("MIT", "Apache-2.0", "BSD") for s in sources)
    assert model.provenance["examples"] == sum(s["used"] for s in sources)


def test_cpto_version_loads_neither_the_model_nor_numpy():
    code = (
        "import sys\n"
        "from cpto.cli import main\n"
        "sys.argv = ['cpto', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import cpto.heartbeat.classify\n"
        "print('numpy' in sys.modules, 'cpto.heartbeat.model' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_the_featurizer_reads_a_known_message_the_same_way_every_time():
    message = "fix(api)!: JIRA-12 Handle 404s (#123)\n\nSigned-off-by: A Person <a@example.com>"
    assert normalise(message) == "handle 0s"
    features = featurize(message)
    expected_words = {"handle", "s", "handle s", "^handle"}
    assert set(features.words.values()) == expected_words
    for word in expected_words:
        assert zlib.crc32(word.encode(), 1) % N_FEATURES in set(features.index.tolist())
    grams = sum(len(" handle 0s ") - n + 1 for n in GRAM_SIZES)
    assert int(features.counts.sum()) == len(expected_words) + grams
    with_paths = featurize("Update", ["tests/test_cart.py"])
    assert {"path:test", "path:only_test", "ext:py", "files:1"} <= set(with_paths.words.values())


def test_predictions_are_the_same_in_another_process():
    message = "Handle empty carts when the last item is removed"
    here = predict(message).probabilities
    code = f"import json; from cpto.heartbeat.model import predict; print(json.dumps(predict({message!r}).probabilities))"
    there = json.loads(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    )
    assert here == there and abs(sum(here.values()) - 1.0) < 1e-6


def test_a_type_decides_otherwise_the_model_and_it_says_why():
    typed = classify("fix(api): handle empty carts")
    assert (typed.category, typed.decided_by) == ("fix", "type")
    guessed = classify("Fix NullPointerException when the cart is empty")
    assert (guessed.category, guessed.decided_by) == ("fix", "model")
    assert guessed.why.startswith("model ") and 0 < guessed.confidence <= 0.9
    assert classify("Add support for saved carts").category == "feature"
    assert classify("Update", [".github/workflows/ci.yml"]).category == "infra"


def test_the_confusion_matrix_gives_each_true_bucket_a_distribution():
    confusion = model_confusion()
    assert list(confusion) == list(CATEGORIES)
    for true, row in confusion.items():
        assert abs(sum(row.values()) - 1.0) < 1e-3
        assert row[true] == max(row.values())  # the model is right more often than any one mistake


def test_a_commits_size_is_read_only_when_both_counts_are_known():
    from dataclasses import replace

    from cpto.heartbeat.model import size_tokens

    assert size_tokens(None, 3) == [] and size_tokens(12, None) == []
    assert size_tokens(0, 0) == ["added:0", "deleted:0", "lines:0", "shape:empty"]
    assert size_tokens(120, 0) == ["added:100-299", "deleted:0", "lines:100-299", "shape:add_only"]
    assert size_tokens(4, 1500)[-1] == "shape:mostly_deleted" and size_tokens(4, 1500)[1] == "deleted:1000+"
    sized = featurize("Update", added=120, deleted=0)
    assert {"added:100-299", "shape:add_only"} <= set(sized.words.values())
    assert zlib.crc32(b"shape:add_only", 4) % N_FEATURES in set(sized.index.tolist())
    model = load_model()
    assert model.sizes  # the shipped model was trained with sizes
    message = "Rework the scheduler's worker pool"
    assert predict(message, model=model, added=900, deleted=10) != predict(message, model=model)
    older = replace(model, sizes=False)  # a model file trained without sizes is given none
    assert predict(message, model=older, added=900, deleted=10) == predict(message, model=older)


def test_classify_json_treats_missing_counts_as_unknown_not_zero(tmp_path):
    from typer.testing import CliRunner

    from cpto.cli import app

    rows = [
        {"id": "a", "message": "Rework the scheduler's worker pool"},
        {"id": "b", "message": "Rework the scheduler's worker pool", "added": 0, "deleted": 0},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = CliRunner().invoke(app, ["classify", str(source), "--json", "--why"])
    assert out.exit_code == 0, out.output
    unknown, empty = (json.loads(line) for line in out.stdout.splitlines())
    message = rows[0]["message"]
    for got, expected in ((unknown, classify(message)), (empty, classify(message, (), 0, 0))):
        assert (got["category"], got["confidence"], got["why"]) == (
            expected.category,
            expected.confidence,
            expected.why,
        )
    # the two rows read differently, so the CLI passing 0 for a missing count would fail above
    assert (unknown["why"], unknown["confidence"]) != (empty["why"], empty["confidence"])

"""``python -m nnlib train`` end to end on a slice of MNIST, and its options."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlib.__main__ import main
from nnlib.cli import format_epoch
from nnlib.model import Model

REPO_ROOT = Path(__file__).resolve().parents[1]
QUICK = ["train", "--limit-train", "2000", "--hidden", "32", "--epochs", "2", "--lr", "0.01",
         "--no-progress"]


@pytest.fixture
def mnist_env(monkeypatch, mnist_data_dir, mnist_server):
    """The environment of a run that finds MNIST in the session's verified cache."""
    monkeypatch.setenv("NNLIB_DATA_DIR", str(mnist_data_dir))
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", mnist_server)
    return os.environ.copy()


def test_train_runs_end_to_end_and_prints_the_test_accuracy_last(mnist_env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nnlib", *QUICK, "--save", str(tmp_path / "model.npz")],
        cwd=REPO_ROOT, env=mnist_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len([line for line in lines if line.startswith("epoch ")]) == 2
    match = re.fullmatch(r"test accuracy: (0\.\d{4})", lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) > 0.8
    assert Model.load(tmp_path / "model.npz").layer_sizes == (784, 32, 10)


def test_train_prints_validation_metrics_with_a_validation_split(mnist_env, capsys):
    assert main([*QUICK, "--val-split", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "validating on 400" in out
    assert re.search(r"epoch 2/2 .*val_accuracy 0\.\d{4}", out)


def test_train_with_early_stopping_reports_the_epoch_it_kept(mnist_env, capsys):
    assert main([*QUICK, "--early-stopping", "1", "--hidden", "16", "16"]) == 0
    out = capsys.readouterr().out
    assert "Dense(16 -> 16, relu)" in out
    assert re.search(r"kept the weights of epoch [12] ", out)


def test_train_reports_a_bad_argument_as_an_error(mnist_env, capsys):
    assert main([*QUICK, "--lr", "-1"]) == 1
    assert "error: learning_rate must be a positive" in capsys.readouterr().err


def test_train_reports_divergence_as_an_error(mnist_env, capsys):
    assert main([*QUICK, "--lr", "1e6", "--optimizer", "sgd"]) == 1
    assert "training diverged at epoch 1" in capsys.readouterr().err


def test_help_documents_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for option in ["--hidden", "--activation", "--init", "--seed", "--epochs", "--lr",
                   "--batch-size", "--optimizer", "--schedule", "--threads", "--l2", "--l1",
                   "--dropout", "--val-split", "--early-stopping", "--data-dir",
                   "--limit-train", "--save", "--no-progress"]:
        assert option in text


def test_hidden_takes_several_sizes(monkeypatch):
    import argparse

    from nnlib.cli import add_train_arguments

    args = add_train_arguments(argparse.ArgumentParser()).parse_args(["--hidden", "512", "256"])
    assert args.hidden == [512, 256]


def test_format_epoch_shows_the_metrics_given():
    line = format_epoch({"epoch": 3, "epochs": 15, "loss": 0.12345, "accuracy": 0.9,
                         "learning_rate": 0.001, "time": 1.23, "threads": 2})
    assert line == "epoch  3/15  loss 0.1235  accuracy 0.9000  lr 0.001  1.2s (2 threads)"


def test_saved_model_predicts_like_the_trained_one(mnist_env, tmp_path, capsys):
    from nnlib.data import load_mnist

    assert main([*QUICK, "--save", str(tmp_path / "m.npz")]) == 0
    printed = float(capsys.readouterr().out.strip().splitlines()[-1].split()[-1])
    _, (X_test, y_test) = load_mnist(progress=False)
    accuracy = np.mean(Model.load(tmp_path / "m.npz").predict(X_test) == y_test)
    assert accuracy == pytest.approx(printed, abs=5e-5)

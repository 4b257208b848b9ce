"""Lesson 07 exercise checks: each typical wrong answer fails with a message that says what
to look at, and each right answer written another way passes. What every check
must do (pass the lesson's solution with and without hidden cases, report a stub, a
missing return, a warning, a non-function, a hard-coded answer; nnlib's fallback passes)
is tested for every check in test_checks.py; mutants and leaks in
test_exercise_mutants.py and test_hints_do_not_leak.py."""

import numpy as np
import pytest

import nnlib
from nnlib.checks.core import CheckFailed
from nnlib.checks.lesson07 import (
    check_normalize_images,
    check_one_hot_encode,
    check_train_sgd,
    check_update_ratio,
)

# ----------------------------------------------------------------------------- named mistakes


def test_normalize_images_by_the_batch_maximum_is_named():
    def by_max(images):
        flat = images.reshape(len(images), -1).astype(np.float32)
        return flat / flat.max()

    with pytest.raises(CheckFailed, match="brightest pixel is 120"):
        check_normalize_images(by_max)


def test_normalize_images_in_float64_is_named():
    with pytest.raises(CheckFailed, match="float32 .*expected 1, got 0"):
        check_normalize_images(lambda images: images.reshape(len(images), -1) / 255.0)


def test_normalize_images_left_unflattened_is_named():
    with pytest.raises(CheckFailed, match=r"expected shape \(3, 784\), got shape \(3, 28, 28\)"):
        check_normalize_images(lambda images: images.astype(np.float32) / 255)


def test_one_hot_with_columns_from_the_labels_is_named():
    def from_labels(y, n_classes):
        return np.eye(int(y.max()) + 1, dtype=np.float32)[y]

    with pytest.raises(CheckFailed, match=r"whatever labels y holds.*expected shape \(2, 10\)"):
        check_one_hot_encode(from_labels)


def test_update_ratio_with_the_biases_is_named():
    def with_biases(parameters, grads, learning_rate):
        return {key: learning_rate * np.linalg.norm(grads["d" + key]) / np.linalg.norm(value)
                for key, value in parameters.items()}

    with pytest.raises(CheckFailed, match="RuntimeWarning|keys"):
        check_update_ratio(with_biases)


def test_update_ratio_without_the_learning_rate_is_named():
    def no_rate(parameters, grads, learning_rate):
        return {key: np.linalg.norm(grads["d" + key]) / np.linalg.norm(W)
                for key, W in parameters.items() if key.startswith("W")}

    with pytest.raises(CheckFailed, match="alpha = 0.1"):
        check_update_ratio(no_rate)


def loop(shuffle="per epoch", gather="batch", record="before", rate=1.0, seed_used=True):
    """A training loop with one chosen mistake."""

    def train_sgd(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed if seed_used else 0)
        parameters = nnlib.initialize_parameters(*layer_sizes, rng=rng)
        costs, m = [], len(X)
        fixed = rng.permutation(m)
        for _ in range(epochs):
            order = {"per epoch": lambda: rng.permutation(m), "once": lambda: fixed,
                     "never": lambda: np.arange(m)}[shuffle]()
            data = (X[order], Y[order]) if gather == "whole" else None
            for first in range(0, m, batch_size):
                if gather == "whole":
                    X_batch = data[0][first:first + batch_size]
                    Y_batch = data[1][first:first + batch_size]
                elif gather == "slice":
                    X_batch, Y_batch = X[first:first + batch_size], Y[first:first + batch_size]
                else:
                    rows = order[first:first + batch_size]
                    X_batch, Y_batch = X[rows], Y[rows]
                output, cache = nnlib.forward_propagation(X_batch, parameters)
                grads = nnlib.backward_propagation(parameters, cache, X_batch, Y_batch)
                if record == "before":
                    costs.append(nnlib.compute_cost(output, Y_batch))
                for key, value in parameters.items():
                    value -= np.float32(rate * learning_rate) * grads["d" + key]
                if record == "after":
                    output, _ = nnlib.forward_propagation(X_batch, parameters)
                    costs.append(nnlib.compute_cost(output, Y_batch))
        return parameters, costs

    return train_sgd


def test_the_mistake_free_loop_passes(capsys):
    check_train_sgd(loop(), seed=3)


@pytest.mark.parametrize(("mistake", "message"), [
    ({"shuffle": "once"}, "the same order in every epoch"),
    ({"shuffle": "never"}, "stored order: shuffle them"),
    ({"gather": "whole"}, "never a shuffled copy of the whole of X"),
    ({"gather": "slice", "shuffle": "never"}, "in their stored order \\(a slice\\)"),
    ({"rate": 1.01}, "step divided by alpha"),
    ({"rate": -1.0}, "against the gradient"),
    ({"seed_used": False}, "draw everything random from the seed you are given"),
])
def test_a_loop_mistake_is_named(mistake, message):
    with pytest.raises(CheckFailed, match=message):
        check_train_sgd(loop(**mistake))


def test_a_loop_that_shuffles_X_in_place_is_named():
    def in_place(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(X))
        X[...] = X[order]
        return loop()(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed)

    with pytest.raises(CheckFailed, match="a changed X or Y"):
        check_train_sgd(in_place)


def test_a_loop_that_gathers_each_batch_twice_and_predicts_on_X_passes(capsys):
    def train_sgd(X, Y, layer_sizes, epochs, batch_size, learning_rate, seed):
        rng = np.random.default_rng(seed)
        parameters = nnlib.initialize_parameters(*layer_sizes, rng=rng)
        costs = []
        for _ in range(epochs):
            order = rng.permutation(X.shape[0])
            for first in range(0, X.shape[0], batch_size):
                rows = order[first:first + batch_size]
                output, cache = nnlib.forward_propagation(X[rows, :], parameters)
                costs.append(nnlib.compute_cost(output, Y[rows]))
                grads = nnlib.backward_propagation(parameters, cache, X[rows, :], Y[rows])
                nnlib.update_parameters(parameters, grads, learning_rate)
            nnlib.predict(X, parameters)
        return parameters, costs

    check_train_sgd(train_sgd, seed=1)
    assert "✔ train_sgd" in capsys.readouterr().out

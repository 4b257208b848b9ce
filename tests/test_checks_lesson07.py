"""Lesson 07's checks: they pass the lesson's own solutions (with and without hidden cases),
and named mistakes get a message that says what to look at. (Mutants and leaks: see
test_exercise_mutants.py and test_hints_do_not_leak.py; answers hard-coded for the visible
cases: test_checks.py.)"""

import numpy as np
import pytest
from exercise_runs import solution

import nnlib
from nnlib.checks.core import CheckFailed
from nnlib.checks.hints import first_hint
from nnlib.checks.lesson07 import (
    check_normalize_images,
    check_one_hot_encode,
    check_train_sgd,
    check_update_ratio,
)

EXERCISES = {
    "lesson07-normalize-images": ("normalize_images", check_normalize_images),
    "lesson07-one-hot-encode": ("one_hot_encode", check_one_hot_encode),
    "lesson07-update-ratio": ("update_ratio", check_update_ratio),
    "lesson07-train-sgd": ("train_sgd", check_train_sgd),
}


def reference(grade_id):
    return solution(grade_id)


def not_implemented(*args):
    raise NotImplementedError("Hint: ...")


@pytest.mark.parametrize("grade_id", EXERCISES)
@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_the_reference_solution_passes(grade_id, seed, capsys):
    name, check = EXERCISES[grade_id]
    check(reference(grade_id), seed=seed)
    assert f"✔ {name}: all" in capsys.readouterr().out


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_hidden_cases_add_to_the_visible_ones(grade_id, capsys):
    _, check = EXERCISES[grade_id]
    counts = []
    for seed in (None, 1):
        check(reference(grade_id), seed=seed)
        counts.append(int(capsys.readouterr().out.split("all ")[1].split()[0]))
    assert counts[1] > counts[0]


@pytest.mark.parametrize("grade_id", EXERCISES)
def test_an_unfinished_exercise_fails_with_its_first_hint(grade_id):
    _, check = EXERCISES[grade_id]
    with pytest.raises(CheckFailed, match="not implemented yet") as failure:
        check(not_implemented)
    assert first_hint(grade_id) in str(failure.value)


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


def test_a_loop_that_forgets_to_return_is_named():
    def no_return(*args):
        loop()(*args)

    with pytest.raises(CheckFailed, match="forget to `return`"):
        check_train_sgd(no_return)


def test_the_checks_reject_something_that_is_not_a_function():
    for check in (check_normalize_images, check_one_hot_encode, check_update_ratio,
                  check_train_sgd):
        with pytest.raises(CheckFailed, match="expected a function"):
            check(np.zeros(3))


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

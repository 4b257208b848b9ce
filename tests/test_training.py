"""The training loop: the step written once, the divergence guard, BLAS threads, stopping."""

import threading
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from nnlib.activations import sigmoid
from nnlib.model import Model
from nnlib.network import Network
from nnlib.optimizers import SGD
from nnlib.toy_data import make_blobs
from nnlib.training import (
    TrainingDivergedError,
    apply_update,
    check_gradients,
    forward_backward,
)


def copies(parameters):
    return {key: value.copy() for key, value in parameters.items()}


# ------------------------------------------------------------------ checking gradients

def test_check_gradients_accepts_large_finite_float32_gradients():
    huge = np.full((100, 10), 3e37, dtype=np.float32)  # their float32 sum overflows
    check_gradients({"dW1": huge, "db1": -huge[0]})


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_check_gradients_names_a_gradient_holding_nan_or_infinity(bad):
    g = np.zeros((3, 4), dtype=np.float32)
    g[1, 2] = bad
    with pytest.raises(TrainingDivergedError, match="the gradient dW2 is not finite"):
        check_gradients({"dW1": np.ones((2, 3), dtype=np.float32), "dW2": g})


class NaNGradientAtBatch(Model):
    """An MLP whose backward pass returns NaN in dW1 from a given batch on, with a finite loss:
    only the gradient check can notice."""

    def __init__(self, *args, bad_batch=2, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls, self.bad_batch = 0, bad_batch

    def backward(self, dZ, cache):
        self.calls += 1
        grads = super().backward(dZ, cache)
        if self.calls >= self.bad_batch:
            grads["dW1"][0, 0] = np.nan
        return grads


def test_fit_stops_at_a_nan_gradient_and_keeps_the_weights_before_it(random_data):
    model = NaNGradientAtBatch([8, 16, 3])
    after_first = {}
    with pytest.raises(TrainingDivergedError, match="batch 2: the gradient dW1 is not finite"):
        model.fit(*random_data, epochs=1, batch_size=8, progress=False,
                  callbacks=lambda event, logs: after_first or after_first.update(
                      copies(model.parameters)))
    for key, value in after_first.items():
        np.testing.assert_array_equal(model.parameters[key], value)


# ------------------------------------------------------------------ the divergence guard

@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("learning_rate", [1e39, 1e300])
def test_a_learning_rate_past_float32s_range_leaves_the_last_finite_weights(
        random_data, optimizer, learning_rate):
    X, y = random_data
    model = Model([8, 16, 3])
    last = copies(model.parameters)
    record = lambda event, logs: last.update(copies(model.parameters))  # noqa: E731
    with pytest.raises(TrainingDivergedError, match="lower learning rate"):
        model.fit(X, y, epochs=3, learning_rate=learning_rate, optimizer=optimizer,
                  batch_size=8, progress=False, callbacks=record)
    for key, value in model.parameters.items():
        assert np.isfinite(value).all(), key
        np.testing.assert_array_equal(value, last[key])
    assert np.isfinite(model.predict_proba(X)).all()


def test_an_update_that_overflows_finite_weights_is_not_applied():
    before = np.array([[3e38, 1.0]], dtype=np.float32)
    parameters = {"W1": before.copy()}
    grads = {"dW1": np.array([[-1e38, 1.0]], dtype=np.float32)}  # W1 - 1.0 * dW1 overflows
    with pytest.raises(TrainingDivergedError, match="would make W1 infinite"):
        apply_update(SGD(1.0), parameters, grads)
    np.testing.assert_array_equal(parameters["W1"], before)


def test_an_ordinary_update_is_the_optimizers_step():
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((5, 4)).astype(np.float32)}
    expected = copies(parameters)
    grads = {"dW1": rng.standard_normal((5, 4)).astype(np.float32)}
    SGD(0.1).step(expected, grads)
    apply_update(SGD(0.1), parameters, grads)
    np.testing.assert_array_equal(parameters["W1"], expected["W1"])


def test_the_guard_copies_no_parameters_on_an_ordinary_step():
    parameters = {"W1": np.ones((1000, 500), dtype=np.float32)}  # 2 MB
    grads = {"dW1": np.full((1000, 500), 0.5, dtype=np.float32)}
    optimizer = SGD(0.1)
    apply_update(optimizer, parameters, grads)  # the first step allocates the scratch array
    tracemalloc.start()
    try:
        apply_update(optimizer, parameters, grads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000, f"an ordinary step allocated {peak:,} bytes"
    np.testing.assert_allclose(parameters["W1"], 0.9)


# ------------------------------------------------------------------ the step, written once

def test_forward_backward_gives_the_loss_with_penalty_and_matching_gradients(blobs):
    from nnlib.gradient_check import numerical_gradient

    X, y = blobs
    model = Model([2, 5, 3], dtype=np.float64)
    X, Y = model.check_data(X[:10], y[:10])
    _, loss, grads = forward_backward(model, X, Y, l2=0.1, l1=0.01)

    def J():
        return forward_backward(model, X, Y, l2=0.1, l1=0.01)[1]

    assert loss == pytest.approx(J())
    for key, theta in model.parameters.items():
        numeric = numerical_gradient(J, theta)
        np.testing.assert_allclose(grads[f"d{key}"], numeric, rtol=1e-6, atol=1e-9)


def test_fit_draws_the_shuffle_then_the_dropout_masks_from_the_models_generator(blobs):
    """The order the stored lesson numbers depend on."""
    from nnlib.regularization import dropout_mask

    X, y = blobs
    model = Model([2, 6, 3], seed=4)
    seen = []
    original = model.forward

    def forward(X_batch, training=False, dropout=0.0):
        if training:
            seen.append(X_batch.copy())
        return original(X_batch, training, dropout)

    model.forward = forward
    expected_rng = np.random.default_rng(4)
    Model([2, 6, 3], seed=expected_rng)  # the same draws for the initial weights
    order = expected_rng.permutation(len(X))
    model.fit(X, y, epochs=1, batch_size=len(X), dropout=0.5, progress=False)
    np.testing.assert_array_equal(seen[0], X[order])
    dropout_mask((len(X), 6), 0.5, expected_rng)  # the one batch's mask, after the shuffle
    assert model.rng.bit_generator.state == expected_rng.bit_generator.state


# ------------------------------------------------------------------ BLAS threads never leak

def blas_setting():
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


@pytest.fixture
def several_blas_threads():
    """The process's BLAS thread count before the test, if it is more than 1 (a fit with
    threads=1 that leaked would then show). Nothing holds a limit during the test: a limit
    held here would make threadpoolctl ignore every other thread's."""
    before = blas_setting()
    if len(before) != 1 or min(before) < 2:
        pytest.skip(f"BLAS runs {before} threads: a fit limited to 1 would leave no trace")
    return before


def fit_in_background(blobs, entered, release):
    """Start a thread that fits a model with threads=1 and waits, inside its first epoch,
    until ``release`` is set."""
    def wait_inside(event, logs):
        if event == "batch_end" and logs["batch"] == 1:
            entered.set()
            release.wait(timeout=30)

    worker = threading.Thread(target=lambda: Model([2, 4, 3]).fit(
        *blobs, epochs=1, batch_size=100, threads=1, progress=False, callbacks=wait_inside))
    worker.start()
    return worker


def test_a_fit_in_a_background_thread_leaves_the_process_setting_alone(blobs, several_blas_threads):
    entered, release = threading.Event(), threading.Event()
    worker = fit_in_background(blobs, entered, release)
    try:
        assert entered.wait(timeout=30)
        during = blas_setting()
    finally:
        release.set()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert during == several_blas_threads
    assert blas_setting() == several_blas_threads


def test_overlapping_fits_leave_the_setting_as_it_was(blobs, several_blas_threads):
    """A fit in the main thread starts a background fit and finishes first."""
    entered, release = threading.Event(), threading.Event()
    workers = []

    def start_background_fit(event, logs):
        if event == "batch_end" and logs["batch"] == 1:
            workers.append(fit_in_background(blobs, entered, release))
            assert entered.wait(timeout=30)

    try:
        Model([2, 4, 3]).fit(*blobs, epochs=1, batch_size=100, threads=1, progress=False,
                             callbacks=start_background_fit)
    finally:
        release.set()
        for worker in workers:
            worker.join(timeout=60)
    assert blas_setting() == several_blas_threads


def test_the_main_threads_fit_sets_and_restores_the_count(blobs, several_blas_threads):
    during = []
    Model([2, 4, 3]).fit(*blobs, epochs=2, threads=1, progress=False,
                         callbacks=lambda event, logs: event == "batch_end"
                         and during.append(blas_setting()))
    assert len(during) == 6 and set().union(*during) == {1}
    assert blas_setting() == several_blas_threads


# ------------------------------------------------------------------ stopping

def test_stop_training_set_from_another_thread_stops_fit_after_the_current_batch(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    started, stopped = threading.Event(), threading.Event()
    batches = []

    def wait_then_stop():
        if started.wait(timeout=30):
            model.stop_training = True
        stopped.set()

    def callback(event, logs):
        if event == "batch_end":
            batches.append(logs["batch"])
            started.set()
            assert stopped.wait(timeout=30), "the stopping thread never ran"

    stopper = threading.Thread(target=wait_then_stop)
    stopper.start()
    # 30 batches per epoch: if the flag were ignored, fit would end (and fail) after 300.
    history = model.fit(X, y, epochs=10, batch_size=10, progress=False, callbacks=callback)
    stopper.join(timeout=30)
    assert batches == [1]
    assert len(history["loss"]) == 1


# ------------------------------------------------------------------ any network trains here

class LogisticRegression(Network):
    """The smallest network the loop can train: one sigmoid unit, written against the
    interface only."""

    def __init__(self, n_features, seed=0):
        super().__init__(seed)
        self.parameters = {"w": np.zeros((n_features, 1), np.float32),
                           "c": np.zeros(1, np.float32)}
        self.output_activation, self.cost = "sigmoid", "binary_cross_entropy"

    @property
    def layer_sizes(self):
        return (self.parameters["w"].shape[0], 1)

    def forward(self, X, training=False, dropout=0.0):
        Z = X @ self.parameters["w"] + self.parameters["c"]
        return Z, sigmoid(Z), X

    def backward(self, dZ, X):
        return {"dw": X.T @ dZ, "dc": dZ.sum(axis=0)}

    def weights(self):
        return {"w": self.parameters["w"]}

    def check_X(self, X, name="X"):
        return np.asarray(X, dtype=np.float32)

    def config(self):
        return {"n_features": self.layer_sizes[0]}


def test_any_network_with_the_interface_trains_with_penalties_and_validation():
    X, y = make_blobs(200, centers=2, std=0.5, rng=1)
    model = LogisticRegression(2)
    history = model.fit(X, y, epochs=20, learning_rate=0.1, batch_size=20, l2=1e-3,
                        validation_data=(X, y), progress=False)
    assert history["loss"][-1] < history["loss"][0] / 2
    assert model.evaluate(X, y)["accuracy"] > 0.95
    assert history["val_accuracy"][-1] == model.evaluate(X, y)["accuracy"]

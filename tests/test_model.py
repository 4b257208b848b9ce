"""Model: training, regularization, callbacks, the divergence guard, saving and loading."""

import numpy as np
import pytest

from nnlib.costs import compute_cost
from nnlib.forward import forward_propagation
from nnlib.gradient_check import gradient_check
from nnlib.initialization import initialize_parameters
from nnlib.model import Model, ModelFileError, TrainingDivergedError
from nnlib.optimizers import Adam
from nnlib.regularization import dropout_mask, weight_penalty
from nnlib.toy_data import make_moons

# ------------------------------------------------------------------ the model and its weights

def test_parameters_are_the_functional_apis_dict():
    model = Model([4, 5, 3], seed=7)
    expected = initialize_parameters(4, 5, 3, rng=7)
    assert model.parameters.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(model.parameters[key], expected[key])
        assert model.parameters[key].dtype == np.float32


def test_repr_shows_the_layers_and_parameter_count():
    text = repr(Model([784, 128, 10]))
    assert "Dense(784 -> 128, relu)" in text
    assert "Dense(128 -> 10, softmax)" in text
    assert "101,770" in text


def test_predict_proba_is_the_functional_forward_pass(blobs):
    X, _ = blobs
    model = Model([2, 8, 3], hidden_activation="tanh")
    expected, _ = forward_propagation(X, model.parameters, hidden_activation="tanh")
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    np.testing.assert_array_equal(model.predict(X), expected.argmax(axis=1))


def test_float64_model_keeps_float64():
    model = Model([2, 4, 3], dtype=np.float64)
    assert model.parameters["W1"].dtype == np.float64
    assert model.predict_proba(np.zeros((1, 2), dtype=np.float32)).dtype == np.float64


def test_predict_rejects_a_batch_of_the_wrong_width():
    with pytest.raises(ValueError, match="first layer expects 2"):
        Model([2, 4, 3]).predict(np.zeros((5, 3)))


# ------------------------------------------------------------------ training

def test_training_on_blobs_reaches_high_accuracy(blobs):
    X, y = blobs
    model = Model([2, 16, 3], seed=0)
    model.fit(X, y, epochs=20, learning_rate=0.01, batch_size=32, progress=False)
    assert model.evaluate(X, y)["accuracy"] >= 0.97


def test_training_learns_a_nonlinear_boundary():
    X, y = make_moons(400, noise=0.1, rng=0)
    model = Model([2, 32, 32, 2], seed=0)
    model.fit(X, y, epochs=60, learning_rate=0.01, batch_size=32, progress=False)
    assert model.evaluate(X, y)["accuracy"] >= 0.97


def test_one_hot_labels_train_like_integer_labels(blobs):
    X, y = blobs
    a, b = Model([2, 4, 3], seed=3), Model([2, 4, 3], seed=3)
    a.fit(X, y, epochs=2, progress=False)
    b.fit(X, np.eye(3, dtype=np.float32)[y], epochs=2, progress=False)
    for key in a.parameters:
        np.testing.assert_allclose(a.parameters[key], b.parameters[key], rtol=1e-6)


def test_history_has_one_value_per_epoch_for_each_metric(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    history = model.fit(X, y, epochs=3, progress=False)
    assert set(history) == {"loss", "accuracy"}
    assert all(len(values) == 3 for values in history.values())
    assert model.history is history


def test_history_with_validation_data_has_validation_metrics(blobs):
    X, y = blobs
    history = Model([2, 4, 3]).fit(X[:200], y[:200], epochs=2, progress=False,
                                   validation_data=(X[200:], y[200:]))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 2 for values in history.values())
    assert all(0 <= a <= 1 for a in history["val_accuracy"])


def test_validation_metrics_are_evaluate_on_the_final_weights(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    history = model.fit(X[:200], y[:200], epochs=2, progress=False,
                        validation_data=(X[200:], y[200:]))
    final = model.evaluate(X[200:], y[200:])
    assert history["val_loss"][-1] == pytest.approx(final["loss"])
    assert history["val_accuracy"][-1] == final["accuracy"]


def test_evaluate_loss_is_the_cost_of_the_predictions(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    result = model.evaluate(X, y)
    assert result["loss"] == pytest.approx(compute_cost(model.predict_proba(X), y), rel=1e-5)
    assert result["accuracy"] == np.mean(model.predict(X) == y)


def test_training_loss_includes_the_weight_penalty(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    expected = (compute_cost(model.predict_proba(X), y)
                + weight_penalty(model.parameters, l2=0.1, l1=0.01))
    losses = []
    model.fit(X, y, epochs=1, batch_size=len(X), l2=0.1, l1=0.01, progress=False,
              callbacks=lambda event, logs: losses.append(logs["batch_loss"]))
    assert losses[0] == pytest.approx(expected, rel=1e-5)


def test_calling_fit_again_continues_from_the_trained_weights(blobs):
    X, y = blobs
    model = Model([2, 8, 3])
    model.fit(X, y, epochs=2, progress=False)
    after_first = model.evaluate(X, y)["loss"]
    model.fit(X, y, epochs=2, optimizer=model.optimizer, progress=False)
    assert model.evaluate(X, y)["loss"] < after_first


def test_schedule_sets_the_learning_rate_of_each_epoch(blobs):
    X, y = blobs
    rates = []
    Model([2, 4, 3]).fit(X, y, epochs=3, learning_rate=0.1, optimizer="sgd", schedule="cosine",
                         progress=False, callbacks=lambda event, logs: event == "epoch_end"
                         and rates.append(logs["learning_rate"]))
    assert rates == pytest.approx([0.1, 0.075, 0.025])


# ------------------------------------------------------------------ regularization

@pytest.mark.parametrize("penalty", [{"l2": 0.3}, {"l1": 0.2}, {"l2": 0.1, "l1": 0.1}])
def test_penalty_gradients_match_finite_differences(penalty):
    rng = np.random.default_rng(0)
    parameters = initialize_parameters(3, 5, 4, rng=rng, dtype=np.float64)
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 4, 6)
    assert gradient_check(parameters, X, y, **penalty) < 1e-7


def test_dropout_mask_keeps_the_expected_activation():
    mask = dropout_mask((1000, 500), 0.3, np.random.default_rng(0))
    assert np.mean(mask == 0) == pytest.approx(0.3, abs=0.01)
    assert mask.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_forward_pass_preserves_the_mean_hidden_activation():
    rng = np.random.default_rng(0)
    parameters = initialize_parameters(10, 400, 3, rng=rng)
    X = rng.standard_normal((50, 10)).astype(np.float32)
    _, plain = forward_propagation(X, parameters)
    dropped = [forward_propagation(X, parameters, dropout=0.5, rng=rng)[1]["A1"]
               for _ in range(200)]
    np.testing.assert_allclose(np.mean(dropped, axis=0).mean(), plain["A1"].mean(), rtol=0.02)


def test_dropout_is_off_when_predicting_after_training_with_it(blobs):
    X, y = blobs
    model = Model([2, 16, 3])
    model.fit(X, y, epochs=2, dropout=0.5, progress=False)
    expected, _ = forward_propagation(X, model.parameters)
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X))


def test_early_stopping_restores_the_weights_with_the_lowest_validation_loss(random_data):
    X, y = random_data  # random labels: the validation loss soon rises as the model memorizes
    X_val, y_val = np.random.default_rng(2).standard_normal((64, 8)), np.arange(64) % 3
    model = Model([8, 64, 3])
    snapshots = []
    history = model.fit(X, y, epochs=100, learning_rate=0.01, batch_size=16, progress=False,
                        validation_data=(X_val, y_val), early_stopping=3,
                        callbacks=lambda event, logs: event == "epoch_end" and snapshots.append(
                            {k: v.copy() for k, v in model.parameters.items()}))
    best = int(np.argmin(history["val_loss"]))
    assert len(history["val_loss"]) == best + 1 + 3  # stopped after 3 epochs without progress
    assert model.best_epoch == best + 1
    for key, value in snapshots[best].items():
        np.testing.assert_array_equal(model.parameters[key], value)
    assert model.evaluate(X_val, y_val)["loss"] == pytest.approx(min(history["val_loss"]))


def test_early_stopping_needs_validation_data(blobs):
    with pytest.raises(ValueError, match="early_stopping needs validation_data"):
        Model([2, 4, 3]).fit(*blobs, early_stopping=2, progress=False)


# ------------------------------------------------------------------ callbacks and stopping

def test_callbacks_receive_batch_end_and_epoch_end_with_running_metrics(blobs):
    X, y = blobs
    events = []
    Model([2, 4, 3]).fit(X, y, epochs=2, batch_size=100, progress=False,
                         validation_data=(X, y),
                         callbacks=[lambda event, logs: events.append((event, logs))])
    names = [event for event, _ in events]
    assert names == (["batch_end"] * 3 + ["epoch_end"]) * 2
    first = events[0][1]
    assert (first["epoch"], first["batch"], first["batches"], first["epochs"]) == (1, 1, 3, 2)
    assert first["loss"] == first["batch_loss"]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "time"} <= set(events[3][1])


def test_stop_training_set_by_a_callback_stops_after_the_current_batch(blobs):
    X, y = blobs
    model = Model([2, 4, 3])
    batches = []

    def stop_after_three(event, logs):
        if event == "batch_end":
            batches.append(logs["batch"])
            if logs["batch"] == 3:
                model.stop_training = True

    history = model.fit(X, y, epochs=5, batch_size=10, progress=False,
                        callbacks=stop_after_three)
    assert batches == [1, 2, 3]
    assert len(history["loss"]) == 1  # the partial epoch is recorded


def test_progress_bar_shows_the_loss(blobs, capsys):
    Model([2, 4, 3]).fit(*blobs, epochs=1, progress=True)
    assert "loss=" in capsys.readouterr().err


# ------------------------------------------------------------------ the divergence guard

@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_huge_learning_rate_raises_and_leaves_the_parameters_before_the_bad_step(
        random_data, optimizer):
    X, y = random_data
    model = Model([8, 16, 3])
    last = {}
    record = lambda event, logs: last.update(  # noqa: E731
        {k: v.copy() for k, v in model.parameters.items()})
    with pytest.raises(TrainingDivergedError, match="epoch 1, batch 2.*lower learning rate"):
        model.fit(X, y, epochs=5, learning_rate=1e6, optimizer=optimizer, batch_size=8,
                  progress=False, callbacks=record)
    for key, value in last.items():
        np.testing.assert_array_equal(model.parameters[key], value)
        assert np.isfinite(model.parameters[key]).all()


def test_divergence_error_is_a_value_error():
    assert issubclass(TrainingDivergedError, ValueError)


# ------------------------------------------------------------------ bad arguments

@pytest.mark.parametrize("kwargs, error, message", [
    ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
    ({"epochs": 1.5}, TypeError, "epochs must be a positive integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer"),
    ({"batch_size": 301}, ValueError, "batch_size is 301 but there are only 300 examples"),
    ({"optimizer": "adagrad"}, ValueError, "unknown optimizer 'adagrad'"),
    ({"learning_rate": 0}, ValueError, "learning_rate must be a positive"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate must be a positive"),
    ({"schedule": "linear"}, ValueError, "unknown schedule"),
    ({"dropout": 1.0}, ValueError, "dropout must be a probability"),
    ({"l2": -1.0}, ValueError, "l2 must be a number >= 0"),
    ({"validation_data": np.zeros((3, 2))}, TypeError, "validation_data must be a pair"),
    ({"callbacks": ["not callable"]}, TypeError, "callbacks must be functions"),
])
def test_fit_rejects_bad_arguments(blobs, kwargs, error, message):
    with pytest.raises(error, match=message):
        Model([2, 4, 3]).fit(*blobs, progress=False, **kwargs)


def test_fit_rejects_x_and_y_of_different_lengths(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="X has 300 examples but y has 299 labels"):
        Model([2, 4, 3]).fit(X, y[:-1], progress=False)


def test_fit_rejects_labels_out_of_range(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"labels.* 0\.\.2"):
        Model([2, 4, 3]).fit(X, y + 1, progress=False)


def test_fit_rejects_x_with_nan(blobs):
    X, y = blobs
    X = X.copy()
    X[5, 1] = np.nan
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        Model([2, 4, 3]).fit(X, y, progress=False)


def test_model_rejects_an_unknown_activation():
    with pytest.raises(ValueError, match="unknown hidden_activation 'relu6'"):
        Model([2, 4, 3], hidden_activation="relu6")


# ------------------------------------------------------------------ saving and loading

def test_save_and_load_round_trip_gives_identical_predictions(blobs, tmp_path):
    X, y = blobs
    model = Model([2, 8, 3], hidden_activation="tanh", init="xavier")
    model.fit(X, y, epochs=2, progress=False)
    path = model.save(tmp_path / "model.npz")
    loaded = Model.load(path)
    assert (loaded.hidden_activation, loaded.init) == ("tanh", "xavier")
    assert loaded.layer_sizes == (2, 8, 3)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_save_keeps_float64(tmp_path):
    model = Model([2, 3, 2], dtype=np.float64)
    assert Model.load(model.save(tmp_path / "m.npz")).parameters["W1"].dtype == np.float64


def test_save_appends_npz_to_the_name(tmp_path):
    assert Model([2, 3, 2]).save(tmp_path / "model").name == "model.npz"


def test_load_of_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        Model.load(tmp_path / "missing.npz")


def test_load_of_a_corrupt_file_raises_model_file_error(tmp_path):
    path = tmp_path / "corrupt.npz"
    path.write_bytes(b"this is not a zip file at all" * 10)
    with pytest.raises(ModelFileError, match="not a readable .npz model file"):
        Model.load(path)


def test_load_of_a_truncated_file_raises_model_file_error(tmp_path):
    path = Model([2, 3, 2]).save(tmp_path / "model.npz")
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ModelFileError):
        Model.load(path)


def test_load_of_an_npz_that_is_not_a_model_raises_model_file_error(tmp_path):
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="not an nnlib model"):
        Model.load(tmp_path / "other.npz")


def test_load_of_weights_of_the_wrong_shape_raises_model_file_error(tmp_path):
    path = Model([2, 3, 2]).save(tmp_path / "model.npz")
    with np.load(path) as npz:
        contents = dict(npz)
    contents["W2"] = np.zeros((4, 2), dtype=np.float32)
    np.savez(path, **contents)
    with pytest.raises(ModelFileError, match=r"W2 has shape \(4, 2\).*needs a float32 array "
                                             r"of shape \(3, 2\)"):
        Model.load(path)


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


def test_optimizer_object_keeps_its_state_between_fits(blobs):
    X, y = blobs
    optimizer = Adam(0.01)
    model = Model([2, 4, 3])
    model.fit(X, y, epochs=1, batch_size=100, optimizer=optimizer, progress=False)
    model.fit(X, y, epochs=1, batch_size=100, optimizer=optimizer, progress=False)
    assert optimizer.t == 6
    assert model.optimizer is optimizer


# ------------------------------------------------------------------ BLAS threads (nnlib.threads)

def fake_cgroup(root, files):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize("files, expected", [
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "200000 50000\n"}, 4.0),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0.5),
    ({"cpu,cpuacct/cpu.cfs_quota_us": "300000\n",
      "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 3.0),
    ({"cpu.max": "garbage\n"}, None),
    ({}, None),
], ids=["v2-unlimited", "v2-1.5", "v2-4", "v1-unlimited", "v1-0.5", "v1-cpuacct-3",
        "garbage", "no-files"])
def test_cgroup_cpu_limit_reads_v2_and_v1_quota_files(tmp_path, files, expected):
    from nnlib.threads import cgroup_cpu_limit

    assert cgroup_cpu_limit(fake_cgroup(tmp_path, files)) == expected


def test_available_cpus_is_capped_by_the_cgroup_quota_rounded_up(tmp_path):
    import os

    from nnlib.threads import available_cpus

    affinity = len(os.sched_getaffinity(0))
    assert available_cpus(fake_cgroup(tmp_path, {"cpu.max": "50000 100000"})) == 1
    assert available_cpus(tmp_path / "none") == affinity
    root = fake_cgroup(tmp_path / "big", {"cpu.max": f"{affinity * 200000} 100000"})
    assert available_cpus(root) == affinity


@pytest.mark.parametrize("sizes, cpus, expected", [
    ((784, 128, 10), 2, 1),          # narrow layers: one thread
    ((784, 256, 10), 2, 2),          # 256 units: two threads
    ((784, 512, 256, 10), 2, 2),
    ((784, 512, 256, 10), 1, 1),     # one CPU available
    ((784, 4096, 10), 8, 8),
    ((784, 10), 8, 1),               # no hidden layer
])
def test_default_num_threads_follows_widths_and_cpus(monkeypatch, sizes, cpus, expected):
    from nnlib.threads import default_num_threads

    monkeypatch.delenv("NNLIB_NUM_THREADS", raising=False)
    assert default_num_threads(sizes, cpus=cpus) == expected


def test_default_num_threads_ignores_the_load_so_a_seed_gives_the_same_numbers(monkeypatch):
    from nnlib import threads

    monkeypatch.delenv("NNLIB_NUM_THREADS", raising=False)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (50.0, 50.0, 50.0), raising=False)
    assert threads.default_num_threads((784, 512, 10), cpus=2) == 2


def blas_threads_seen_by_fit(blobs, **kwargs):
    """``logs["threads"]`` and the BLAS thread counts in force at the first batch of each
    of two epochs."""
    from threadpoolctl import threadpool_info

    seen = []
    Model([2, 4, 3]).fit(*blobs, epochs=2, progress=False, callbacks=lambda event, logs: (
        event == "batch_end" and logs["batch"] == 1 and seen.append((logs["threads"], {
            pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}))),
        **kwargs)
    return seen


def test_threads_argument_sets_the_blas_thread_count_during_fit(blobs):
    assert blas_threads_seen_by_fit(blobs, threads=1) == [(1, {1}), (1, {1})]


def test_nnlib_num_threads_environment_variable_sets_the_default(monkeypatch, blobs):
    from nnlib.threads import default_num_threads

    monkeypatch.setenv("NNLIB_NUM_THREADS", "3")
    assert default_num_threads((784, 128, 10), cpus=2) == 3
    monkeypatch.setenv("NNLIB_NUM_THREADS", "1")
    assert blas_threads_seen_by_fit(blobs) == [(1, {1}), (1, {1})]


def test_threads_argument_overrides_the_environment_variable(monkeypatch, blobs):
    monkeypatch.setenv("NNLIB_NUM_THREADS", "2")
    assert blas_threads_seen_by_fit(blobs, threads=1)[0] == (1, {1})


def test_fit_rejects_a_thread_count_that_is_not_positive(blobs):
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        Model([2, 4, 3]).fit(*blobs, threads=0, progress=False)


@pytest.mark.parametrize("value", ["zero", "0", "-2"])
def test_bad_nnlib_num_threads_raises_a_clear_error(monkeypatch, value):
    from nnlib.threads import default_num_threads

    monkeypatch.setenv("NNLIB_NUM_THREADS", value)
    with pytest.raises(ValueError, match="NNLIB_NUM_THREADS must be a positive integer"):
        default_num_threads((784, 128, 10))

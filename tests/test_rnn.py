"""The vanilla RNN: the recurrence, backpropagation through time, the toy task, the model."""

import numpy as np
import pytest

from nnlib.gradient_check import numerical_gradient, relative_error
from nnlib.rnn import rnn_backward, rnn_forward
from nnlib.rnn_classifier import RNNClassifier
from nnlib.toy_data import make_marker_sequences


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def rnn_arrays(rng, m=3, T=4, D=2, Hdim=5):
    """``X, h0, Wx, Wh, b`` in float64 for a small RNN."""
    return (rng.standard_normal((m, T, D)), rng.standard_normal((m, Hdim)),
            rng.standard_normal((D, Hdim)) * 0.5, rng.standard_normal((Hdim, Hdim)) * 0.5,
            rng.standard_normal(Hdim))


def test_rnn_forward_returns_every_hidden_state(rng):
    H, _ = rnn_forward(*rnn_arrays(rng, m=3, T=4, D=2, Hdim=5))
    assert H.shape == (3, 4, 5)


def test_rnn_forward_follows_the_recurrence(rng):
    X, h0, Wx, Wh, b = rnn_arrays(rng)
    H, _ = rnn_forward(X, h0, Wx, Wh, b)
    previous = np.concatenate([h0[:, None], H[:, :-1]], axis=1)
    for t in range(X.shape[1]):
        np.testing.assert_allclose(H[:, t], np.tanh(X[:, t] @ Wx + previous[:, t] @ Wh + b),
                                   rtol=1e-12)


def test_rnn_forward_is_float32_for_float32_arrays(rng):
    arrays = [a.astype(np.float32) for a in rnn_arrays(rng)]
    assert rnn_forward(*arrays)[0].dtype == np.float32


def test_rnn_backward_matches_finite_differences(rng):
    arrays = rnn_arrays(rng)
    H, cache = rnn_forward(*arrays)
    R = rng.standard_normal(H.shape)  # the cost J = sum(H * R), so dJ/dH = R

    def J():
        return float(np.sum(rnn_forward(*arrays)[0] * R))

    for name, analytic, array in zip(("dX", "dh0", "dWx", "dWh", "db"),
                                     rnn_backward(R, cache), arrays):
        assert relative_error(analytic, numerical_gradient(J, array)) < 1e-8, name


def test_rnn_forward_rejects_sequences_that_are_not_3d(rng):
    X, h0, Wx, Wh, b = rnn_arrays(rng)
    with pytest.raises(ValueError, match=r"X must be 3-D with shape \(m, T, D\)"):
        rnn_forward(X[:, :, 0], h0, Wx, Wh, b)


def test_rnn_forward_rejects_steps_of_the_wrong_width(rng):
    X, h0, Wx, Wh, b = rnn_arrays(rng, D=2)
    with pytest.raises(ValueError, match=r"X has 2 numbers per step but Wx expects 3"):
        rnn_forward(X, h0, np.ones((3, 5)), Wh, b)


@pytest.mark.parametrize("index, name", [(1, "h0"), (3, "Wh"), (4, "b")])
def test_rnn_forward_rejects_arrays_that_do_not_fit_together(rng, index, name):
    arrays = list(rnn_arrays(rng))
    arrays[index] = np.ones(arrays[index].shape[:-1] + (7,))
    with pytest.raises(ValueError, match=rf"{name} must have shape"):
        rnn_forward(*arrays)


def test_rnn_forward_rejects_nan(rng):
    X, h0, Wx, Wh, b = rnn_arrays(rng)
    X[0, 1, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        rnn_forward(X, h0, Wx, Wh, b)


def test_rnn_backward_rejects_a_gradient_of_the_wrong_shape(rng):
    _, cache = rnn_forward(*rnn_arrays(rng))
    with pytest.raises(ValueError, match=r"dH must have the shape of H \(3, 4, 5\)"):
        rnn_backward(np.ones((3, 5)), cache)


# ----------------------------------------------------------------------------- the toy task


def test_marker_sequences_are_labelled_by_whether_they_hold_a_one():
    X, y = make_marker_sequences(200, 8, rng=0)
    assert X.shape == (200, 8, 1) and X.dtype == np.float32 and y.dtype == np.int64
    assert set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, (X.sum(axis=(1, 2)) > 0).astype(np.int64))


def test_marker_sequences_are_about_half_positive():
    _, y = make_marker_sequences(4000, 10, rng=0)
    assert 0.45 < y.mean() < 0.55


def test_marker_sequences_are_reproducible_from_a_seed():
    np.testing.assert_array_equal(make_marker_sequences(50, rng=3)[0],
                                  make_marker_sequences(50, rng=3)[0])


# ----------------------------------------------------------------------------- the model


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_rnn_classifier_gradients_match_finite_differences(rng, n_outputs):
    model = RNNClassifier(n_inputs=2, n_hidden=4, n_outputs=n_outputs, seed=1,
                          dtype=np.float64)
    X = rng.standard_normal((3, 5, 2))
    y = rng.integers(0, max(n_outputs, 2), 3)
    _, grads = model.loss_and_gradients(X, y, l2=0.1, l1=0.01)
    for key, theta in model.parameters.items():
        numeric = numerical_gradient(lambda: model.loss_and_gradients(X, y, 0.1, 0.01)[0],
                                     theta)
        assert relative_error(grads[f"d{key}"], numeric) < 1e-7, key


def test_rnn_classifier_learns_the_marker_task():
    X, y = make_marker_sequences(512, 10, rng=0)
    X_test, y_test = make_marker_sequences(1000, 10, rng=1)
    model = RNNClassifier(n_hidden=8, seed=0)
    before = model.evaluate(X_test, y_test)
    history = model.fit(X, y, epochs=20, learning_rate=0.02, batch_size=32, progress=False)
    after = model.evaluate(X_test, y_test)
    assert history["loss"][-1] < history["loss"][0] / 10
    assert before["accuracy"] < 0.8
    assert after["accuracy"] > 0.97


def test_rnn_classifier_takes_sequences_of_any_length_and_2d_for_one_input(rng):
    model = RNNClassifier(n_hidden=4)
    X = rng.random((5, 7))
    np.testing.assert_array_equal(model.predict_proba(X), model.predict_proba(X[:, :, None]))
    assert model.predict_proba(rng.random((2, 30, 1))).shape == (2, 1)


def test_rnn_classifier_rejects_steps_of_the_wrong_width(rng):
    with pytest.raises(ValueError, match=r"sequences of shape \(m, T, 2\)"):
        RNNClassifier(n_inputs=2).predict(rng.random((4, 5, 3)))


def test_rnn_classifier_rejects_dropout():
    X, y = make_marker_sequences(32, rng=0)
    with pytest.raises(ValueError, match="does not support dropout"):
        RNNClassifier().fit(X, y, epochs=1, batch_size=8, dropout=0.5, progress=False)


def test_rnn_classifier_parameters_have_the_documented_shapes():
    shapes = {key: value.shape for key, value in RNNClassifier(3, 6, 2).parameters.items()}
    assert shapes == {"Wx": (3, 6), "Wh": (6, 6), "bh": (6,), "Wy": (6, 2), "by": (2,)}


def test_rnn_classifier_save_and_load_round_trip_gives_identical_predictions(tmp_path):
    model = RNNClassifier(n_inputs=1, n_hidden=6, n_outputs=1, seed=3)
    X, _ = make_marker_sequences(20, length=5, rng=0)
    loaded = RNNClassifier.load(model.save(tmp_path / "rnn.npz"))
    assert loaded.config() == model.config()
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))

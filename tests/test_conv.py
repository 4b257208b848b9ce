"""Convolution, pooling and the ConvNet: values, gradients, shapes and clear errors."""

import numpy as np
import pytest

from nnlib.conv import (
    col2im,
    conv_backward,
    conv_forward,
    im2col,
    maxpool_backward,
    maxpool_forward,
)
from nnlib.convnet import ConvNet
from nnlib.gradient_check import numerical_gradient, relative_error


def naive_conv(X, K, c, stride, padding):
    """The convolution's definition, one output number at a time."""
    m, _, H, W = X.shape
    F, _, kh, kw = K.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh, ow = (H + 2 * padding - kh) // stride + 1, (W + 2 * padding - kw) // stride + 1
    Z = np.zeros((m, F, oh, ow))
    for i in range(m):
        for f in range(F):
            for y in range(oh):
                for x in range(ow):
                    patch = Xp[i, :, y * stride:y * stride + kh, x * stride:x * stride + kw]
                    Z[i, f, y, x] = np.sum(patch * K[f]) + c[f]
    return Z


@pytest.fixture
def rng():
    return np.random.default_rng(0)


GEOMETRIES = [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)]  # (stride, padding)


# ----------------------------------------------------------------------------- im2col


def test_im2col_has_one_column_per_output_pixel(rng):
    X = rng.standard_normal((2, 3, 7, 6))
    assert im2col(X, 3, 2, stride=2, padding=1).shape == (2, 3 * 3 * 2, 4 * 4)


def test_im2col_columns_are_the_patches(rng):
    X = rng.standard_normal((1, 2, 4, 5))
    cols = im2col(X, 2, 3)
    # output pixel (y=1, x=2) is column 1 * 3 + 2 of image 0
    np.testing.assert_array_equal(cols[0, :, 5], X[0, :, 1:3, 2:5].ravel())


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_col2im_is_the_adjoint_of_im2col(rng, stride, padding):
    X = rng.standard_normal((2, 3, 7, 8))
    cols = im2col(X, 3, 2, stride, padding)
    Y = rng.standard_normal(cols.shape)
    assert np.vdot(cols, Y) == pytest.approx(np.vdot(X, col2im(Y, X.shape, 3, 2, stride,
                                                              padding)), rel=1e-12)


def test_col2im_of_im2col_counts_how_often_each_pixel_is_used():
    X = np.ones((1, 1, 4, 4))
    counts = col2im(im2col(X, 2, 2), X.shape, 2, 2)
    np.testing.assert_array_equal(counts[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2],
                                                 [2, 4, 4, 2], [1, 2, 2, 1]])


def test_col2im_rejects_columns_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match=r"cols must have shape"):
        col2im(rng.standard_normal((1, 4, 8)), (1, 1, 4, 4), 2, 2)


# ----------------------------------------------------------------------------- convolution


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_conv_forward_equals_the_naive_loops(rng, stride, padding):
    X, K, c = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), \
        rng.standard_normal(4)
    Z, _ = conv_forward(X, K, c, stride, padding)
    np.testing.assert_allclose(Z, naive_conv(X, K, c, stride, padding), rtol=1e-12, atol=1e-12)


def test_conv_forward_output_size_follows_the_formula(rng):
    Z, _ = conv_forward(rng.standard_normal((5, 1, 28, 28)), rng.standard_normal((8, 1, 5, 5)),
                        np.zeros(8), stride=1, padding=2)
    assert Z.shape == (5, 8, 28, 28)


def test_conv_forward_is_float32_by_default_and_keeps_float64(rng):
    X = rng.integers(0, 255, (2, 1, 5, 5))
    K32, c32 = np.ones((2, 1, 3, 3), np.float32), np.zeros(2, np.float32)
    assert conv_forward(X, K32, c32)[0].dtype == np.float32
    assert conv_forward(X.astype(np.float64), K32.astype(np.float64),
                        c32.astype(np.float64))[0].dtype == np.float64


@pytest.mark.parametrize("stride, padding", GEOMETRIES)
def test_conv_backward_matches_finite_differences(rng, stride, padding):
    X, K, c = rng.standard_normal((2, 2, 6, 7)), rng.standard_normal((3, 2, 3, 2)), \
        rng.standard_normal(3)
    Z, cache = conv_forward(X, K, c, stride, padding)
    R = rng.standard_normal(Z.shape)  # the cost J = sum(Z * R), so dJ/dZ = R

    def J():
        return float(np.sum(conv_forward(X, K, c, stride, padding)[0] * R))

    dX, dK, dc = conv_backward(R, cache)
    assert relative_error(dX, numerical_gradient(J, X)) < 1e-8
    assert relative_error(dK, numerical_gradient(J, K)) < 1e-8
    assert relative_error(dc, numerical_gradient(J, c)) < 1e-8


def test_conv_forward_rejects_images_that_are_not_4d(rng):
    with pytest.raises(ValueError, match=r"\(m, C, H, W\).*got shape \(3, 28, 28\)"):
        conv_forward(rng.standard_normal((3, 28, 28)), np.ones((2, 1, 3, 3)), np.zeros(2))


def test_conv_forward_rejects_channels_that_do_not_match_the_filters(rng):
    with pytest.raises(ValueError, match=r"X has 3 channels.*filters expect 1"):
        conv_forward(rng.standard_normal((2, 3, 8, 8)), np.ones((2, 1, 3, 3)), np.zeros(2))


def test_conv_forward_rejects_a_kernel_larger_than_the_padded_input(rng):
    with pytest.raises(ValueError, match=r"7-pixel kernel is larger than the padded input"):
        conv_forward(rng.standard_normal((1, 1, 4, 4)), np.ones((1, 1, 7, 7)), np.zeros(1),
                     padding=1)


def test_conv_forward_rejects_filters_that_are_not_4d(rng):
    with pytest.raises(ValueError, match=r"K must be 4-D filters \(F, C, kh, kw\)"):
        conv_forward(rng.standard_normal((1, 1, 4, 4)), np.ones((1, 3, 3)), np.zeros(1))


def test_conv_forward_rejects_biases_of_the_wrong_shape(rng):
    with pytest.raises(ValueError, match=r"one bias per filter, shape \(2,\); got \(3,\)"):
        conv_forward(rng.standard_normal((1, 1, 4, 4)), np.ones((2, 1, 3, 3)), np.zeros(3))


@pytest.mark.parametrize("stride, error", [(0, ValueError), (-1, ValueError),
                                           (1.5, TypeError), (True, TypeError)])
def test_conv_forward_rejects_a_stride_that_is_not_a_positive_int(rng, stride, error):
    with pytest.raises(error, match="stride"):
        conv_forward(rng.standard_normal((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1),
                     stride=stride)


@pytest.mark.parametrize("padding, error", [(-1, ValueError), (0.5, TypeError)])
def test_conv_forward_rejects_padding_that_is_not_an_int_from_0(rng, padding, error):
    with pytest.raises(error, match="padding must be an int >= 0"):
        conv_forward(rng.standard_normal((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), np.zeros(1),
                     padding=padding)


def test_conv_forward_rejects_nan(rng):
    X = rng.standard_normal((1, 1, 4, 4))
    X[0, 0, 1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        conv_forward(X, np.ones((1, 1, 3, 3)), np.zeros(1))


def test_conv_backward_rejects_a_gradient_of_the_wrong_shape(rng):
    _, cache = conv_forward(rng.standard_normal((2, 1, 5, 5)), np.ones((3, 1, 3, 3)),
                            np.zeros(3))
    with pytest.raises(ValueError, match=r"shape of the forward output \(2, 3, 3, 3\)"):
        conv_backward(np.ones((2, 3, 5, 5)), cache)


# ----------------------------------------------------------------------------- pooling


def test_maxpool_forward_takes_the_largest_value_of_each_window():
    X = np.arange(16.0).reshape(1, 1, 4, 4)
    P, _ = maxpool_forward(X)
    np.testing.assert_array_equal(P[0, 0], [[5, 7], [13, 15]])


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 1), (3, 2)])
def test_maxpool_forward_equals_the_naive_loops(rng, size, stride):
    X = rng.standard_normal((2, 3, 7, 6))
    P, _ = maxpool_forward(X, size, stride)
    for y in range(P.shape[2]):
        for x in range(P.shape[3]):
            window = X[:, :, y * stride:y * stride + size, x * stride:x * stride + size]
            np.testing.assert_array_equal(P[:, :, y, x], window.max(axis=(2, 3)))


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 1), (3, 2)])
def test_maxpool_backward_matches_finite_differences(rng, size, stride):
    X = rng.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 10.0  # distinct values: no ties
    P, cache = maxpool_forward(X, size, stride)
    R = rng.standard_normal(P.shape)
    dX = maxpool_backward(R, cache)
    numeric = numerical_gradient(lambda: float(np.sum(maxpool_forward(X, size, stride)[0] * R)),
                                 X, epsilon=1e-3)
    assert relative_error(dX, numeric) < 1e-8


def test_maxpool_backward_sends_each_gradient_to_one_pixel_of_its_window():
    X = np.ones((1, 1, 2, 2))  # a tie: every pixel is the maximum
    _, cache = maxpool_forward(X)
    np.testing.assert_array_equal(maxpool_backward(np.full((1, 1, 1, 1), 3.0), cache),
                                  [[[[3.0, 0.0], [0.0, 0.0]]]])


def test_maxpool_forward_rejects_a_window_larger_than_the_image(rng):
    with pytest.raises(ValueError, match="kernel is larger"):
        maxpool_forward(rng.standard_normal((1, 1, 3, 3)), size=4)


def test_maxpool_forward_rejects_a_size_that_is_not_a_positive_int(rng):
    with pytest.raises(ValueError, match="kernel height must be a positive integer"):
        maxpool_forward(rng.standard_normal((1, 1, 4, 4)), size=0)


def test_maxpool_backward_rejects_a_gradient_of_the_wrong_shape(rng):
    _, cache = maxpool_forward(rng.standard_normal((1, 2, 4, 4)))
    with pytest.raises(ValueError, match=r"shape of the pooled output \(1, 2, 2, 2\)"):
        maxpool_backward(np.ones((1, 2, 4, 4)), cache)


# ----------------------------------------------------------------------------- ConvNet


def tiny_convnet(dtype=np.float64):
    return ConvNet(input_shape=(2, 8, 8), channels=(3, 4), kernel_size=3, hidden=(5,),
                   n_classes=3, seed=2, dtype=dtype)


def test_convnet_gradients_match_finite_differences(rng):
    model = tiny_convnet()
    X, y = rng.standard_normal((4, 2, 8, 8)), rng.integers(0, 3, 4)
    _, grads = model.loss_and_gradients(X, y, l2=0.1, l1=0.01)
    assert sorted(grads) == ["dK1", "dK2", "dW1", "dW2", "db1", "db2", "dc1", "dc2"]
    for key, theta in model.parameters.items():
        numeric = numerical_gradient(lambda: model.loss_and_gradients(X, y, 0.1, 0.01)[0],
                                     theta)
        assert relative_error(grads[f"d{key}"], numeric) < 1e-7, key


def test_convnet_parameters_have_the_documented_shapes():
    shapes = {key: value.shape for key, value in ConvNet().parameters.items()}
    assert shapes == {"K1": (16, 1, 5, 5), "c1": (16,), "K2": (32, 16, 5, 5), "c2": (32,),
                      "W1": (1568, 128), "b1": (128,), "W2": (128, 10), "b2": (10,)}


def test_convnet_is_float32_by_default(rng):
    model = tiny_convnet(dtype=np.float32)
    assert {value.dtype for value in model.parameters.values()} == {np.dtype(np.float32)}
    assert model.predict_proba(rng.standard_normal((3, 2, 8, 8))).dtype == np.float32


def test_convnet_takes_images_or_flattened_rows(rng):
    model = tiny_convnet()
    X = rng.standard_normal((3, 2, 8, 8))
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (3, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict_proba(X.reshape(3, -1)), probabilities)


def test_convnet_rejects_images_of_another_size(rng):
    with pytest.raises(ValueError, match=r"images of shape \(2, 9, 9\).*input_shape=\(2, 8, 8\)"):
        tiny_convnet().predict(rng.standard_normal((3, 2, 9, 9)))


def test_convnet_rejects_rows_of_the_wrong_width(rng):
    with pytest.raises(ValueError, match="expects 128"):
        tiny_convnet().predict(rng.standard_normal((3, 100)))


def bars(n, rng):
    """Noisy 8x8 images of a horizontal (label 0) or a vertical (label 1) bar."""
    y = rng.integers(0, 2, n)
    X = 0.3 * rng.standard_normal((n, 1, 8, 8))
    where = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            X[i, 0, :, where[i]] += 1.0
        else:
            X[i, 0, where[i], :] += 1.0
    return X, y


def test_convnet_training_lowers_the_loss(rng):
    X, y = bars(200, rng)
    model = ConvNet(input_shape=(1, 8, 8), channels=(4,), kernel_size=3, hidden=(8,),
                    n_classes=2, seed=0)
    before = model.evaluate(X, y)["loss"]
    history = model.fit(X, y, epochs=5, learning_rate=0.01, batch_size=20, progress=False)
    after = model.evaluate(X, y)
    assert history["loss"][-1] < history["loss"][0]
    assert after["loss"] < before / 2
    assert after["accuracy"] > 0.9


def test_convnet_fit_calls_callbacks_with_the_running_metrics(rng):
    X, y = bars(40, rng)
    model = ConvNet(input_shape=(1, 8, 8), channels=(2,), kernel_size=3, hidden=(4,),
                    n_classes=2, seed=0)
    events = []
    model.fit(X, y, epochs=2, batch_size=20, progress=False,
              callbacks=lambda event, logs: events.append((event, logs["epoch"])))
    assert events == [("batch_end", 1), ("batch_end", 1), ("epoch_end", 1),
                      ("batch_end", 2), ("batch_end", 2), ("epoch_end", 2)]


def test_convnet_repr_lists_its_layers():
    text = repr(ConvNet())
    assert "Conv(1 -> 16, 5x5)" in text and "Dense(1568 -> 128, relu)" in text
    assert "215,370 float32 parameters" in text


@pytest.mark.parametrize("input_shape, kernel_size", [((1, 7, 7), 4), ((3, 9, 11), 3)])
def test_convnet_fits_any_image_size_and_kernel(rng, input_shape, kernel_size):
    model = ConvNet(input_shape=input_shape, channels=(2, 3), kernel_size=kernel_size,
                    hidden=(4,), n_classes=2)
    assert model.predict_proba(rng.random((2, *input_shape))).shape == (2, 2)


def test_convnet_rejects_images_too_small_for_its_poolings():
    with pytest.raises(ValueError, match="too small for 3 2x2 poolings"):
        ConvNet(input_shape=(1, 3, 3), channels=(2, 2, 2))


def test_convnet_gradients_with_dropout_match_finite_differences(rng):
    from nnlib.training import forward_backward

    model = tiny_convnet()
    X, Y = model.check_data(rng.standard_normal((4, 2, 8, 8)), rng.integers(0, 3, 4))

    def loss_and_gradients():  # the same dropout masks on every call
        model.rng = np.random.default_rng(5)
        _, loss, grads = forward_backward(model, X, Y, dropout=0.5)
        return loss, grads

    _, grads = loss_and_gradients()
    for key in ("W1", "K2"):
        numeric = numerical_gradient(lambda: loss_and_gradients()[0], model.parameters[key])
        assert relative_error(grads[f"d{key}"], numeric) < 1e-7, key


def test_convnet_save_and_load_round_trip_gives_identical_predictions(tmp_path):
    model = ConvNet(input_shape=(1, 8, 8), channels=(2, 3), kernel_size=3, hidden=(5,),
                    n_classes=4, seed=1)
    X = np.random.default_rng(2).random((6, 1, 8, 8), dtype=np.float32)
    loaded = ConvNet.load(model.save(tmp_path / "convnet.npz"))
    assert loaded.config() == model.config()
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_convnet_file_is_refused_by_model_load_with_a_hint(tmp_path):
    from nnlib.model import Model, ModelFileError

    path = ConvNet(input_shape=(1, 8, 8), channels=(2,), kernel_size=3).save(tmp_path / "c")
    with pytest.raises(ModelFileError, match=r"holds a ConvNet, not a Model: load it with "
                                             r"ConvNet\.load\(path\) or nnlib\.load"):
        Model.load(path)

"""Tests for nnlib.toy_data: shapes, dtypes, balance, reproducibility and clear errors."""

import numpy as np
import pytest

from nnlib.toy_data import make_blobs, make_moons, make_spirals

MAKERS = [make_moons, make_spirals, make_blobs]


@pytest.mark.parametrize("make", MAKERS)
def test_returns_float32_points_and_int64_labels(make):
    X, y = make(n_samples=101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64


@pytest.mark.parametrize("make", MAKERS)
def test_same_seed_gives_same_data(make):
    X1, y1 = make(rng=3)
    X2, y2 = make(rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("make", MAKERS)
def test_different_seeds_give_different_data(make):
    assert not np.array_equal(make(rng=1)[0], make(rng=2)[0])


def test_moons_classes_are_balanced_and_labelled_0_1():
    _, y = make_moons(n_samples=201, rng=0)
    assert sorted(np.bincount(y).tolist()) == [100, 101]


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(n_samples=50, noise=0.0, rng=0)
    top, bottom = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1, bottom[:, 1] - 0.5), 1.0, atol=1e-6)
    assert top[:, 1].min() >= -1e-6 and bottom[:, 1].max() <= 0.5 + 1e-6


@pytest.mark.parametrize("make", MAKERS)
def test_rows_are_shuffled_not_sorted_by_class(make):
    _, y = make(n_samples=100, rng=0)
    assert np.any(np.diff(y) < 0)


def test_spirals_have_one_label_per_class_and_stay_in_the_unit_disc():
    X, y = make_spirals(n_samples=300, n_classes=4, noise=0.3, rng=0)
    assert np.bincount(y).tolist() == [75, 75, 75, 75]
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-6


def test_blobs_cluster_around_the_given_centers():
    centers = np.array([[-5.0, 0.0], [5.0, 2.0]])
    X, y = make_blobs(n_samples=2000, centers=centers, std=0.5, rng=0)
    for k in range(2):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, atol=0.05)


def test_blobs_with_a_number_of_centers_makes_that_many_classes():
    _, y = make_blobs(n_samples=90, centers=3, rng=0)
    assert np.bincount(y).tolist() == [30, 30, 30]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("n_samples", [0, -5])
def test_non_positive_n_samples_is_rejected(make, n_samples):
    with pytest.raises(ValueError, match="n_samples"):
        make(n_samples=n_samples)


@pytest.mark.parametrize("make", MAKERS)
def test_non_integer_n_samples_is_rejected(make):
    with pytest.raises(TypeError, match="n_samples"):
        make(n_samples=10.5)


@pytest.mark.parametrize("make", [make_moons, make_spirals])
def test_negative_noise_is_rejected(make):
    with pytest.raises(ValueError, match="noise"):
        make(noise=-0.1)


def test_fewer_samples_than_classes_is_rejected():
    with pytest.raises(ValueError, match="n_classes"):
        make_spirals(n_samples=2, n_classes=3)


def test_blobs_reject_centers_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(K, 2\)"):
        make_blobs(centers=np.zeros((3, 3)))


def test_blobs_reject_a_non_positive_std():
    with pytest.raises(ValueError, match="std"):
        make_blobs(std=0.0)


def test_a_bad_rng_is_rejected():
    with pytest.raises(TypeError, match="rng"):
        make_moons(rng="seed")

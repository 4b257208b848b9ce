"""Metrics and the single neuron."""

import numpy as np
import pytest

import nnlib


def test_accuracy_from_labels_and_from_probabilities():
    assert nnlib.accuracy([0, 1, 2, 2], [0, 1, 1, 2]) == 0.75
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert nnlib.accuracy(np.array([0, 1, 1]), probabilities) == pytest.approx(2 / 3)


def test_accuracy_rejects_different_lengths():
    with pytest.raises(ValueError, match="same number"):
        nnlib.accuracy([0, 1], [0, 1, 1])


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    C = nnlib.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=3)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert C.sum() == 6


def test_neuron_computes_the_activation_of_the_weighted_sum():
    neuron = nnlib.Neuron([0.5, -1.0], bias=0.25, activation="sigmoid")
    x = np.array([2.0, 1.0])
    assert float(neuron.forward(x)) == pytest.approx(1 / (1 + np.exp(-0.25)))
    batch = np.array([[2.0, 1.0], [0.0, 0.0], [4.0, 0.0]])
    np.testing.assert_allclose(neuron(batch), nnlib.sigmoid(batch @ neuron.weights + 0.25))


def test_neuron_repr_shows_its_shape():
    assert repr(nnlib.Neuron([1, 2, 3], activation="relu")).startswith(
        "Neuron(n_inputs=3, activation='relu'")


def test_neuron_rejects_inputs_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"x must have shape \(2,\) or \(m, 2\); got \(3,\)"):
        nnlib.Neuron([1.0, 2.0]).forward(np.ones(3))


def test_neuron_rejects_softmax():
    with pytest.raises(ValueError, match="cannot use softmax"):
        nnlib.Neuron([1.0], activation="softmax")

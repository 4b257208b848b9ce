"""nnlib: neural networks from scratch, the finished functions of the course.

One convention everywhere: **rows are examples**.

- ``X`` has shape ``(m, n_features)``: ``m`` examples, one per row.
- Layer ``l`` has weights ``W{l}`` of shape ``(n_{l-1}, n_l)`` and biases ``b{l}`` of shape
  ``(n_l,)``, so a layer computes ``Z = A_prev @ W + b`` for the whole batch at once.
- Parameters live in a dict ``{"W1", "b1", "W2", ...}``, gradients in ``{"dW1", "db1", ...}``.
- Arrays are float32 unless you pass float64 (gradient checks do).

Each module holds the ideas of one lesson: :mod:`~nnlib.neuron`, :mod:`~nnlib.activations`,
:mod:`~nnlib.forward`, :mod:`~nnlib.costs`, :mod:`~nnlib.backprop`,
:mod:`~nnlib.gradient_check`, :mod:`~nnlib.initialization`, :mod:`~nnlib.data`,
:mod:`~nnlib.toy_data`, :mod:`~nnlib.metrics`, :mod:`~nnlib.model` (the ``Model`` class),
:mod:`~nnlib.optimizers`, :mod:`~nnlib.regularization`, :mod:`~nnlib.threads`,
:mod:`~nnlib.conv` and :mod:`~nnlib.rnn` (beyond the MLP), :mod:`~nnlib.widgets`,
:mod:`~nnlib.checks` (the exercises' checks) and :mod:`~nnlib.assignments` (for instructors).
"""

from .activations import (
    get_activation,
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_derivative,
    tanh,
    tanh_derivative,
)
from .backprop import backward_propagation, update_parameters
from .conv import ConvNet
from .costs import (
    binary_cross_entropy,
    categorical_cross_entropy,
    compute_cost,
    get_cost,
    mse,
    softmax_cross_entropy,
)
from .data import download_mnist, iterate_minibatches, load_mnist, one_hot, train_val_split
from .forward import forward_propagation, predict, predict_proba
from .gradient_check import gradient_check, numerical_gradients
from .initialization import initialize_parameters
from .metrics import accuracy, confusion_matrix
from .model import Model, ModelFileError, TrainingDivergedError
from .neuron import Neuron
from .optimizers import SGD, Adam, Momentum, get_optimizer
from .rnn import RNNClassifier

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Adam",
    "ConvNet",
    "Model",
    "ModelFileError",
    "Momentum",
    "Neuron",
    "RNNClassifier",
    "TrainingDivergedError",
    "accuracy",
    "backward_propagation",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "compute_cost",
    "confusion_matrix",
    "download_mnist",
    "forward_propagation",
    "get_activation",
    "get_cost",
    "get_optimizer",
    "gradient_check",
    "initialize_parameters",
    "iterate_minibatches",
    "leaky_relu",
    "leaky_relu_derivative",
    "load_mnist",
    "mse",
    "numerical_gradients",
    "one_hot",
    "predict",
    "predict_proba",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softmax_cross_entropy",
    "softmax_derivative",
    "tanh",
    "tanh_derivative",
    "train_val_split",
    "update_parameters",
]

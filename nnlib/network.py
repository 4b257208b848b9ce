r"""``Network``: what every nnlib model shares (an MLP, a ConvNet, an RNN classifier).

A network holds its parameters and knows how to run forward and backward; everything else
comes from elsewhere: :func:`nnlib.training.fit` trains it, :mod:`nnlib.persistence` saves and
loads it. A subclass provides this small interface and inherits predict, evaluate, fit, save
and load:

- ``forward(X, training=False, dropout=0.0) -> (Z, A, cache)``: for a checked batch ``X``, the
  output layer's logits ``Z`` and outputs ``A = g(Z)``, both ``(m, n_out)``, and the cache for
  ``backward``. ``training=True`` is the training mode (dropout masks with rate ``dropout``,
  drawn from ``self.rng``); evaluation mode never drops anything.
- ``backward(dZ, cache) -> grads``: ``{"dW1": ..., ...}``, one gradient per parameter, from
  ``dZ`` $= \partial J / \partial Z$ ``(m, n_out)``, without any penalty.
- ``weights() -> {name: array}``: the parameters the L2/L1 penalty applies to (not biases).
- ``config() -> dict``: the constructor arguments that rebuild the architecture, and the
  classmethod ``parameter_shapes(config)``: the shape of every parameter for such a config,
  computed without allocating anything (what :mod:`nnlib.persistence` checks a file against).
- ``check_X(X, name)``: the input checked and in the model's dtype; ``layer_sizes``: the
  dense layers' sizes ``(n_0, ..., n_out)``; ``eval_chunk``: rows per forward pass when
  evaluating, to bound the memory.
"""

import numpy as np

from . import persistence, training
from .costs import prepare_targets
from .initialization import as_generator
from .metrics import as_labels


class Network:
    """The shared part of every model: attributes, predict/evaluate, fit, save/load.

    Attributes: ``parameters`` (the arrays, by name), ``rng`` (the generator for shuffling
    and dropout), ``dtype``, ``history`` (the last :meth:`fit`'s metrics), ``stop_training``
    (set it to ``True`` from a callback or another thread and :meth:`fit` returns after the
    current batch), ``optimizer`` (the last fit's, with its state), ``best_epoch`` (with
    early stopping, the epoch whose weights were kept).
    """

    eval_chunk = 8192

    def __init__(self, seed=0, dtype=np.float32):
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"dtype must be a floating type such as np.float32, got {dtype}.")
        self.dtype = dtype
        self.rng = as_generator(seed)
        self.parameters = {}
        self.history = {}
        self.stop_training = False
        self.optimizer = None
        self.best_epoch = None

    def n_parameters(self):
        """The number of numbers the network learns."""
        return sum(value.size for value in self.parameters.values())

    # ---------------------------------------------------------------- using a trained network

    def predict_proba(self, X):
        """The network's outputs for ``X``: ``(m, n_out)`` probabilities (no dropout).

        Raises ``ValueError`` for a batch of the wrong shape, empty, or holding NaN/inf.
        """
        X = self.check_X(X)
        return np.concatenate([self.forward(X[i:i + self.eval_chunk])[1]
                               for i in range(0, len(X), self.eval_chunk)])

    __call__ = predict_proba

    def predict(self, X):
        """Predicted labels ``(m,)``: the most probable class (``output > 0.5`` for one unit)."""
        return as_labels(self.predict_proba(X))

    def evaluate(self, X, y):
        """``{"loss": cost, "accuracy": fraction correct}`` on ``X`` and ``y`` (labels ``(m,)``
        or one-hot ``(m, n_out)``). The loss is the data cost alone, without the weight
        penalty, and uses no dropout."""
        return training.evaluate(self, *self.check_data(X, y))

    # ---------------------------------------------------------------- training

    def fit(self, X, y, epochs=10, learning_rate=None, batch_size=128, optimizer="adam",
            validation_data=None, progress=True, callbacks=None, l2=0.0, l1=0.0, dropout=0.0,
            early_stopping=None, schedule=None, threads=None):
        """Train with shuffled mini-batches and return the history: :func:`nnlib.training.fit`,
        whose docstring describes every argument."""
        return training.fit(self, X, y, epochs=epochs, learning_rate=learning_rate,
                            batch_size=batch_size, optimizer=optimizer,
                            validation_data=validation_data, progress=progress,
                            callbacks=callbacks, l2=l2, l1=l1, dropout=dropout,
                            early_stopping=early_stopping, schedule=schedule, threads=threads)

    def loss_and_gradients(self, X, y, l2=0.0, l1=0.0):
        """The cost (plus weight penalty) on a batch and the gradient dict, without updating
        anything: what a gradient check compares with finite differences. It is the training
        step of :func:`nnlib.training.forward_backward` without dropout.

        X: a batch as :meth:`fit` takes it; y: labels ``(m,)`` or one-hot ``(m, n_out)``.
        Returns ``(loss, {"dW1": ..., "db1": ..., ...})``.
        """
        _, loss, grads = training.forward_backward(self, *self.check_data(X, y), l2, l1)
        return loss, grads

    def check_data(self, X, y, names=("X", "y")):
        """Checked ``(X, Y)``: ``X`` from :meth:`check_X`, ``Y`` one-hot (or 0/1)
        ``(m, n_out)`` in the model's dtype."""
        X = self.check_X(X, names[0])
        y = np.asarray(y)
        if y.ndim == 0 or len(y) != len(X):
            raise ValueError(
                f"{names[0]} has {len(X)} examples but {names[1]} has "
                f"{'no' if y.ndim == 0 else len(y)} labels: give one label (or one-hot row) "
                f"per example.")
        shape = (len(X), self.layer_sizes[-1])
        Y = prepare_targets(y, np.broadcast_to(np.zeros((), self.dtype), shape), names[1])
        return X, Y

    # ---------------------------------------------------------------- files

    def save(self, path):
        """Save the architecture (:meth:`config`) and the weights to a ``.npz`` file
        (``.npz`` is appended to the name if missing), atomically: a failed save leaves an
        existing file as it was. Returns the path written. See :func:`nnlib.persistence.save`.
        """
        return persistence.save(self, path)

    @classmethod
    def load(cls, path, seed=0):
        """A model of this class from a file written by :meth:`save`; ``seed`` for its future
        shuffling. :func:`nnlib.load` loads whichever kind of model a file holds.

        Raises ``FileNotFoundError`` if there is no such file and
        :class:`~nnlib.persistence.ModelFileError` (a ``ValueError``) if it is not an nnlib
        model file, holds another kind of model, or is damaged.
        """
        return persistence.load(path, seed=seed, kind=cls)

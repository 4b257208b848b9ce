r"""``Model``: a multilayer perceptron that trains itself (lesson 07).

Everything a model does is made of the functions of the earlier lessons: its weights are the
parameter dict of :func:`~nnlib.initialization.initialize_parameters`, a training step is
:func:`~nnlib.forward.run_forward`, :func:`~nnlib.backprop.run_backward` and an optimizer's
``step`` (:mod:`nnlib.optimizers`), and the cost is :mod:`nnlib.costs`' plus the weight penalty
of :mod:`nnlib.regularization`. The class only adds the bookkeeping around them: shuffled
mini-batches, metrics, validation, early stopping, callbacks, a progress bar, saving.

>>> model = Model([784, 128, 10])
>>> history = model.fit(X_train, y_train, epochs=5, validation_data=(X_val, y_val))
>>> model.evaluate(X_test, y_test)
{'loss': 0.08..., 'accuracy': 0.97...}
"""

import json
import math
import numbers
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ._validation import as_float_array, check_batch, check_choice, check_positive
from .activations import ACTIVATIONS
from .backprop import run_backward
from .costs import default_cost, get_cost, prepare_targets, softmax_cross_entropy
from .data import iterate_minibatches
from .forward import HIDDEN_ACTIVATIONS, default_output_activation, run_forward
from .initialization import as_generator, initialize_parameters, layer_sizes_of
from .metrics import as_labels
from .optimizers import get_optimizer, get_schedule
from .regularization import weight_penalty
from .threads import blas_threads, check_num_threads, default_num_threads

FILE_FORMAT = "nnlib.Model/2"  # 2: the kind of model and its config as JSON
EVAL_CHUNK = 8192  # rows per forward pass in predict/evaluate, to bound the memory used
DIVERGENCE_FACTOR = 1000.0  # a loss this many times the first batch's (or 1) has diverged


class TrainingDivergedError(ValueError):
    """The loss or the gradients became NaN or infinite during training."""


def check_loss(loss, max_loss=math.inf):
    """Raise :class:`TrainingDivergedError` unless ``loss <= max_loss`` (so NaN and infinity
    fail too)."""
    if not loss <= max_loss:
        raise TrainingDivergedError(f"the loss is {loss:.4g}" + (
            "." if not math.isfinite(loss) else
            f", over {DIVERGENCE_FACTOR:g} times the first batch's."))


def check_gradients(grads):
    """Raise :class:`TrainingDivergedError` if any gradient holds NaN or infinity."""
    for key, g in grads.items():
        if not math.isfinite(g.sum()):
            raise TrainingDivergedError(f"the gradient {key} is not finite.")


def data_cost(A, Z, Y, output_activation, cost):
    """The data cost of a batch: from the logits ``Z`` for softmax with cross-entropy
    (:func:`~nnlib.costs.softmax_cross_entropy`, exact even where a probability rounds to 0),
    else the cost function of the outputs ``A``. ``A``, ``Z``, ``Y``: ``(m, n_out)``."""
    if (output_activation, cost) == ("softmax", "categorical_cross_entropy"):
        return softmax_cross_entropy(Z, Y)
    return get_cost(cost).function(A, Y)


class ModelFileError(ValueError):
    """A file is not a model saved by :meth:`Model.save`, or its contents do not fit together."""


class Model:
    r"""A fully connected network $784 \to \dots \to 10$ with its training loop.

    layer_sizes: ``(n_0, n_1, ..., n_L)``, e.g. ``[784, 128, 10]``.
    hidden_activation: ``"relu"`` (default), ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``...
    output_activation: default softmax for several outputs, sigmoid for one.
    init: ``"he"`` (default), ``"xavier"``, ``"small"``... (see :mod:`nnlib.initialization`).
    cost: default categorical cross-entropy for several outputs, binary for one.
    seed: int seed (or ``numpy.random.Generator``) for the weights, the shuffling and dropout.
    dtype: ``np.float32`` (default) or ``np.float64``.

    Attributes: ``parameters`` (``{"W1", "b1", ...}``, the functional API's dict),
    ``history`` (the last :meth:`fit`'s metrics), ``stop_training`` (set it to ``True`` from a
    callback or another thread and :meth:`fit` returns after the current batch),
    ``optimizer`` (the last fit's, with its state).
    """

    def __init__(self, layer_sizes, hidden_activation="relu", output_activation=None,
                 init="he", cost=None, seed=0, dtype=np.float32):
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"dtype must be a floating type such as np.float32, got {dtype}.")
        if isinstance(layer_sizes, (int, np.integer)):
            raise TypeError(f"layer_sizes must be a list such as [784, 128, 10], "
                            f"got {layer_sizes!r}.")
        self.rng = as_generator(seed)
        self.parameters = initialize_parameters(*layer_sizes, method=init, rng=self.rng,
                                                dtype=dtype)
        n_out = self.layer_sizes[-1]
        self.hidden_activation = check_choice(hidden_activation, "hidden_activation",
                                              HIDDEN_ACTIVATIONS)
        self.output_activation = check_choice(
            output_activation or default_output_activation(n_out), "output_activation",
            ACTIVATIONS)
        self.cost = get_cost(cost or default_cost(n_out)).name
        self.init = init
        self.dtype = dtype
        self.history = {}
        self.stop_training = False
        self.optimizer = None
        self.best_epoch = None
        self._max_loss = math.inf

    @property
    def layer_sizes(self):
        """``(n_0, n_1, ..., n_L)``, read from the parameters."""
        return layer_sizes_of(self.parameters)

    def __repr__(self):
        sizes = self.layer_sizes
        layers = ", ".join(
            f"Dense({n_in} -> {n_out}, "
            f"{self.hidden_activation if l < len(sizes) - 1 else self.output_activation})"
            for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1))
        n_parameters = sum(value.size for value in self.parameters.values())
        return f"Model of [{layers}]: {n_parameters:,} {self.dtype.name} parameters"

    # ---------------------------------------------------------------- using a trained model

    def predict_proba(self, X):
        """The network's outputs for ``X`` ``(m, n_0)``: ``(m, n_L)`` probabilities (no dropout).

        Raises ``ValueError`` for a batch of the wrong width, empty, or holding NaN/inf.
        """
        X = self._check_X(X)
        return np.concatenate([self._forward(X[i:i + EVAL_CHUNK])[0]
                               for i in range(0, len(X), EVAL_CHUNK)])

    __call__ = predict_proba

    def predict(self, X):
        """Predicted labels ``(m,)``: the most probable class (``output > 0.5`` for one unit)."""
        return as_labels(self.predict_proba(X))

    def evaluate(self, X, y):
        """``{"loss": cost, "accuracy": fraction correct}`` on ``X`` ``(m, n_0)`` and ``y``
        (labels ``(m,)`` or one-hot ``(m, n_L)``). The loss is the data cost alone, without
        the weight penalty, and uses no dropout."""
        return self._evaluate(*self._check_data(X, y))

    # ---------------------------------------------------------------- training

    def fit(self, X, y, epochs=10, learning_rate=None, batch_size=128, optimizer="adam",
            validation_data=None, progress=True, callbacks=None, l2=0.0, l1=0.0, dropout=0.0,
            early_stopping=None, schedule=None, threads=None):
        r"""Train with shuffled mini-batches; returns the history (also kept as ``self.history``).

        X: ``(m, n_0)``; y: integer labels ``(m,)`` or one-hot ``(m, n_L)``.
        epochs: passes over the data. batch_size: examples per step (the last batch of an
        epoch holds the remainder).
        optimizer: ``"adam"`` (default), ``"momentum"``, ``"sgd"``, or an optimizer object
        (pass ``model.optimizer`` to carry Adam's moments over to a second ``fit``; a name
        starts a fresh optimizer). learning_rate: default 0.001 for Adam, 0.01 momentum,
        0.1 SGD.
        schedule: ``None``, ``"step"`` (halve every 5 epochs), ``"cosine"`` (to 0 over
        ``epochs``) or a function ``epoch -> learning rate``.
        l2, l1: weight-penalty strengths; dropout: drop probability of hidden units.
        validation_data: ``(X_val, y_val)``, evaluated after each epoch.
        early_stopping: patience in epochs (needs ``validation_data``): stop when the
        validation loss has not improved for that many epochs; at the end the weights with
        the lowest validation loss are restored.
        callbacks: a function ``callback(event, logs)`` or a list of them, called with
        ``"batch_end"`` after every batch and ``"epoch_end"`` after every epoch; ``logs``
        holds ``epoch``, ``epochs``, ``batch``, ``batches``, ``loss``, ``accuracy`` (running
        means over the epoch so far), ``batch_loss``, ``learning_rate`` and, at
        ``epoch_end``, ``val_loss``, ``val_accuracy`` and ``time`` (seconds).
        progress: show a tqdm progress bar with the running loss.
        threads: BLAS threads for the whole fit; by default ``$NNLIB_NUM_THREADS``, else
        :func:`nnlib.threads.default_num_threads` from the layer widths and the CPUs this
        process may use (``logs["threads"]``).

        Returns ``{"loss": [...], "accuracy": [...]}`` with one value per epoch, plus
        ``"val_loss"`` and ``"val_accuracy"`` with validation data. ``loss`` and ``accuracy``
        are measured on the fly: the mean over the epoch's batches, each taken before that
        batch's update (with dropout on), and ``loss`` includes the weight penalty
        $\frac{\lambda_2}{2}\sum \lVert W \rVert^2 + \lambda_1 \sum |W|$; the validation
        metrics are the data cost and accuracy of the weights at the end of the epoch.
        Setting ``stop_training`` ends training after the current batch; that last, partial
        epoch is recorded too. Calling ``fit`` again continues from the current weights.

        Raises ``ValueError`` for bad arguments (epochs or batch size < 1, a batch larger
        than the data, X and y of different lengths, labels out of range, an unknown
        optimizer, a learning rate <= 0...) and :class:`TrainingDivergedError` if the loss
        or the gradients stop being finite, or the loss explodes to over 1000 times the first
        batch's (the parameters are then left as they were before that batch).
        """
        X, Y = self._check_data(X, y)
        check_positive(epochs, "epochs", integer=True)
        check_positive(batch_size, "batch_size", integer=True)
        if batch_size > len(X):
            raise ValueError(f"batch_size is {batch_size} but there are only {len(X)} "
                             f"examples: use batch_size <= {len(X)}.")
        optimizer = get_optimizer(optimizer, learning_rate)
        if learning_rate is not None:
            optimizer.learning_rate = check_positive(learning_rate, "learning_rate")
        learning_rate_at = get_schedule(schedule, optimizer.learning_rate, epochs)
        for name, value in (("l2", l2), ("l1", l1)):
            if not (isinstance(value, numbers.Real) and 0.0 <= value < math.inf):
                raise ValueError(f"{name} must be a number >= 0 (0 = off), got {value!r}.")
        if not (isinstance(dropout, numbers.Real) and 0.0 <= dropout < 1.0):
            raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}.")
        validation = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, y_val).")
            validation = self._check_data(*validation_data, names=("X_val", "y_val"))
        if early_stopping is not None:
            check_positive(early_stopping, "early_stopping (patience in epochs)", integer=True)
            if validation is None:
                raise ValueError("early_stopping needs validation_data=(X_val, y_val): it "
                                 "watches the validation loss.")
        if callbacks is None:
            callbacks = []
        elif callable(callbacks):
            callbacks = [callbacks]
        for callback in callbacks:
            if not callable(callback):
                raise TypeError(f"callbacks must be functions callback(event, logs), "
                                f"got {callback!r}.")

        if threads is not None:
            threads = check_num_threads(threads)

        self.optimizer = optimizer
        return self._train(X, Y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                           learning_rate_at=learning_rate_at, l2=float(l2), l1=float(l1),
                           dropout=float(dropout), validation=validation,
                           patience=early_stopping, callbacks=callbacks, progress=progress,
                           threads=threads)

    def _train(self, X, Y, epochs, batch_size, optimizer, learning_rate_at, l2, l1,
               dropout, validation, patience, callbacks, progress, threads):
        """The epochs of :meth:`fit`, after its checks: validation, history, early stopping."""
        history = {"loss": [], "accuracy": []}
        if validation is not None:
            history.update(val_loss=[], val_accuracy=[])
        self.history = history
        self.stop_training = False
        self._max_loss = math.inf  # set from the first batch's loss
        best_loss, best_parameters, waited = math.inf, None, 0
        base_learning_rate = optimizer.learning_rate
        n_threads = threads or default_num_threads(self.layer_sizes)
        bar = tqdm(total=epochs * math.ceil(len(X) / batch_size), unit="batch",
                   desc=f"epoch 1/{epochs}", disable=not progress, leave=True, dynamic_ncols=True)
        try:
            for epoch in range(epochs):
                start = time.perf_counter()
                optimizer.learning_rate = learning_rate_at(epoch)
                bar.set_description_str(f"epoch {epoch + 1}/{epochs}", refresh=False)
                logs = {"epoch": epoch + 1, "epochs": epochs,
                        "batches": math.ceil(len(X) / batch_size),
                        "learning_rate": optimizer.learning_rate, "threads": n_threads}
                with blas_threads(n_threads):
                    self._train_epoch(X, Y, batch_size, optimizer, l2, l1, dropout, logs,
                                      callbacks, bar)
                    if validation is not None:
                        val = self._evaluate(*validation)
                        logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
                for key in history:
                    history[key].append(logs[key])
                logs["time"] = time.perf_counter() - start
                bar.set_postfix_str(" ".join(f"{key}={logs[key]:.4f}" for key in history))
                for callback in callbacks:
                    callback("epoch_end", dict(logs))

                if patience is not None:
                    if logs["val_loss"] < best_loss:
                        best_loss, waited, self.best_epoch = logs["val_loss"], 0, epoch + 1
                        best_parameters = {k: v.copy() for k, v in self.parameters.items()}
                    else:
                        waited += 1
                        self.stop_training = self.stop_training or waited >= patience
                if self.stop_training:
                    break
        finally:
            bar.close()
            optimizer.learning_rate = base_learning_rate
        if best_parameters is not None:
            for key, value in best_parameters.items():
                self.parameters[key][...] = value
        return history

    def _train_epoch(self, X, Y, batch_size, optimizer, l2, l1, dropout, logs, callbacks, bar):
        """One pass over shuffled mini-batches, keeping the running metrics in ``logs``;
        stops early if ``stop_training`` is set."""
        total_loss, n_correct, n_seen = 0.0, 0, 0
        batches = iterate_minibatches(X, Y, batch_size, shuffle=True, rng=self.rng)
        for batch, (X_batch, Y_batch) in enumerate(batches, start=1):
            try:
                loss, correct = self._train_step(X_batch, Y_batch, optimizer, l2, l1, dropout)
            except TrainingDivergedError as error:
                raise TrainingDivergedError(
                    f"training diverged at epoch {logs['epoch']}, batch {batch}: {error} "
                    f"The parameters are left as they were before this batch. Try a lower "
                    f"learning rate than {optimizer.learning_rate:g}, e.g. "
                    f"{optimizer.learning_rate / 10:g}.") from None
            if self._max_loss == math.inf:
                self._max_loss = DIVERGENCE_FACTOR * max(loss, 1.0)
            total_loss += loss * len(X_batch)
            n_correct += correct
            n_seen += len(X_batch)
            logs.update(batch=batch, batch_loss=loss, loss=total_loss / n_seen,
                        accuracy=n_correct / n_seen)
            for callback in callbacks:
                callback("batch_end", dict(logs))
            if bar.update(1):
                bar.set_postfix_str(f"loss={logs['loss']:.4f} accuracy={logs['accuracy']:.4f}",
                                    refresh=False)
            if self.stop_training:
                return

    def loss_and_gradients(self, X, y, l2=0.0, l1=0.0):
        """The cost (plus weight penalty) on a batch and the gradient dict, without updating
        anything: what a gradient check compares with finite differences.

        X: a batch as :meth:`fit` takes it; y: labels ``(m,)`` or one-hot ``(m, n_L)``.
        Returns ``(loss, {"dW1": ..., "db1": ..., ...})``.
        """
        X, Y = self._check_data(X, y)
        _, loss, grads = self._loss_and_gradients(X, Y, l2, l1)
        return loss, grads

    def _train_step(self, X, Y, optimizer, l2, l1, dropout):
        """One mini-batch: forward, cost, backward, and (if nothing has diverged) the update.

        Returns ``(loss, number correct)``. Raises :class:`TrainingDivergedError`, before
        updating anything, if the loss is NaN, infinite or more than
        :data:`DIVERGENCE_FACTOR` times the first batch's (or 1), or a gradient is not finite.
        """
        A, loss, grads = self._loss_and_gradients(X, Y, l2, l1, dropout, self._max_loss)
        check_gradients(grads)
        optimizer.step(self.parameters, grads)
        return loss, int(np.count_nonzero(as_labels(A) == as_labels(Y)))

    # ---------------------------------------------------------------- what subclasses change

    def _loss_and_gradients(self, X, Y, l2, l1, dropout=0.0, max_loss=math.inf):
        """Forward pass, cost (plus penalty) and backward pass on a checked batch:
        ``(A, loss, grads)``. Raises :class:`TrainingDivergedError` for a loss that is not
        finite or above ``max_loss``. ``ConvNet`` and ``RNNClassifier`` override this (with
        :meth:`_forward` and :meth:`_check_X`); the training loop stays the same."""
        A, cache = run_forward(X, self.parameters, self.hidden_activation,
                               self.output_activation, dropout, self.rng if dropout else None)
        loss = self._cost(A, cache, Y)
        if l2 or l1:
            loss += weight_penalty(self.parameters, l2, l1)
        check_loss(loss, max_loss)
        return A, loss, run_backward(self.parameters, cache, Y, self.cost, l2, l1)

    def _forward(self, X):
        """``(outputs, cache)`` for a checked batch, without dropout; the cache holds at least
        the output layer's logits ``Z{L}``."""
        return run_forward(X, self.parameters, self.hidden_activation, self.output_activation)

    def _cost(self, A, cache, Y):
        """The data cost of a batch (see :func:`data_cost`)."""
        return data_cost(A, cache[f"Z{len(self.layer_sizes) - 1}"], Y, self.output_activation,
                         self.cost)

    def _evaluate(self, X, Y):
        total_loss, n_correct = 0.0, 0
        for i in range(0, len(X), EVAL_CHUNK):
            A, cache = self._forward(X[i:i + EVAL_CHUNK])
            total_loss += self._cost(A, cache, Y[i:i + EVAL_CHUNK]) * len(A)
            n_correct += int(np.count_nonzero(as_labels(A) == as_labels(Y[i:i + EVAL_CHUNK])))
        return {"loss": total_loss / len(X), "accuracy": n_correct / len(X)}

    def _check_X(self, X, name="X"):
        """``X`` checked against the first layer and converted to the model's dtype."""
        X = check_batch(X, name, n_features=self.layer_sizes[0])
        return X.astype(self.dtype, copy=False)

    def _check_data(self, X, y, names=("X", "y")):
        """Checked ``(X, Y)``: ``X`` in the model's dtype, ``Y`` one-hot (or 0/1) ``(m, n_L)``."""
        X = self._check_X(X, names[0])
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

    def config(self):
        """The constructor arguments that rebuild this architecture (what :meth:`save`
        stores beside the weights); subclasses return their own."""
        return {"layer_sizes": [int(n) for n in self.layer_sizes],
                "hidden_activation": self.hidden_activation,
                "output_activation": self.output_activation, "cost": self.cost,
                "init": str(self.init), "dtype": self.dtype.name}

    def save(self, path):
        """Save the architecture (:meth:`config`) and the weights to a ``.npz`` file
        (``.npz`` is appended to the name if missing). Returns the path written."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        np.savez(path, format=np.array(FILE_FORMAT), kind=np.array(type(self).__name__),
                 config=np.array(json.dumps(self.config())), **self.parameters)
        return path

    @classmethod
    def load(cls, path, seed=0):
        """A model from a file written by :meth:`save`; ``seed`` for its future shuffling.
        Call it on the class that saved it (``Model.load``, ``ConvNet.load``, ...).

        Raises ``FileNotFoundError`` if there is no such file and :class:`ModelFileError`
        (a ``ValueError``) if it is not an nnlib model file, holds another kind of model, is
        damaged, or holds weights of the wrong shapes.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no model file at {path}.")
        try:
            with np.load(path, allow_pickle=False) as npz:
                contents = {key: npz[key] for key in npz.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as error:
            raise ModelFileError(f"{path} is not a readable .npz model file ({error}). "
                                 f"Save models with model.save(path).") from None
        except AttributeError:  # a plain .npy file: np.load returned an array
            raise ModelFileError(f"{path} holds a single array, not a model saved with "
                                 f"model.save(path).") from None
        if str(contents.get("format", "")) != FILE_FORMAT:
            raise ModelFileError(f"{path} is an .npz file but not an nnlib model: it has no "
                                 f"'format' entry {FILE_FORMAT!r}. Save models with "
                                 f"model.save(path).")
        kind = str(contents.get("kind", ""))
        if kind != cls.__name__:
            raise ModelFileError(f"{path} holds a {kind or 'damaged model'}, not a "
                                 f"{cls.__name__}: load it with {kind or 'its class'}.load(path).")
        try:
            config = json.loads(str(contents["config"]))
            model = cls(**config, seed=seed)
            parameters = {key: contents[key] for key in model.parameters}
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"{path} is a damaged nnlib model file: {error}") from None
        for key, value in parameters.items():
            expected = model.parameters[key].shape
            if value.shape != expected or not np.issubdtype(value.dtype, np.floating):
                raise ModelFileError(
                    f"{path}: {key} has shape {value.shape} and dtype {value.dtype} but the "
                    f"saved architecture {config} needs a float array of shape {expected}.")
        model.parameters = {key: as_float_array(value, key).astype(model.dtype)
                            for key, value in parameters.items()}
        return model

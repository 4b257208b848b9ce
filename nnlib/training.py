r"""The training loop (lesson 07): shuffled mini-batches, one gradient step each.

Any network trains here, an MLP, a ConvNet or an RNN, through a small interface
(:class:`nnlib.network.Network` describes it):

- ``forward(X, training=False, dropout=0.0) -> (Z, A, cache)``: the logits $Z_L$ and outputs
  $A_L$ of a batch, and what the backward pass needs; in training mode with dropout;
- ``backward(dZ, cache) -> grads``: the gradients from $dZ_L = \partial J / \partial Z_L$;
- ``weights()``: the arrays the L2/L1 penalty applies to; ``config()``: the architecture;
- ``parameters``, ``rng``, ``output_activation``, ``cost``, ``layer_sizes``, ``eval_chunk``,
  ``check_X``.

One step, written once in :func:`forward_backward`:

$$\text{forward} \to J = \text{cost} + \text{penalty} \to \text{check } J \to \text{backward}
\to \text{check the gradients} \to \text{update}$$

:func:`fit` runs the epochs around it: validation, early stopping, callbacks, a progress bar,
the BLAS thread count and a divergence guard that never leaves NaN or infinite weights.
"""

import math
import numbers
import time

import numpy as np
from tqdm.auto import tqdm

from ._validation import check_positive
from .backprop import output_gradient
from .costs import data_cost
from .metrics import as_labels
from .optimizers import get_optimizer, get_schedule
from .regularization import add_penalty_gradient, penalty
from .threads import blas_threads, check_num_threads, default_num_threads

DIVERGENCE_FACTOR = 1000.0  # a loss this many times the first batch's (or 1) has diverged


class TrainingDivergedError(ValueError):
    """The loss, the gradients or the weights became NaN or infinite during training."""


# ----------------------------------------------------------------------------- checks


def all_finite(array):
    """True if ``array`` holds no NaN or infinity. Fast: one dot product, which is finite
    whenever every entry is below $\\sqrt{\\text{max}}$; only if it overflows is every entry
    tested (large but finite values are still finite)."""
    return math.isfinite(float(np.vdot(array, array))) or bool(np.isfinite(array).all())


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
        if not all_finite(g):
            raise TrainingDivergedError(f"the gradient {key} is not finite.")


# ----------------------------------------------------------------------------- one step


def forward_backward(network, X, Y, l2=0.0, l1=0.0, dropout=0.0, max_loss=math.inf):
    r"""Forward pass, cost plus penalty, its check, backward pass: ``(A, loss, grads)``.

    X: a checked batch; Y: targets ``(m, n_out)``. The loss is the data cost
    (:func:`~nnlib.costs.data_cost`, from the logits) plus
    $\frac{\lambda_2}{2}\sum \lVert W \rVert^2 + \lambda_1 \sum |W|$ over ``network.weights()``,
    whose gradients gain $\lambda_2 W + \lambda_1 \operatorname{sign} W$. Raises
    :class:`TrainingDivergedError` for a loss that is not finite or above ``max_loss``.
    """
    Z, A, cache = network.forward(X, training=True, dropout=dropout)
    loss = data_cost(Z, A, Y, network.output_activation, network.cost)
    weights = network.weights() if l2 or l1 else {}
    if weights:
        loss += penalty(weights.values(), l2, l1)
    check_loss(loss, max_loss)
    grads = network.backward(output_gradient(A, Z, Y, network.output_activation, network.cost),
                             cache)
    for key, W in weights.items():
        add_penalty_gradient(grads[f"d{key}"], W, l2, l1)
    return A, loss, grads


def _bounded(array):
    """True if every entry is finite and below $\\sqrt{\\text{max}}$ (one dot product), so
    that adding two such arrays cannot overflow."""
    return math.isfinite(float(np.vdot(array, array)))


def apply_update(optimizer, parameters, grads):
    """The optimizer's step, applied only if every new parameter is finite.

    Usually parameters and changes are small and the changes are added in place. When one is
    too large to rule out an overflow, the new values are computed aside and checked first;
    if any is NaN or infinite, :class:`TrainingDivergedError` is raised and ``parameters``
    keep their last finite values.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is what is checked here
        changes = optimizer.changes(parameters, grads)
    if all(_bounded(parameters[key]) and _bounded(change) for key, change in changes.items()):
        for key, change in changes.items():
            parameters[key] += change
        return
    with np.errstate(over="ignore", invalid="ignore"):
        new = {key: parameters[key] + change for key, change in changes.items()}
    for key, value in new.items():
        if not np.isfinite(value).all():
            raise TrainingDivergedError(f"the update would make {key} infinite or NaN.")
    for key, value in new.items():
        parameters[key][...] = value


def evaluate(network, X, Y):
    """``{"loss": data cost, "accuracy": fraction correct}`` of a checked ``X`` and targets
    ``Y`` ``(m, n_out)``, in evaluation mode, ``network.eval_chunk`` rows at a time."""
    total_loss, n_correct, chunk = 0.0, 0, network.eval_chunk
    for i in range(0, len(X), chunk):
        Z, A, _ = network.forward(X[i:i + chunk])
        Y_chunk = Y[i:i + chunk]
        total_loss += data_cost(Z, A, Y_chunk, network.output_activation, network.cost) * len(A)
        n_correct += int(np.count_nonzero(as_labels(A) == as_labels(Y_chunk)))
    return {"loss": total_loss / len(X), "accuracy": n_correct / len(X)}


# ----------------------------------------------------------------------------- the loop


def fit(network, X, y, epochs=10, learning_rate=None, batch_size=128, optimizer="adam",
        validation_data=None, progress=True, callbacks=None, l2=0.0, l1=0.0, dropout=0.0,
        early_stopping=None, schedule=None, threads=None):
    r"""Train ``network`` with shuffled mini-batches; returns the history (also kept as
    ``network.history``).

    X: as ``network.check_X`` takes it, e.g. ``(m, n_0)``; y: integer labels ``(m,)`` or
    one-hot ``(m, n_L)``. epochs: passes over the data. batch_size: examples per step (the
    last batch of an epoch holds the remainder).
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
    threads: BLAS threads during the epochs; by default ``$NNLIB_NUM_THREADS``, else
    :func:`nnlib.threads.default_num_threads` from the layer widths and the CPUs this
    process may use (``logs["threads"]``). Only a fit in the main thread changes the
    process's setting, and it restores it after every epoch; a fit in another thread
    uses the setting as it is (:func:`nnlib.threads.blas_threads`).

    Returns ``{"loss": [...], "accuracy": [...]}`` with one value per epoch, plus
    ``"val_loss"`` and ``"val_accuracy"`` with validation data. ``loss`` and ``accuracy``
    are measured on the fly: the mean over the epoch's batches, each taken before that
    batch's update (with dropout on), and ``loss`` includes the weight penalty
    $\frac{\lambda_2}{2}\sum \lVert W \rVert^2 + \lambda_1 \sum |W|$; the validation
    metrics are the data cost and accuracy of the weights at the end of the epoch.
    Setting ``network.stop_training`` ends training after the current batch; that last,
    partial epoch is recorded too. Calling ``fit`` again continues from the current weights.

    Raises ``ValueError`` for bad arguments (epochs or batch size < 1, a batch larger
    than the data, X and y of different lengths, labels out of range, an unknown
    optimizer, a learning rate <= 0...) and :class:`TrainingDivergedError` if the loss,
    the gradients or the updated weights stop being finite, or the loss explodes to over
    1000 times the first batch's; the parameters are then left as they were before that
    batch, so they are always finite.
    """
    X, Y = network.check_data(X, y)
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
        validation = network.check_data(*validation_data, names=("X_val", "y_val"))
    if early_stopping is not None:
        check_positive(early_stopping, "early_stopping (patience in epochs)", integer=True)
        if validation is None:
            raise ValueError("early_stopping needs validation_data=(X_val, y_val): it "
                             "watches the validation loss.")
    callbacks = [callbacks] if callable(callbacks) else list(callbacks or [])
    for callback in callbacks:
        if not callable(callback):
            raise TypeError(f"callbacks must be functions callback(event, logs), "
                            f"got {callback!r}.")
    threads = check_num_threads(threads) if threads is not None else None

    network.optimizer = optimizer
    return _epochs(network, X, Y, epochs, batch_size, optimizer, learning_rate_at, float(l2),
                   float(l1), float(dropout), validation, early_stopping, callbacks, progress,
                   threads or default_num_threads(network.layer_sizes))


def _epochs(network, X, Y, epochs, batch_size, optimizer, learning_rate_at, l2, l1, dropout,
            validation, patience, callbacks, progress, n_threads):
    """The epochs of :func:`fit`, after its checks: validation, history, early stopping."""
    history = {"loss": [], "accuracy": []}
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])
    network.history, network.stop_training = history, False
    best_loss, best_parameters, waited = math.inf, None, 0
    base_learning_rate = optimizer.learning_rate
    n_batches = math.ceil(len(X) / batch_size)
    guard = {"max_loss": math.inf}  # set from the first batch's loss
    bar = tqdm(total=epochs * n_batches, unit="batch", desc=f"epoch 1/{epochs}",
               disable=not progress, leave=True, dynamic_ncols=True)
    try:
        for epoch in range(epochs):
            start = time.perf_counter()
            optimizer.learning_rate = learning_rate_at(epoch)
            bar.set_description_str(f"epoch {epoch + 1}/{epochs}", refresh=False)
            logs = {"epoch": epoch + 1, "epochs": epochs, "batches": n_batches,
                    "learning_rate": optimizer.learning_rate}
            with blas_threads(n_threads) as applied:
                if applied is not None:
                    logs["threads"] = applied
                _one_epoch(network, X, Y, batch_size, optimizer, l2, l1, dropout, guard, logs,
                           callbacks, bar)
                if validation is not None:
                    val = evaluate(network, *validation)
                    logs.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
            for key in history:
                history[key].append(logs[key])
            logs["time"] = time.perf_counter() - start
            bar.set_postfix_str(" ".join(f"{key}={logs[key]:.4f}" for key in history))
            for callback in callbacks:
                callback("epoch_end", dict(logs))

            if patience is not None:
                if logs["val_loss"] < best_loss:
                    best_loss, waited, network.best_epoch = logs["val_loss"], 0, epoch + 1
                    best_parameters = {k: v.copy() for k, v in network.parameters.items()}
                else:
                    waited += 1
                    network.stop_training = network.stop_training or waited >= patience
            if network.stop_training:
                break
    finally:
        bar.close()
        optimizer.learning_rate = base_learning_rate
    if best_parameters is not None:
        for key, value in best_parameters.items():
            network.parameters[key][...] = value
    return history


def _one_epoch(network, X, Y, batch_size, optimizer, l2, l1, dropout, guard, logs, callbacks,
               bar):
    """One pass over shuffled mini-batches, each gathered from ``X`` only when it is used;
    keeps the running metrics in ``logs`` and stops early if ``stop_training`` is set. The
    model's generator draws the epoch's order first, then the batches' dropout masks."""
    total_loss, n_correct, n_seen = 0.0, 0, 0
    order = network.rng.permutation(len(X))
    for batch, start in enumerate(range(0, len(X), batch_size), start=1):
        rows = order[start:start + batch_size]
        X_batch, Y_batch = X[rows], Y[rows]
        try:
            A, loss, grads = forward_backward(network, X_batch, Y_batch, l2, l1, dropout,
                                              guard["max_loss"])
            check_gradients(grads)
            apply_update(optimizer, network.parameters, grads)
        except TrainingDivergedError as error:
            raise TrainingDivergedError(
                f"training diverged at epoch {logs['epoch']}, batch {batch}: {error} "
                f"The parameters are left as they were before this batch. Try a lower "
                f"learning rate than {optimizer.learning_rate:g}, e.g. "
                f"{optimizer.learning_rate / 10:g}.") from None
        if guard["max_loss"] == math.inf:
            guard["max_loss"] = DIVERGENCE_FACTOR * max(loss, 1.0)
        total_loss += loss * len(X_batch)
        n_correct += int(np.count_nonzero(as_labels(A) == as_labels(Y_batch)))
        n_seen += len(X_batch)
        logs.update(batch=batch, batch_loss=loss, loss=total_loss / n_seen,
                    accuracy=n_correct / n_seen)
        for callback in callbacks:
            callback("batch_end", dict(logs))
        if bar.update(1):
            bar.set_postfix_str(f"loss={logs['loss']:.4f} accuracy={logs['accuracy']:.4f}",
                                refresh=False)
        if network.stop_training:
            return

"""Measuring a classifier: accuracy and the confusion matrix (lesson 07)."""

import numpy as np


def as_labels(y, name="y"):
    """Integer labels ``(m,)`` from labels, one-hot rows or predicted probabilities
    ``(m, k)`` (the most probable class), or a single output column ``(m, 1)`` (> 0.5)."""
    y = np.asarray(y)
    if y.ndim == 2:
        return (y[:, 0] > 0.5).astype(np.int64) if y.shape[1] == 1 else y.argmax(axis=1)
    if y.ndim != 1:
        raise ValueError(f"{name} must be labels (m,) or rows (m, k); got shape {y.shape}.")
    return y.astype(np.int64, copy=False)


def accuracy(y_true, y_pred):
    """The fraction of examples whose predicted label equals the true label, as a float.

    Either argument may be labels ``(m,)`` or rows ``(m, k)`` (one-hot or probabilities).
    """
    y_true, y_pred = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(
            f"y_true and y_pred must hold the same number (> 0) of examples; "
            f"got {y_true.shape[0]} and {y_pred.shape[0]}."
        )
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts ``C[i, j]`` of examples of true class ``i`` predicted as class ``j``.

    Returns an int array ``(n_classes, n_classes)``; rows are true classes, so the diagonal
    holds the correct predictions.
    """
    y_true, y_pred = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same length; got {y_true.shape[0]} and "
            f"{y_pred.shape[0]}."
        )
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    if y_true.size and (min(y_true.min(), y_pred.min()) < 0
                        or max(y_true.max(), y_pred.max()) >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}.")
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C

"""Checks shared by nnlib's public functions: one clear message per kind of mistake.

Every message says which argument was wrong, what was expected, what was given and, where
there is one, what to do about it.
"""

import numbers

import numpy as np


def as_float_array(value, name):
    """Return ``value`` as a floating NumPy array (float32 unless it is already floating).

    Raises ``TypeError`` for anything that is not numbers (strings, objects, None).
    """
    if value is None:
        raise TypeError(f"{name} must be a NumPy array of numbers, got None.")
    array = np.asarray(value)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{name} must be an array of numbers, got dtype {array.dtype}.")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got complex dtype {array.dtype}.")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float32)
    return array


def check_finite(array, name):
    """Raise ``ValueError`` if ``array`` holds NaN or infinity."""
    if not np.isfinite(array).all():
        n_bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} contains {n_bad} NaN or infinite value(s). Clean the data first, "
            f"e.g. drop those rows or replace them with np.nan_to_num({name})."
        )


def check_batch(X, name="X", n_features=None):
    """Validate a batch of examples: 2-D ``(m, n_features)``, non-empty, finite."""
    X = as_float_array(X, name)
    if X.ndim != 2:
        hint = f" Use {name}.reshape(1, -1) for a single example." if X.ndim == 1 else ""
        raise ValueError(
            f"{name} must be 2-D with shape (m, n_features), rows are examples; "
            f"got shape {X.shape}.{hint}"
        )
    if X.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {X.shape}); it needs at least one row.")
    if n_features is not None and X.shape[1] != n_features:
        hint = ""
        if X.shape[0] == n_features:
            hint = f" It looks transposed: pass {name}.T so that rows are examples."
        raise ValueError(
            f"{name} has {X.shape[1]} features per row but the first layer expects "
            f"{n_features}: {name} must have shape (m, {n_features}), got {X.shape}.{hint}"
        )
    check_finite(X, name)
    return X


def check_positive(value, name, integer=False):
    """Raise unless ``value`` is a positive number (a positive int if ``integer``)."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = "a positive integer" if integer else "a positive number"
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__}).")
    if not value > 0 or (not integer and not np.isfinite(value)):
        expected = "a positive integer" if integer else "a positive, finite number"
        raise ValueError(f"{name} must be {expected}, got {value!r}.")
    return value


def check_choice(value, name, choices):
    """Raise ``ValueError`` unless ``value`` is one of ``choices`` (a name lookup)."""
    if value not in choices:
        raise ValueError(
            f"unknown {name} {value!r}; expected one of: {', '.join(sorted(choices))}."
        )
    return value

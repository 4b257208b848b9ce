"""Data for the training dashboard: the named sources, the training subset, the split.

A source is ``"mnist"`` (loaded, or downloaded once, when Train is first pressed), ``"moons"``
or ``"spirals"`` (small 2-D sets from :mod:`nnlib.toy_data`), or your own tuple
``(X_train, y_train, X_test, y_test)`` with ``X`` ``(m, n_features)`` and labels ``y`` ``(m,)``.
"""

import numpy as np

from ..data import load_mnist, train_val_split
from ..toy_data import make_moons, make_spirals

SOURCE_SIZES = {"mnist": 60000, "moons": 1000, "spirals": 900}
VAL_SIZE = 0.1


def check_source(data):
    """Raise a clear error unless ``data`` is a known name or a 4-tuple of arrays."""
    if isinstance(data, str):
        if data not in SOURCE_SIZES:
            raise ValueError(f"data must be one of {', '.join(SOURCE_SIZES)} or a tuple "
                             f"(X_train, y_train, X_test, y_test); got {data!r}.")
    elif not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise TypeError("data must be 'mnist', 'moons', 'spirals' or a tuple "
                        f"(X_train, y_train, X_test, y_test); got {type(data).__name__}.")
    return data


def source_size(data):
    """The number of training examples ``data`` provides."""
    return SOURCE_SIZES[data] if isinstance(data, str) else len(data[0])


def describe_source(data):
    """A short name of the data for the status line."""
    if isinstance(data, str):
        return "MNIST" if data == "mnist" else f"the {data} toy set"
    return f"your data ({len(data[0])} training examples)"


def load_source(data):
    """``(X_train, y_train, X_test, y_test)`` for a source name or tuple; for ``"mnist"``, the
    very arrays ``load_mnist()`` holds (read-only, shared with the lessons, never copied)."""
    if data == "mnist":
        (X_train, y_train), (X_test, y_test) = load_mnist(progress=False)
        return X_train, y_train, X_test, y_test
    if data == "moons":
        return (*make_moons(1000, noise=0.2, rng=0), *make_moons(500, noise=0.2, rng=1))
    if data == "spirals":
        return (*make_spirals(900, 3, noise=0.2, rng=0), *make_spirals(450, 3, noise=0.2, rng=1))
    X_train, y_train, X_test, y_test = (np.asarray(a) for a in data)
    return X_train, y_train, X_test, y_test


def prepare_split(X, y, subset):
    """The first ``subset`` training rows, split 90/10 into training and validation (the last
    tenth): ``((X_train, y_train), (X_val, y_val))``, all views of ``X`` and ``y``, so that
    nothing is copied (MNIST and the toy sets come in no particular order)."""
    return train_val_split(X[:subset], y[:subset], val_size=VAL_SIZE)


def hidden_sizes(text):
    """Hidden layer sizes from text such as ``"128"`` or ``"256, 128"`` (empty: none)."""
    parts = [part.strip() for part in str(text).replace(";", ",").split(",") if part.strip()]
    if not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ValueError(f"hidden layers must be positive sizes separated by commas, "
                         f"e.g. '128' or '256,128'; got {text!r}.")
    return tuple(int(part) for part in parts)

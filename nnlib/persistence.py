"""Saving and loading models: one ``.npz`` file holds the kind of model, its config and weights.

The file (format ``nnlib.Model/2``, unchanged since nnlib 0.1) is a NumPy ``.npz`` archive with
the entries ``format``, ``kind`` (``"Model"``, ``"ConvNet"``, ``"RNNClassifier"``), ``config``
(the constructor arguments as JSON) and one array per parameter (``W1``, ``b1``, ...).

- :func:`save` is atomic: it writes a temporary file in the same folder, flushes it to disk and
  renames it over the target, so a failed save (a full disk, Ctrl-C) leaves an existing file
  as it was.
- :func:`load` returns whichever kind of model the file holds. It checks the file before
  allocating anything: every array's header (shape, dtype) against the shapes the config
  implies, and the bytes the archive really holds, so a damaged or crafted file raises
  :class:`ModelFileError` at once instead of allocating what it claims.
"""

import json
import math
import zipfile
from pathlib import Path

import numpy as np

from ._files import atomic_file

FILE_FORMAT = "nnlib.Model/2"  # 2: the kind of model and its config as JSON
META_LIMIT = 1 << 20  # bytes: the format, kind and config entries are small


class ModelFileError(ValueError):
    """A file is not a model saved by :func:`save`, or its contents do not fit together."""


def model_kinds():
    """``{"Model": Model, "ConvNet": ConvNet, "RNNClassifier": RNNClassifier}``: the classes
    a file may hold (imported here, when a file is loaded, since they import this module)."""
    from .convnet import ConvNet
    from .model import Model
    from .rnn_classifier import RNNClassifier

    return {cls.__name__: cls for cls in (Model, ConvNet, RNNClassifier)}


# ----------------------------------------------------------------------------- saving


def save(network, path):
    """Write ``network`` (its kind, :meth:`config` and parameters) to ``path`` atomically.

    ``.npz`` is appended to the name if missing. Returns the path written. The previous file
    at ``path``, if any, stays intact until the new one is complete on disk.
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    entries = {"format": np.array(FILE_FORMAT), "kind": np.array(type(network).__name__),
               "config": np.array(json.dumps(network.config())), **network.parameters}
    with atomic_file(path, "wb", durable=True) as file:
        np.savez(file, **entries)
    return path


# ----------------------------------------------------------------------------- loading


def load(path, seed=0, kind=None):
    """The model saved in ``path``, whichever kind it is; ``seed`` for its future shuffling.
    With ``kind`` (a class), the file must hold that kind of model.

    Raises ``FileNotFoundError`` if there is no such file and :class:`ModelFileError` if it
    is not an nnlib model file, holds another kind than ``kind``, is damaged, or its arrays do
    not fit its config.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}.")
    try:
        with zipfile.ZipFile(path) as archive:
            cls, config, parameters = _read(archive, path, kind)
    except (OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ModelFileError(f"{path} is not a readable .npz model file ({error}). "
                             f"Save models with model.save(path).") from None
    except ValueError as error:
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{path} is a damaged nnlib model file: {error}") from None
    try:
        model = cls(**config, seed=seed)
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path} holds a config {cls.__name__} cannot be built from "
                             f"({error}): {config}") from None
    model.parameters = {key: value.astype(model.dtype, copy=False)
                        for key, value in parameters.items()}
    return model


def _read(archive, path, kind):
    """``(class, config, parameters)`` from an open archive, every array checked before it
    is read."""
    entries = {info.filename: info for info in archive.infolist()}
    if entries.get("format.npy") is None or _read_text(archive, entries["format.npy"]) \
            != FILE_FORMAT:
        raise ModelFileError(f"{path} is an .npz file but not an nnlib model: it has no "
                             f"'format' entry {FILE_FORMAT!r}. Save models with "
                             f"model.save(path).")
    kinds = model_kinds()
    name = _read_text(archive, entries["kind.npy"]) if "kind.npy" in entries else ""
    if name not in kinds:
        raise ModelFileError(f"{path} holds an unknown kind of model {name!r}; nnlib knows "
                             f"{', '.join(kinds)}.")
    cls = kinds[name]
    if kind is not None and cls is not kind:
        raise ModelFileError(f"{path} holds a {name}, not a {kind.__name__}: load it with "
                             f"{name}.load(path) or nnlib.load(path).")
    if "config.npy" not in entries:
        raise ModelFileError(f"{path} is a damaged nnlib model file: it has no config.")
    config = json.loads(_read_text(archive, entries["config.npy"]))
    if not isinstance(config, dict):
        raise ModelFileError(f"{path}: the config must be a JSON object, got {config!r}.")
    try:
        shapes = cls.parameter_shapes(config)
        dtype = np.dtype(config.get("dtype", "float32"))
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(f"{path} holds a config {name} cannot be built from ({error}): "
                             f"{config}") from None
    expected = set(shapes) | {"format", "kind", "config"}
    unexpected = sorted(key[:-4] for key in entries if key[:-4] not in expected)
    if unexpected:
        raise ModelFileError(f"{path} holds arrays its {name} config has no place for: "
                             f"{', '.join(unexpected)}.")
    file_size = path.stat().st_size
    parameters = {}
    for key, shape in shapes.items():
        info = entries.get(f"{key}.npy")
        if info is None:
            raise ModelFileError(f"{path} is a damaged nnlib model file: it has no {key}.")
        with archive.open(info) as file:
            stored_shape, stored_dtype, offset = _header(file, f"{path}: {key}")
            if stored_shape != tuple(shape) or stored_dtype.name != dtype.name:
                raise ModelFileError(
                    f"{path}: {key} has shape {stored_shape} and dtype {stored_dtype} but the "
                    f"saved architecture {config} needs a {dtype.name} array of shape "
                    f"{tuple(shape)}.")
            n_bytes = math.prod(shape) * dtype.itemsize
            if (info.compress_type != zipfile.ZIP_STORED or info.file_size != offset + n_bytes
                    or info.file_size > file_size):
                raise ModelFileError(f"{path} is a damaged nnlib model file: the entry {key} "
                                     f"does not hold the {n_bytes:,} bytes its header "
                                     f"announces.")
            parameters[key] = _read_data(file, shape, stored_dtype, f"{path}: {key}")
    return cls, config, parameters


def _header(file, name):
    """``(shape, dtype, header length)`` of a ``.npy`` entry, read without its data."""
    try:
        version = np.lib.format.read_magic(file)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
        else:
            raise ValueError(f"unsupported .npy version {version}")
    except ValueError as error:
        raise ModelFileError(f"{name} is not a readable array ({error}).") from None
    if fortran or dtype.hasobject:
        raise ModelFileError(f"{name} is not a plain C-ordered array of numbers.")
    return shape, dtype, file.tell()


def _read_data(file, shape, dtype, name):
    """The array of ``shape`` and ``dtype`` whose bytes follow a ``.npy`` header in ``file``,
    read into one new array (its size has been checked against the archive)."""
    array = np.empty(shape, dtype)
    view = memoryview(array.reshape(-1).view(np.uint8))
    done = 0
    while done < len(view):
        n = file.readinto(view[done:])
        if not n:
            raise ModelFileError(f"{name} is cut short: the file is truncated.")
        done += n
    return array


def _read_text(archive, info):
    """The string stored in a small 0-d ``.npy`` entry (format, kind, config)."""
    with archive.open(info) as file:
        shape, dtype, _ = _header(file, f"the entry {info.filename}")
        if shape != () or dtype.kind != "U" or dtype.itemsize > META_LIMIT:
            raise ModelFileError(f"the entry {info.filename} is not a short string.")
        return str(_read_data(file, shape, dtype, f"the entry {info.filename}"))

"""Saving and loading models: atomic saves, one load for every kind, files checked first."""

import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import nnlib
from nnlib.model import Model, ModelFileError

SMALL_MODELS = {
    "Model": lambda: nnlib.Model([4, 5, 3], hidden_activation="tanh", seed=1),
    "ConvNet": lambda: nnlib.ConvNet(input_shape=(1, 8, 8), channels=(2,), kernel_size=3,
                                     hidden=(4,), n_classes=3, seed=1),
    "RNNClassifier": lambda: nnlib.RNNClassifier(n_inputs=2, n_hidden=3, n_outputs=1, seed=1),
}
INPUTS = {"Model": (5, 4), "ConvNet": (5, 1, 8, 8), "RNNClassifier": (5, 6, 2)}


# ------------------------------------------------------------------ one load for every kind

@pytest.mark.parametrize("kind", SMALL_MODELS)
def test_load_returns_whichever_kind_of_model_the_file_holds(tmp_path, kind):
    model = SMALL_MODELS[kind]()
    loaded = nnlib.load(model.save(tmp_path / "model"))
    assert type(loaded) is type(model)
    assert loaded.config() == model.config()
    X = np.random.default_rng(0).random(INPUTS[kind], dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_file_written_by_nnlib_0_1_still_loads(tmp_path):
    """The layout Model.save wrote before the persistence module existed."""
    model = Model([3, 4, 2], init="xavier", seed=5)
    config = {"layer_sizes": [3, 4, 2], "hidden_activation": "relu",
              "output_activation": "softmax", "cost": "categorical_cross_entropy",
              "init": "xavier", "dtype": "float32"}
    path = tmp_path / "old.npz"
    np.savez(path, format=np.array("nnlib.Model/2"), kind=np.array("Model"),
             config=np.array(json.dumps(config)), **model.parameters)
    for loaded in (Model.load(path), nnlib.load(path)):
        for key, value in model.parameters.items():
            np.testing.assert_array_equal(loaded.parameters[key], value)
        assert loaded.init == "xavier"


def test_loaded_parameters_can_be_trained_further(tmp_path):
    X, y = np.random.default_rng(0).random((20, 4), dtype=np.float32), np.arange(20) % 3
    loaded = nnlib.load(SMALL_MODELS["Model"]().save(tmp_path / "m"))
    before = loaded.parameters["W1"].copy()
    loaded.fit(X, y, epochs=1, batch_size=10, progress=False)
    assert not np.array_equal(loaded.parameters["W1"], before)


# ------------------------------------------------------------------ atomic saves

@pytest.mark.parametrize("interruption", [OSError(28, "No space left on device"),
                                          KeyboardInterrupt()], ids=["disk-full", "ctrl-c"])
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch, interruption):
    path = Model([2, 3, 2], seed=1).save(tmp_path / "model.npz")
    before = path.read_bytes()

    def savez_that_fails_halfway(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            file = open(file, "wb")  # noqa: SIM115  (np.savez opens a path the same way)
        file.write(b"PK\x03\x04 the first bytes of an archive")
        file.flush()
        raise interruption

    monkeypatch.setattr(np, "savez", savez_that_fails_halfway)
    with pytest.raises(type(interruption)):
        Model([2, 3, 2], seed=2).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left


def test_a_save_over_an_existing_file_replaces_it(tmp_path):
    path = Model([2, 3, 2], seed=1).save(tmp_path / "model.npz")
    second = Model([2, 3, 2], seed=2)
    second.save(path)
    np.testing.assert_array_equal(nnlib.load(path).parameters["W1"], second.parameters["W1"])
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


# ------------------------------------------------------------------ damaged and crafted files

def write_archive(path, config, arrays=(), headers=(), kind="Model"):
    """An .npz archive with the entries of a model file: real ``arrays`` {name: array} and
    bare ``.npy`` ``headers`` {name: shape} that announce float32 data they do not hold."""
    entries = {"format": np.array("nnlib.Model/2"), "kind": np.array(kind),
               "config": np.array(json.dumps(config)), **dict(arrays)}
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in entries.items():
            with archive.open(f"{name}.npy", "w") as file:
                np.lib.format.write_array(file, value)
        for name, shape in dict(headers).items():
            with archive.open(f"{name}.npy", "w") as file:
                np.lib.format.write_array_header_1_0(
                    file, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return path


def mlp_config(sizes):
    return {"layer_sizes": sizes, "hidden_activation": "relu", "output_activation": "softmax",
            "cost": "categorical_cross_entropy", "init": "he", "dtype": "float32"}


LOAD_UNDER_A_MEMORY_LIMIT = """
import resource, sys
limit = 1 << 30  # 1 GiB of address space: far less than the crafted files claim
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from nnlib.model import Model, ModelFileError
try:
    Model.load(sys.argv[1])
except ModelFileError as error:
    print("ModelFileError:", error)
"""


def load_in_a_small_process(path):
    """Load ``path`` in a subprocess limited to 1 GiB: a loader that allocates what a
    crafted file claims gets a MemoryError there instead of exhausting this machine."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", LOAD_UNDER_A_MEMORY_LIMIT, str(path)],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                    reason="RLIMIT_AS is not enforced here")
def test_a_config_claiming_huge_layers_is_refused_before_anything_is_allocated(tmp_path):
    small = nnlib.initialize_parameters(784, 3, 3, 10, rng=0)  # what the file really holds
    path = write_archive(tmp_path / "huge.npz", mlp_config([784, 30_000, 30_000, 10]), small)
    result = load_in_a_small_process(path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ModelFileError" in result.stdout and "W1 has shape (784, 3)" in result.stdout


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin",
                    reason="RLIMIT_AS is not enforced here")
def test_headers_announcing_data_the_file_does_not_hold_are_refused(tmp_path):
    headers = {"W1": (100_000, 100_000), "b1": (100_000,), "W2": (100_000, 2), "b2": (2,)}
    path = write_archive(tmp_path / "hollow.npz", mlp_config([100_000, 100_000, 2]),
                         headers=headers)
    result = load_in_a_small_process(path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ModelFileError" in result.stdout and "does not hold" in result.stdout


def test_an_array_of_another_dtype_than_the_config_is_refused(tmp_path):
    parameters = nnlib.initialize_parameters(2, 3, 2, rng=0, dtype=np.float64)
    path = write_archive(tmp_path / "m.npz", mlp_config([2, 3, 2]), parameters)
    with pytest.raises(ModelFileError, match="W1 has shape \\(2, 3\\) and dtype float64.*"
                                             "needs a float32 array"):
        nnlib.load(path)


def test_an_unknown_kind_is_refused(tmp_path):
    path = write_archive(tmp_path / "m.npz", {}, kind="Transformer")
    with pytest.raises(ModelFileError, match="unknown kind of model 'Transformer'"):
        nnlib.load(path)


@pytest.mark.parametrize("config, message", [
    ({"layer_sizes": [2, -3, 2]}, "layer size 1 must be a positive integer"),
    ({"layer_sizes": "2, 3"}, "layer_sizes must be a list"),
    ({"layers": [2, 3]}, "cannot be built from"),
])
def test_a_config_that_builds_no_model_is_refused(tmp_path, config, message):
    path = write_archive(tmp_path / "m.npz", config)
    with pytest.raises(ModelFileError, match=message):
        nnlib.load(path)


def test_an_extra_array_is_refused(tmp_path):
    parameters = {**nnlib.initialize_parameters(2, 3, 2, rng=0), "W9": np.zeros(2, np.float32)}
    path = write_archive(tmp_path / "m.npz", mlp_config([2, 3, 2]), parameters)
    with pytest.raises(ModelFileError, match="no place for: W9"):
        nnlib.load(path)

"""nnlib.data: downloading, verifying and loading MNIST, and cutting data into batches.

Downloads run the real urllib code against local servers (see conftest.py); the real MNIST
files are loaded only a few times to keep this file fast.
"""

import gzip
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import nnlib._files
from nnlib import data
from nnlib.data import (
    FILES,
    MNISTDownloadError,
    MNISTFormatError,
    MNISTNotFoundError,
    default_data_dir,
    download_mnist,
    iterate_minibatches,
    load_mnist,
    one_hot,
    parse_idx,
    read_idx,
    train_val_split,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TEST_LABELS = FILES["test_labels"]  # the smallest file: the one the failure tests fetch
DECODED_NPY = {  # what load_mnist() decodes the IDX files to, beside them
    "train_images": "train-images-idx3-ubyte.float32.npy",
    "train_labels": "train-labels-idx1-ubyte.int64.npy",
    "test_images": "t10k-images-idx3-ubyte.float32.npy",
    "test_labels": "t10k-labels-idx1-ubyte.int64.npy",
}


def closed_port_url():
    """A base URL on 127.0.0.1 where nothing listens: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch, tmp_path):
    """Never touch the repo's data/ or the internet: default cache and mirrors are local."""
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "default-cache"))
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", closed_port_url())
    monkeypatch.setattr(data, "_LOADED", {})  # each test starts with nothing loaded


@pytest.fixture
def cache_without_test_labels(tmp_path, shared_mnist):
    """A cache folder with three real MNIST files; only the small test labels are missing."""
    folder = tmp_path / "cache"
    folder.mkdir()
    for name in FILES.values():
        if name != TEST_LABELS:
            shutil.copyfile(shared_mnist / name, folder / name)
    return folder


@pytest.fixture
def mnist_copy(tmp_path, mnist_data_dir):
    """A private copy of the four verified MNIST files (nothing decoded yet), free to be
    written to."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in FILES.values():
        shutil.copyfile(mnist_data_dir / name, folder / name)
    return folder


def idx_bytes(array, magic=None):
    """Uncompressed IDX content for a ``uint8`` array (magic 2049 for 1-D, 2051 for 3-D)."""
    array = np.asarray(array, dtype=np.uint8)
    magic = 0x0800 + array.ndim if magic is None else magic
    dims = b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return magic.to_bytes(4, "big") + dims + array.tobytes()


def write_fake_mnist(folder, monkeypatch, n_train=(6, 6), n_test=(4, 4), side=28, seed=0):
    """Write four tiny IDX files (``n`` images, ``n`` labels per split) and trust their
    checksums, so that load_mnist reaches the IDX checks. Returns the raw train images."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    train_images = rng.integers(0, 256, size=(n_train[0], side, side))
    contents = {
        FILES["train_images"]: idx_bytes(train_images),
        FILES["train_labels"]: idx_bytes(np.arange(n_train[1]) % 10),
        FILES["test_images"]: idx_bytes(rng.integers(0, 256, size=(n_test[0], side, side))),
        FILES["test_labels"]: idx_bytes(np.arange(n_test[1]) % 10),
    }
    for name, content in contents.items():
        (folder / name).write_bytes(gzip.compress(content))
    monkeypatch.setattr(data, "SHA256", {name: hashlib.sha256(content).hexdigest()
                                         for name, content in contents.items()})
    return train_images.reshape(n_train[0], -1).astype(np.uint8)


def is_verified(path):
    return hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest() == data.SHA256[
        path.name]


# ----------------------------------------------------------------------------- cache folder


def test_default_data_dir_is_the_env_var_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv("NNLIB_DATA_DIR", str(tmp_path / "mine"))
    assert default_data_dir() == tmp_path / "mine"


def test_default_data_dir_is_the_repos_data_folder_in_a_checkout(monkeypatch):
    monkeypatch.delenv("NNLIB_DATA_DIR")
    assert default_data_dir() == REPO_ROOT / "data"


def test_default_data_dir_is_the_user_cache_outside_a_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("NNLIB_DATA_DIR")
    monkeypatch.setattr(data, "__file__", str(tmp_path / "site-packages" / "nnlib" / "data.py"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".cache" / "nnlib" / "mnist"


def test_data_dir_argument_beats_the_env_var(monkeypatch, tmp_path, mnist_data_dir):
    monkeypatch.setenv("NNLIB_DATA_DIR", str(mnist_data_dir))
    with pytest.raises(MNISTNotFoundError, match="empty"):
        load_mnist(tmp_path / "empty", download=False)


# ----------------------------------------------------------------------------- real MNIST


def test_load_mnist_downloads_into_an_empty_cache_and_returns_mnist(
        monkeypatch, capsys, tmp_path, mnist_server):
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", mnist_server)
    (X_train, y_train), (X_test, y_test) = load_mnist(tmp_path / "new", progress=False)

    assert capsys.readouterr() == ("", "")
    assert sorted(os.listdir(tmp_path / "new")) == sorted(
        [*FILES.values(), *DECODED_NPY.values(), *(npy[:-4] + ".json" for npy in
                                                   DECODED_NPY.values())])
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.dtype == np.float32 and X_test.dtype == np.float32
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.bincount(y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert X_train.mean() == pytest.approx(0.1307, abs=1e-4)


def test_load_mnist_raw_gives_uint8_pixels(mnist_copy):
    (X_train, y_train), (X_test, _) = load_mnist(mnist_copy, raw=True, download=False)
    assert X_train.dtype == np.uint8 and X_test.dtype == np.uint8
    assert X_train.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X_train.max() == 255
    assert X_train.mean() == pytest.approx(33.318, abs=1e-3)


def test_download_mnist_keeps_verified_files_without_downloading(mnist_data_dir, mnist_mirror):
    folder = download_mnist(mnist_data_dir, mirrors=[mnist_mirror.url("missing")],
                            progress=False)
    assert folder == mnist_data_dir
    assert mnist_mirror.requests == []


def test_download_false_with_an_empty_cache_says_how_to_get_mnist(tmp_path):
    with pytest.raises(MNISTNotFoundError) as raised:
        load_mnist(tmp_path, download=False)
    message = str(raised.value)
    assert isinstance(raised.value, FileNotFoundError)
    assert str(tmp_path) in message and "python -m nnlib download" in message
    assert all(name in message for name in FILES.values())
    assert "NNLIB_DATA_DIR" in message


def test_every_mirror_failing_raises_an_error_listing_each_url(tmp_path, mnist_mirror):
    mirrors = [mnist_mirror.url("missing"), mnist_mirror.url("gone")]
    with pytest.raises(MNISTDownloadError) as raised:
        download_mnist(tmp_path, mirrors=mirrors, progress=False)
    message = str(raised.value)
    first = FILES["train_images"]
    assert [url for url, _ in raised.value.attempts] == [base + first for base in mirrors]
    assert all(f"{base}{first}: HTTP 404" in message for base in mirrors)
    assert str(tmp_path) in message and "NNLIB_DATA_DIR" in message
    assert all(name in message for name in FILES.values())


def test_mirrors_env_var_replaces_the_default_list(monkeypatch, tmp_path, mnist_mirror):
    first, second = mnist_mirror.url("missing"), mnist_mirror.url("gone")
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", f" {first},\n {second} ")
    with pytest.raises(MNISTDownloadError) as raised:
        load_mnist(tmp_path, progress=False)
    tried = [url for url, _ in raised.value.attempts]
    assert tried == [first + FILES["train_images"], second + FILES["train_images"]]


def failed_download(folder, mirror, mode, timeout=30):
    """The reason the single mirror ``mode`` gave for failing to deliver the test labels."""
    with pytest.raises(MNISTDownloadError) as raised:
        download_mnist(folder, mirrors=[mirror.url(mode)], timeout=timeout, progress=False)
    [(url, reason)] = raised.value.attempts
    assert url == mirror.url(mode) + TEST_LABELS
    return reason


@pytest.mark.parametrize("mode, reason", [("truncated", "truncated: received 2258 of 4517 bytes"),
                                          ("cut", "not a complete gzip file")])
def test_a_truncated_download_is_rejected(cache_without_test_labels, mnist_mirror, mode, reason):
    assert reason in failed_download(cache_without_test_labels, mnist_mirror, mode)
    assert not (cache_without_test_labels / TEST_LABELS).exists()


def test_a_download_that_is_not_gzip_is_rejected(cache_without_test_labels, mnist_mirror):
    assert "not a gzip file" in failed_download(cache_without_test_labels, mnist_mirror,
                                                "garbage")


def test_a_download_with_the_wrong_content_fails_the_checksum(
        cache_without_test_labels, mnist_mirror):
    assert "SHA-256" in failed_download(cache_without_test_labels, mnist_mirror, "wrong")


@pytest.mark.parametrize("mode", ["stall", "mute"])
def test_a_stalled_mirror_times_out_and_its_handler_ends(
        cache_without_test_labels, mnist_mirror, mode):
    # The mirror is silent for 3 s then sends the whole file: only a client that honours
    # its 0.5 s timeout fails.
    reason = failed_download(cache_without_test_labels, mnist_mirror, mode, timeout=0.5)
    assert reason == "timed out (no data for 0.5 s)"
    mnist_mirror.stop()
    assert mnist_mirror.active == 0


@pytest.mark.parametrize("dead", ["404", "refused"])
def test_the_next_mirror_is_used_when_the_first_is_dead(
        cache_without_test_labels, mnist_mirror, dead):
    first = mnist_mirror.url("missing") if dead == "404" else closed_port_url()
    download_mnist(cache_without_test_labels, mirrors=[first, mnist_mirror.url("mnist")],
                   progress=False)
    assert is_verified(cache_without_test_labels / TEST_LABELS)


@pytest.mark.parametrize("mode", ["missing", "truncated", "cut", "garbage", "wrong", "stall"])
def test_a_failed_download_leaves_no_partial_file(cache_without_test_labels, mnist_mirror, mode):
    before = sorted(os.listdir(cache_without_test_labels))
    failed_download(cache_without_test_labels, mnist_mirror, mode, timeout=0.5)
    assert sorted(os.listdir(cache_without_test_labels)) == before


@pytest.mark.parametrize("corruption", ["truncated gzip", "wrong content"])
def test_a_corrupt_cached_file_is_replaced_on_the_next_load(
        monkeypatch, capsys, tmp_path, shared_mnist, mnist_server, corruption):
    for name in FILES.values():
        shutil.copyfile(shared_mnist / name, tmp_path / name)
    path = tmp_path / TEST_LABELS
    if corruption == "truncated gzip":
        path.write_bytes(path.read_bytes()[:1000])
    else:
        path.write_bytes(gzip.compress(b"\x00" * 10008))
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", mnist_server)

    _, (_, y_test) = load_mnist(tmp_path, progress=True)

    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert is_verified(path)
    lines = [line for line in capsys.readouterr().err.splitlines() if "corrupt" in line]
    assert len(lines) == 1 and TEST_LABELS in lines[0]


def test_progress_false_replaces_a_corrupt_file_silently(
        monkeypatch, capsys, tmp_path, shared_mnist, mnist_server):
    for name in FILES.values():
        shutil.copyfile(shared_mnist / name, tmp_path / name)
    (tmp_path / TEST_LABELS).write_bytes(b"not gzip")
    monkeypatch.setenv("NNLIB_MNIST_MIRRORS", mnist_server)

    _, (_, y_test) = load_mnist(tmp_path, progress=False)

    assert np.bincount(y_test).tolist() == TEST_COUNTS
    assert capsys.readouterr().err == ""


def test_a_corrupt_cached_file_with_download_false_raises_format_error(tmp_path, shared_mnist):
    for name in FILES.values():
        shutil.copyfile(shared_mnist / name, tmp_path / name)
    (tmp_path / TEST_LABELS).write_bytes(b"not gzip")
    with pytest.raises(MNISTFormatError, match=f"{TEST_LABELS} is corrupt.*nnlib download"):
        load_mnist(tmp_path, download=False)


def test_a_progress_bar_is_shown_while_downloading(capsys, cache_without_test_labels,
                                                   mnist_server):
    download_mnist(cache_without_test_labels, mirrors=[mnist_server], progress=True)
    err = capsys.readouterr().err
    assert TEST_LABELS in err and "100%" in err


def test_progress_false_downloads_silently(capsys, cache_without_test_labels, mnist_server):
    download_mnist(cache_without_test_labels, mirrors=[mnist_server], progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not (REPO_ROOT / "nnlib" / "cli.py").exists(),
                    reason="nnlib/cli.py (imported by nnlib/__main__.py) does not exist yet")
def test_python_m_nnlib_download_fills_the_cache(cache_without_test_labels, mnist_server):
    env = dict(os.environ, NNLIB_MNIST_MIRRORS=mnist_server)
    result = subprocess.run(
        [sys.executable, "-m", "nnlib", "download", "--data-dir", str(cache_without_test_labels)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "MNIST is ready" in result.stdout
    assert is_verified(cache_without_test_labels / TEST_LABELS)


# ----------------------------------------------------------------------------- IDX format


def test_read_idx_decodes_gzipped_images_and_plain_labels(tmp_path):
    images = np.arange(2 * 28 * 28).reshape(2, 28, 28) % 256
    (tmp_path / "images.gz").write_bytes(gzip.compress(idx_bytes(images)))
    (tmp_path / "labels").write_bytes(idx_bytes([3, 7]))
    assert np.array_equal(read_idx(tmp_path / "images.gz"), images)
    assert read_idx(tmp_path / "labels").tolist() == [3, 7]


def test_read_idx_reads_a_gzip_file_of_several_members(tmp_path):
    content = idx_bytes(np.arange(5000) % 10)
    (tmp_path / "labels.gz").write_bytes(gzip.compress(content[:1000])
                                         + gzip.compress(content[1000:]))
    assert read_idx(tmp_path / "labels.gz").tolist() == (np.arange(5000) % 10).tolist()


@pytest.mark.parametrize("damage", ["cut", "trailing garbage"])
def test_read_idx_rejects_a_damaged_gzip_file(tmp_path, damage):
    packed = gzip.compress(idx_bytes(np.arange(5000) % 10))
    packed = packed[:len(packed) // 2] if damage == "cut" else packed + b"garbage!"
    (tmp_path / "labels.gz").write_bytes(packed)
    with pytest.raises(MNISTFormatError, match="not a complete gzip file"):
        read_idx(tmp_path / "labels.gz")


def test_read_idx_rejects_a_bad_magic_number(tmp_path):
    (tmp_path / "bad.gz").write_bytes(gzip.compress(idx_bytes([1, 2], magic=2050)))
    with pytest.raises(MNISTFormatError, match="magic number 2050.*2049.*2051"):
        read_idx(tmp_path / "bad.gz")


@pytest.mark.parametrize("change", [-1, +1])
def test_read_idx_rejects_a_payload_that_does_not_match_the_header(tmp_path, change):
    content = idx_bytes(np.zeros((3, 28, 28)))
    content = content[:change] if change < 0 else content + b"\x00"
    (tmp_path / "images.gz").write_bytes(gzip.compress(content))
    with pytest.raises(MNISTFormatError, match=r"shape \(3, 28, 28\).*2352 bytes"):
        read_idx(tmp_path / "images.gz")


def test_read_idx_rejects_a_truncated_header(tmp_path):
    (tmp_path / "labels.gz").write_bytes(gzip.compress(idx_bytes(np.zeros((3, 28, 28)))[:10]))
    with pytest.raises(MNISTFormatError, match="header needs 16 bytes"):
        read_idx(tmp_path / "labels.gz")


def test_parse_idx_rejects_labels_where_images_are_expected():
    with pytest.raises(MNISTFormatError, match="expected 2051 \\(images\\)"):
        parse_idx(idx_bytes([1, 2, 3]), "train-images", expected="images")


def test_format_error_is_a_value_error():
    assert issubclass(MNISTFormatError, ValueError)


def test_load_mnist_scales_pixels_by_255(tmp_path, monkeypatch):
    raw_train = write_fake_mnist(tmp_path, monkeypatch)
    (X_train, y_train), _ = load_mnist(tmp_path, download=False)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_array_equal(X_train, raw_train.astype(np.float32) / 255)


def test_load_mnist_rejects_image_and_label_counts_that_disagree(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch, n_train=(6, 5))
    with pytest.raises(MNISTFormatError, match="train set has 6 images .* but 5 labels"):
        load_mnist(tmp_path, download=False)


def test_load_mnist_rejects_images_that_are_not_28_by_28(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch, side=27)
    with pytest.raises(MNISTFormatError, match="27x27 pixels"):
        load_mnist(tmp_path, download=False)


# ----------------------------------------------------------------------------- held once


def reload(folder, **options):
    """load_mnist in what stands for a new process: nothing loaded yet in this one."""
    data._LOADED.clear()
    return load_mnist(folder, download=False, **options)


def all_arrays(loaded):
    (X_train, y_train), (X_test, y_test) = loaded
    return X_train, y_train, X_test, y_test


@pytest.mark.parametrize("raw", [False, True])
def test_loaded_arrays_cannot_be_written_to(mnist_copy, raw):
    for array in all_arrays(load_mnist(mnist_copy, raw=raw, download=False)):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0
        with pytest.raises(ValueError, match="read-only"):
            array += 1
        with pytest.raises(ValueError):
            array.flags.writeable = True


def test_a_second_load_returns_the_same_arrays(mnist_copy):
    first = all_arrays(load_mnist(mnist_copy, download=False))
    second = all_arrays(load_mnist(str(mnist_copy), download=False))
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert np.shares_memory(first[0], second[0])


def test_loaded_images_are_memory_mapped_from_the_decoded_npy(mnist_copy):
    (X_train, _), (X_test, _) = load_mnist(mnist_copy, download=False)
    assert isinstance(X_train.base, np.memmap) and isinstance(X_test.base, np.memmap)
    assert Path(X_train.base.filename) == mnist_copy / DECODED_NPY["train_images"]
    assert np.array_equal(np.load(mnist_copy / DECODED_NPY["test_images"]), X_test)


def test_another_process_maps_the_same_npy_without_rebuilding_it(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch)
    first = all_arrays(load_mnist(tmp_path, download=False))
    before = {name: os.stat(tmp_path / name) for name in DECODED_NPY.values()}

    again = all_arrays(reload(tmp_path))

    for name, stat in before.items():
        after = os.stat(tmp_path / name)
        assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns), name
    assert all(isinstance(array.base, np.memmap) for array in again)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_decoded_npy_is_enough_without_the_idx_files(tmp_path, monkeypatch):
    raw_train = write_fake_mnist(tmp_path, monkeypatch)
    load_mnist(tmp_path, download=False)
    for name in FILES.values():
        (tmp_path / name).unlink()
    (X_train, _), _ = reload(tmp_path)
    np.testing.assert_array_equal(X_train, raw_train.astype(np.float32) / 255)


def flip_last_byte(path):
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF
    path.write_bytes(bytes(content))


TAMPERINGS = {
    "a changed value": flip_last_byte,
    "a truncated file": lambda path: path.write_bytes(path.read_bytes()[:-3]),
    "an empty file": lambda path: path.write_bytes(b""),
    "another array's header": lambda path: np.save(path, np.zeros((6, 784), np.float64)),
    "a missing sidecar": lambda path: path.with_suffix(".json").unlink(),
    "a sidecar that is not JSON": lambda path: path.with_suffix(".json").write_text("{"),
    "a sidecar from other IDX content": lambda path: path.with_suffix(".json").write_text(
        path.with_suffix(".json").read_text().replace('"source_sha256": "', '"source_sha256": "0')),
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
@pytest.mark.parametrize("key", ["train_images", "test_labels"])
def test_a_tampered_npy_is_detected_and_rebuilt(tmp_path, monkeypatch, tamper, key):
    write_fake_mnist(tmp_path, monkeypatch)
    expected = [array.copy() for array in all_arrays(load_mnist(tmp_path, download=False))]
    path = tmp_path / DECODED_NPY[key]
    good = path.read_bytes()
    tamper(path)

    loaded = all_arrays(reload(tmp_path))

    assert all(np.array_equal(a, b) and a.dtype == b.dtype
               for a, b in zip(loaded, expected, strict=True))
    assert path.read_bytes() == good
    assert all(isinstance(array.base, np.memmap) for array in loaded)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_a_npy_decoded_from_other_idx_content_is_rebuilt(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch, seed=0)
    load_mnist(tmp_path, download=False)
    new_train = write_fake_mnist(tmp_path, monkeypatch, seed=1)  # new files and checksums

    (X_train, _), _ = reload(tmp_path)

    np.testing.assert_array_equal(X_train, new_train.astype(np.float32) / 255)


def refuse_temporary_files(monkeypatch):
    """Make creating any file in the data folder fail as in a read-only folder (tests may run
    as root, who can write into a folder without write permission)."""
    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied", kwargs.get("dir"))
    monkeypatch.setattr(nnlib._files.tempfile, "mkstemp", read_only)


def test_a_read_only_folder_loads_into_memory(tmp_path, monkeypatch, capsys):
    raw_train = write_fake_mnist(tmp_path, monkeypatch)
    before = sorted(os.listdir(tmp_path))
    refuse_temporary_files(monkeypatch)

    loaded = all_arrays(load_mnist(tmp_path, download=False, progress=False))

    np.testing.assert_array_equal(loaded[0], raw_train.astype(np.float32) / 255)
    assert sorted(os.listdir(tmp_path)) == before
    assert not any(array.flags.writeable for array in loaded)
    assert capsys.readouterr() == ("", "")


def test_a_read_only_folder_still_maps_verified_npy(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch)
    load_mnist(tmp_path, download=False)
    refuse_temporary_files(monkeypatch)
    assert all(isinstance(array.base, np.memmap) for array in all_arrays(reload(tmp_path)))


def test_a_failed_npy_write_leaves_no_partial_file(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, monkeypatch)
    before = sorted(os.listdir(tmp_path))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(data.os, "replace", disk_full)  # fails after the data was written

    loaded = all_arrays(load_mnist(tmp_path, download=False))

    assert sorted(os.listdir(tmp_path)) == before
    assert not any(array.flags.writeable for array in loaded)


def traced_peak(function):
    """The peak of memory allocated through Python and NumPy while ``function()`` runs (memory
    maps do not count: their pages are the file's, shared by every process), and its result."""
    tracemalloc.start()
    try:
        result = function()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_loading_holds_at_most_one_decompressed_file_beside_the_maps(mnist_copy):
    largest = 47_040_016  # the uncompressed training images, the largest file
    peak, _ = traced_peak(lambda: load_mnist(mnist_copy, download=False))
    assert peak < 1.3 * largest


def test_loading_into_memory_peaks_at_the_arrays_plus_one_decompressed_file(
        mnist_copy, monkeypatch):
    largest = 47_040_016
    refuse_temporary_files(monkeypatch)
    peak, loaded = traced_peak(lambda: load_mnist(mnist_copy, download=False))
    arrays = sum(array.nbytes for array in all_arrays(loaded))
    assert peak < arrays + 1.3 * largest


# ----------------------------------------------------------------------------- one_hot


def test_one_hot_sets_a_single_one_per_row():
    Y = one_hot([2, 0, 1], n_classes=3)
    assert Y.dtype == np.float32
    assert Y.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]


def test_one_hot_uses_the_requested_dtype():
    assert one_hot(np.array([1, 0]), 2, dtype=np.float64).dtype == np.float64


def test_one_hot_accepts_whole_numbers_stored_as_floats():
    assert one_hot(np.array([1.0, 0.0]), 2).tolist() == [[0, 1], [1, 0]]


@pytest.mark.parametrize("label", [-1, 10])
def test_one_hot_rejects_labels_outside_the_classes(label):
    with pytest.raises(ValueError, match=rf"y must hold labels in 0\.\.9 .*e\.g\. {label}\."):
        one_hot([0, label, 3])


@pytest.mark.parametrize("y", [[0.5, 1.0], ["a", "b"], [True, False]])
def test_one_hot_rejects_labels_that_are_not_integers(y):
    with pytest.raises(ValueError, match="y must hold integer class labels"):
        one_hot(y)


@pytest.mark.parametrize("y, hint", [(np.eye(3), "argmax"), (np.int64(3), "shape \\(\\)")])
def test_one_hot_rejects_y_that_is_not_1d(y, hint):
    with pytest.raises(ValueError, match=f"y must be 1-D.*{hint}"):
        one_hot(y, 3)


@pytest.mark.parametrize("n_classes, error", [(0, ValueError), (2.5, TypeError)])
def test_one_hot_rejects_a_bad_number_of_classes(n_classes, error):
    with pytest.raises(error, match="n_classes"):
        one_hot([0, 1], n_classes)


# ----------------------------------------------------------------------------- train_val_split


def examples(m=50):
    """``X`` ``(m, 2)`` whose first column is the example's index, ``y`` that index * 10."""
    X = np.stack([np.arange(m), np.zeros(m)], axis=1).astype(np.float32)
    return X, np.arange(m) * 10


@pytest.mark.parametrize("val_size, n_val", [(0.2, 10), (7, 7), (np.int64(1), 1)])
def test_split_sizes(val_size, n_val):
    (X_train, y_train), (X_val, y_val) = train_val_split(*examples(50), val_size)
    assert (len(X_train), len(y_train), len(X_val), len(y_val)) == (50 - n_val, 50 - n_val,
                                                                     n_val, n_val)


def test_split_uses_every_example_exactly_once():
    (X_train, _), (X_val, _) = train_val_split(*examples(50), 0.3)
    assert sorted(np.concatenate([X_train[:, 0], X_val[:, 0]]).tolist()) == list(range(50))


def test_split_keeps_examples_and_their_labels_together():
    (X_train, y_train), (X_val, y_val) = train_val_split(*examples(50), 0.3)
    assert np.array_equal(X_train[:, 0] * 10, y_train)
    assert np.array_equal(X_val[:, 0] * 10, y_val)


def test_split_is_views_of_the_last_rows_for_validation():
    X, y = examples(50)
    (X_train, y_train), (X_val, y_val) = train_val_split(X, y, 0.2)
    assert X_val[:, 0].tolist() == list(range(40, 50)) and y_val.tolist() == list(
        range(400, 500, 10))
    assert X_train[:, 0].tolist() == list(range(40))
    assert all(part.base is whole for part, whole in [(X_train, X), (X_val, X),
                                                       (y_train, y), (y_val, y)])


def test_split_of_mnist_copies_nothing(mnist_copy):
    X, y = load_mnist(mnist_copy, download=False)[0]
    peak, ((X_train, _), (X_val, _)) = traced_peak(lambda: train_val_split(X, y, 10_000))
    assert np.shares_memory(X_train, X) and np.shares_memory(X_val, X)
    assert peak < 10_000


def test_split_takes_no_random_generator():
    with pytest.raises(TypeError, match="rng"):
        train_val_split(*examples(), rng=3)


def test_split_rejects_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="same number of examples.*50.*49"):
        train_val_split(np.zeros((50, 2)), np.zeros(49))


@pytest.mark.parametrize("val_size", [0.0, 1.0, 1.5, -0.1, 0, 50, 60, -3, 0.001])
def test_split_rejects_a_val_size_that_leaves_a_part_empty(val_size):
    with pytest.raises(ValueError, match="val_size"):
        train_val_split(*examples(50), val_size)


@pytest.mark.parametrize("val_size", [True, "0.1", None])
def test_split_rejects_a_val_size_that_is_not_a_number(val_size):
    with pytest.raises(TypeError, match="val_size"):
        train_val_split(*examples(50), val_size)


# ----------------------------------------------------------------------------- mini-batches


def test_minibatches_cover_every_example_once_per_epoch():
    batches = list(iterate_minibatches(*examples(23), batch_size=5, rng=0))
    assert [len(X_batch) for X_batch, _ in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([X_batch[:, 0] for X_batch, _ in batches])
    assert sorted(seen.tolist()) == list(range(23))


def test_minibatches_keep_examples_and_their_labels_together():
    for X_batch, y_batch in iterate_minibatches(*examples(23), batch_size=5, rng=0):
        assert np.array_equal(X_batch[:, 0] * 10, y_batch)


def test_minibatches_without_shuffle_keep_the_order():
    seen = [X_batch[:, 0] for X_batch, _ in iterate_minibatches(*examples(10), 4, shuffle=False)]
    assert np.concatenate(seen).tolist() == list(range(10))


def test_minibatches_with_shuffle_change_the_order():
    seen = [X_batch[:, 0] for X_batch, _ in iterate_minibatches(*examples(20), 4, rng=0)]
    assert np.concatenate(seen).tolist() != list(range(20))


def test_minibatches_are_reproducible_with_the_same_seed():
    first = [y for _, y in iterate_minibatches(*examples(23), 5, rng=7)]
    second = [y for _, y in iterate_minibatches(*examples(23), 5, rng=7)]
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))


def test_minibatches_from_one_generator_differ_between_epochs():
    rng = np.random.default_rng(0)
    first = np.concatenate([y for _, y in iterate_minibatches(*examples(23), 5, rng=rng)])
    second = np.concatenate([y for _, y in iterate_minibatches(*examples(23), 5, rng=rng)])
    assert not np.array_equal(first, second)


def test_minibatches_are_gathered_one_batch_at_a_time():
    X = np.zeros((4000, 250), np.float32)  # 4 MB
    peak, sizes = traced_peak(lambda: [len(X_batch) for X_batch, _ in iterate_minibatches(
        X, np.zeros(4000), batch_size=100, rng=0)])
    assert sum(sizes) == 4000
    assert peak < X.nbytes / 10  # a batch is 100 kB; a shuffled copy of X would be 4 MB


def test_minibatches_without_shuffle_are_views():
    X, y = examples(10)
    assert all(np.shares_memory(X_batch, X) for X_batch, _ in iterate_minibatches(
        X, y, 4, shuffle=False))


@pytest.mark.parametrize("batch_size, error", [(0, ValueError), (-4, ValueError),
                                               (2.5, TypeError), (True, TypeError)])
def test_minibatches_reject_a_bad_batch_size_at_the_call(batch_size, error):
    with pytest.raises(error, match="batch_size"):
        iterate_minibatches(*examples(10), batch_size)


def test_minibatches_reject_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match="same number of examples"):
        iterate_minibatches(np.zeros((10, 2)), np.zeros(9), 4)

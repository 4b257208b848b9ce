"""MNIST, the handwritten digits: download, verify, load, and cut into batches (lesson 07).

``load_mnist()`` returns ``(X_train, y_train), (X_test, y_test)``: 60,000 and 10,000 images,
one per row, as ``(m, 784)`` float32 pixels in $[0, 1]$, with int64 labels ``(m,)`` in 0..9.

The four gzipped IDX files are cached in a folder chosen by, in order: the ``data_dir``
argument, the environment variable ``NNLIB_DATA_DIR``, the repository's ``data/`` folder (in a
checkout), else ``~/.cache/nnlib/mnist``. A missing or corrupt file is downloaded from the
first mirror that works (``NNLIB_MNIST_MIRRORS`` replaces the list), into a temporary file
that is renamed into place only once its SHA-256 is right: the cache never holds half a file.

MNIST is held once. The first load decodes each IDX file, one at a time, into a ``.npy`` file
beside it (``train-images-idx3-ubyte.float32.npy``, with ``uint8`` for ``raw=True`` and
``int64`` for the labels), written through a temporary file renamed into place, with a JSON
sidecar recording the SHA-256 of the IDX content it came from, its shape and dtype, and the
SHA-256 of the ``.npy`` itself. Every load memory-maps the verified ``.npy`` files read-only,
so all the kernels a learner has open share one copy of the 219 MB in memory, and a second
call in the same process returns the same arrays. A ``.npy`` that fails its check (damaged,
or decoded from other IDX content) is rebuilt; in a folder that cannot be written to, MNIST is
decoded into memory instead.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, under the Creative
Commons Attribution-Share Alike 3.0 licence.
"""

import contextlib
import hashlib
import http.client
import io
import json
import numbers
import os
import re
import sys
import threading
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np

from ._files import atomic_file
from ._validation import check_positive
from .costs import one_hot  # defined with the costs; lessons import it from here
from .initialization import as_generator

__all__ = [
    "MNISTDownloadError",
    "MNISTFormatError",
    "MNISTNotFoundError",
    "default_data_dir",
    "download_mnist",
    "iterate_minibatches",
    "load_mnist",
    "one_hot",
    "parse_idx",
    "read_idx",
    "train_val_split",
]

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}

# SHA-256 of the *uncompressed* IDX content: the gzip wrapper differs from mirror to mirror.
# Checking it costs about 0.03 s for all four files, so every load verifies them.
SHA256 = {
    "train-images-idx3-ubyte.gz":
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte.gz":
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte.gz":
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte.gz":
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",  # last: it often answers 403 Forbidden
)

IDX_MAGIC = {2049: "labels", 2051: "images"}  # unsigned bytes, 1 and 3 dimensions
IMAGE_SHAPE = (28, 28)
DEFAULT_TIMEOUT = 30  # seconds, on connecting and on each read
_CHUNK = 1 << 16
_GZIP_SIGNATURE = b"\x1f\x8b"


class MNISTDownloadError(OSError):
    """No mirror could deliver a verified copy of an MNIST file.

    ``attempts`` lists ``(url, reason)`` for every URL tried.
    """

    def __init__(self, message, attempts=()):
        super().__init__(message)
        self.attempts = list(attempts)


class MNISTNotFoundError(FileNotFoundError):
    """MNIST files are missing from the cache and downloading was switched off."""


class MNISTFormatError(ValueError):
    """A file is not the MNIST file it claims to be: bad gzip, bad IDX header, wrong checksum."""


# ----------------------------------------------------------------------------- where


def default_data_dir():
    """The MNIST cache folder used when no ``data_dir`` is given, as a ``Path``.

    ``$NNLIB_DATA_DIR`` if set; else the repository's ``data/`` when nnlib runs from a
    checkout (a ``data/`` folder beside ``pyproject.toml``); else ``~/.cache/nnlib/mnist``.
    """
    env = os.environ.get("NNLIB_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parents[1]
    if (repo / "data").is_dir() and (repo / "pyproject.toml").is_file():
        return repo / "data"
    return Path.home() / ".cache" / "nnlib" / "mnist"


def _data_dir(data_dir):
    """``data_dir`` as a ``Path``, or the default folder when it is ``None``."""
    if data_dir is None:
        return default_data_dir()
    if not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            f"data_dir must be a folder path (str or pathlib.Path) or None, "
            f"got {type(data_dir).__name__}."
        )
    return Path(data_dir).expanduser()


def _mirrors(mirrors):
    """Base URLs to try, each ending in ``/``: ``mirrors``, else ``$NNLIB_MNIST_MIRRORS``
    (whitespace- or comma-separated), else the public ``MIRRORS``."""
    if mirrors is None:
        mirrors = os.environ.get("NNLIB_MNIST_MIRRORS", "").strip() or MIRRORS
    if isinstance(mirrors, str):
        mirrors = re.split(r"[\s,]+", mirrors.strip())
    mirrors = [str(base).strip() for base in mirrors if str(base).strip()]
    if not mirrors:
        raise ValueError("mirrors must hold at least one base URL, got an empty list.")
    return [base.rstrip("/") + "/" for base in mirrors]


def _by_hand(folder):
    """How to put the files in place without this downloader (ends every error message)."""
    names = ", ".join(FILES.values())
    return (
        f"To install MNIST by hand, get the four files {names} from any MNIST mirror and put "
        f"them, still gzipped, in {folder} (or in another folder named by the environment "
        f"variable NNLIB_DATA_DIR). NNLIB_MNIST_MIRRORS can list other mirror base URLs, "
        f"e.g. a local file:// folder. See data/README.md in the course repository."
    )


# ----------------------------------------------------------------------------- verify


def parse_idx(content, source="IDX content", expected=None):
    """Decode uncompressed IDX bytes into a ``uint8`` array shaped as the header says.

    An IDX file is a big-endian header, the magic number (2049 for labels: 1 dimension,
    2051 for images: 3 dimensions) then one ``uint32`` size per dimension, followed by
    the values as unsigned bytes. ``expected`` (``"labels"`` or ``"images"``) is the kind
    the caller wants. Raises ``MNISTFormatError`` for a bad magic number or a payload whose
    length does not match the header.
    """
    if len(content) < 4:
        raise MNISTFormatError(f"{source} is too short for an IDX header: {len(content)} bytes.")
    magic = int.from_bytes(content[:4], "big")
    if magic not in IDX_MAGIC or (expected is not None and IDX_MAGIC[magic] != expected):
        wanted = {v: k for k, v in IDX_MAGIC.items()}
        want = (f"{wanted[expected]} ({expected})" if expected else
                "2049 (labels) or 2051 (images)")
        raise MNISTFormatError(
            f"{source} has IDX magic number {magic}, expected {want}: it is not an MNIST "
            f"{expected or 'IDX'} file."
        )
    ndim = content[3]
    header = 4 + 4 * ndim
    if len(content) < header:
        raise MNISTFormatError(
            f"{source} is truncated: its {ndim}-D IDX header needs {header} bytes, "
            f"the file has {len(content)}."
        )
    shape = tuple(int.from_bytes(content[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    expected_size = int(np.prod(shape, dtype=np.int64))
    if len(content) - header != expected_size:
        raise MNISTFormatError(
            f"{source}: the IDX header announces shape {shape}, i.e. {expected_size} bytes of "
            f"data, but the file holds {len(content) - header}; it is truncated or corrupt."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path):
    """Read an IDX file, gzipped or not, into a ``uint8`` array, e.g. ``(n, 28, 28)``.

    Raises ``MNISTFormatError`` for a cut gzip stream or a bad IDX header.
    """
    path = Path(path)
    with open(path, "rb") as file:
        gzipped = file.read(2) == _GZIP_SIGNATURE
    content = _read_gzip(path, str(path)) if gzipped else path.read_bytes()
    return parse_idx(content, source=str(path))


def _read_gzip(path, source):
    """The uncompressed content of the gzip file ``path``, as a ``bytearray``.

    The file is read and inflated a chunk at a time into one growing buffer, so that neither
    the compressed bytes nor a second copy of the content are held beside it. Raises
    ``MNISTFormatError`` if the file is not gzip or is cut short.
    """
    with open(path, "rb") as file:
        start = file.read(8)
        if start[:2] != _GZIP_SIGNATURE:
            raise MNISTFormatError(
                f"{source} is not a gzip file: it starts with {start!r}, not the gzip "
                f"signature."
            )
        file.seek(0)
        content = bytearray()
        inflate = zlib.decompressobj(wbits=31)
        try:
            while chunk := file.read(_CHUNK):
                while chunk:
                    content += inflate.decompress(chunk)
                    chunk = inflate.unused_data if inflate.eof else b""
                    if chunk:  # another gzip member follows
                        inflate = zlib.decompressobj(wbits=31)
        except zlib.error as error:
            raise MNISTFormatError(f"{source} is not a complete gzip file ({error}).") from None
    if not inflate.eof:
        raise MNISTFormatError(
            f"{source} is not a complete gzip file (the stream ends before its end marker)."
        )
    return content


def _verified_content(path, filename):
    """The uncompressed content of ``path``, checked against the SHA-256 of ``filename``.

    Raises ``MNISTFormatError`` for a bad gzip stream or a wrong checksum.
    """
    content = _read_gzip(path, filename)
    digest = hashlib.sha256(content).hexdigest()
    if digest != SHA256[filename]:
        raise MNISTFormatError(
            f"{filename} has the wrong content: SHA-256 of the uncompressed data is "
            f"{digest[:16]}..., expected {SHA256[filename][:16]}...."
        )
    return content


# ----------------------------------------------------------------------------- download


def _describe(error, timeout):
    """One short phrase saying why a download failed."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        if not isinstance(error.reason, Exception):
            return str(error.reason)
        error = error.reason
    if isinstance(error, TimeoutError):
        return f"timed out (no data for {timeout} s)"
    if isinstance(error, MNISTFormatError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _download(url, destination, timeout, progress):
    """Download ``url`` to ``destination``, verified; return its uncompressed content.

    The bytes go to a temporary file in the same folder, renamed over ``destination`` only
    when complete and verified; the temporary file is removed on any failure.
    """
    from tqdm.auto import tqdm

    request = urllib.request.Request(url, headers={"User-Agent": "nnlib (Python urllib)"})
    with atomic_file(destination, "wb") as out, urllib.request.urlopen(request,
                                                                        timeout=timeout) as r:
        length = r.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        received = 0
        with tqdm(total=total, desc=destination.name, unit="B", unit_scale=True,
                  unit_divisor=1024, disable=not progress) as bar:
            while chunk := r.read(_CHUNK):
                out.write(chunk)
                received += len(chunk)
                bar.update(len(chunk))
        if total is not None and received != total:
            raise MNISTFormatError(f"truncated: received {received} of {total} bytes")
        out.flush()
        return _verified_content(out.name, destination.name)


def _fetch(folder, filename, mirrors, timeout, progress):
    """Download ``filename`` into ``folder`` from the first mirror that delivers a verified
    copy; return its uncompressed content. Raises ``MNISTDownloadError`` if none does."""
    folder.mkdir(parents=True, exist_ok=True)
    attempts = []
    for base in mirrors:
        url = base + filename
        try:
            return _download(url, folder / filename, timeout, progress)
        except (OSError, http.client.HTTPException, ValueError) as error:
            attempts.append((url, _describe(error, timeout)))
            if progress and base != mirrors[-1]:
                print(f"{url} failed ({attempts[-1][1]}); trying the next mirror.",
                      file=sys.stderr)
    tried = "\n".join(f"  - {url}: {why}" for url, why in attempts)
    raise MNISTDownloadError(
        f"Could not download {filename} from any mirror. Tried:\n{tried}\n{_by_hand(folder)}",
        attempts=attempts,
    )


def _cached_content(folder, filename, mirrors, timeout, progress):
    """The verified content of ``folder / filename``, downloaded first if missing or corrupt."""
    path = folder / filename
    if path.is_file():
        try:
            return _verified_content(path, filename)
        except MNISTFormatError as error:
            if progress:
                print(f"{path} is corrupt: {error} Downloading a fresh copy.", file=sys.stderr)
    return _fetch(folder, filename, mirrors, timeout, progress)


def download_mnist(data_dir=None, mirrors=None, timeout=DEFAULT_TIMEOUT, progress=True):
    """Fill the cache folder with the four verified MNIST files; return the folder (a Path).

    Files already there and verified are kept; missing or corrupt ones are downloaded.
    mirrors: base URLs to try in turn (default ``$NNLIB_MNIST_MIRRORS``, else ``MIRRORS``).
    timeout: seconds to wait on connecting and on each read.
    Raises ``MNISTDownloadError`` (listing every URL tried and why it failed) when no mirror
    delivers a file.
    """
    folder = _data_dir(data_dir)
    mirrors = _mirrors(mirrors)
    check_positive(timeout, "timeout")
    for filename in FILES.values():
        _cached_content(folder, filename, mirrors, timeout, progress)
    return folder


# ----------------------------------------------------------------------------- load

# What load_mnist has returned, by (folder, raw). The arrays are read-only, so handing the
# same ones out again is safe: a second call costs no time and no memory. The lock keeps two
# threads (a lesson and its dashboard) from decoding the same files at once.
_LOADED = {}
_LOADING = threading.Lock()

DECODED_FORMAT = 1  # the layout of the decoded .npy files and their sidecars
_DECODE_BYTES = 4 << 20  # decode and write this many bytes at a time


def load_mnist(data_dir=None, *, raw=False, download=True, progress=True):
    """Load MNIST as ``(X_train, y_train), (X_test, y_test)``, read-only.

    X_train ``(60000, 784)`` and X_test ``(10000, 784)``: one flattened 28x28 image per row,
    float32 in $[0, 1]$ (pixel / 255), or the raw ``uint8`` pixels 0..255 with ``raw=True``.
    y_train ``(60000,)``, y_test ``(10000,)``: int64 labels 0..9.

    The arrays cannot be written to (``X_train[0] = 0`` raises ``ValueError``; compute a new
    array, e.g. ``X_train - mean``, or take a ``.copy()``). A second call with the same folder
    returns the very same arrays. They are memory-mapped from ``.npy`` files decoded once next
    to the IDX files (see the module docstring), so every Python process that loads MNIST from
    the same folder shares one copy in memory; in a folder that cannot be written to they are
    decoded into memory instead.

    data_dir: cache folder (default ``default_data_dir()``). Missing or corrupt files are
    downloaded (with a progress bar unless ``progress=False``) unless ``download=False``.
    Raises ``MNISTNotFoundError`` (a ``FileNotFoundError``) for missing files with
    ``download=False``, ``MNISTDownloadError`` when no mirror works, ``MNISTFormatError``
    for a corrupt file with ``download=False``.
    """
    folder = _data_dir(data_dir)
    key = (str(folder.resolve()), bool(raw))
    with _LOADING:
        if key not in _LOADED:
            _LOADED[key] = _load(folder, bool(raw), download, progress)
        return _LOADED[key]


def _load(folder, raw, download, progress):
    """Both splits, each file taken from its decoded ``.npy`` or else decoded from its IDX file."""
    mirrors = _mirrors(None) if download else None
    dtypes = {key: _dtype(key, raw) for key in FILES}
    if not download:
        _check_present(folder, dtypes)
    arrays = {key: _array(folder, key, dtypes[key], mirrors, progress) for key in FILES}
    return _split(arrays, "train"), _split(arrays, "test")


def _dtype(key, raw):
    """The dtype load_mnist returns for the file ``FILES[key]``."""
    if key.endswith("labels"):
        return np.dtype(np.int64)
    return np.dtype(np.uint8 if raw else np.float32)


def _split(arrays, split):
    """The ``(images, labels)`` of one split, checked to hold as many images as labels."""
    images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
    if images.shape[0] != labels.shape[0]:
        raise MNISTFormatError(
            f"the {split} set has {images.shape[0]} images ({FILES[f'{split}_images']}) but "
            f"{labels.shape[0]} labels ({FILES[f'{split}_labels']}); the files do not belong "
            f"together."
        )
    return images, labels


def _check_present(folder, dtypes):
    """Raise ``MNISTNotFoundError`` naming every file that has neither its IDX file nor a
    decoded ``.npy`` in ``folder``."""
    missing = [name for key, name in FILES.items()
               if not (folder / name).is_file()
               and not _decoded_path(folder, name, dtypes[key]).is_file()]
    if missing:
        raise MNISTNotFoundError(
            f"MNIST is not in {folder}: missing {', '.join(missing)}. Run "
            f"`python -m nnlib download` (or load_mnist(download=True)) to fetch it. "
            f"{_by_hand(folder)}"
        )


def _array(folder, key, dtype, mirrors, progress):
    """The read-only array of ``FILES[key]``: its verified decoded ``.npy`` memory-mapped, or
    else decoded from the IDX file (downloaded first when ``mirrors`` is given and the file is
    missing or corrupt) and written as that ``.npy``."""
    filename = FILES[key]
    path = _decoded_path(folder, filename, dtype)
    array = _open_decoded(path, filename, dtype)
    if array is None:
        kind = "images" if key.endswith("images") else "labels"
        idx = parse_idx(_content(folder, filename, mirrors, progress), filename, expected=kind)
        array = _decode(idx, filename, dtype, path)
    return array


def _content(folder, filename, mirrors, progress):
    """The verified uncompressed content of ``folder / filename``; downloaded if missing or
    corrupt when ``mirrors`` is given, else ``MNISTNotFoundError`` / ``MNISTFormatError``."""
    if mirrors is not None:
        return _cached_content(folder, filename, mirrors, DEFAULT_TIMEOUT, progress)
    path = folder / filename
    if not path.is_file():
        raise MNISTNotFoundError(
            f"MNIST is not in {folder}: missing {filename}. Run `python -m nnlib download` "
            f"(or load_mnist(download=True)) to fetch it. {_by_hand(folder)}"
        )
    try:
        return _verified_content(path, filename)
    except MNISTFormatError as error:
        raise MNISTFormatError(
            f"{path} is corrupt: {error} Delete it and run `python -m nnlib download`, or "
            f"call load_mnist(download=True)."
        ) from None


# ----------------------------------------------------------------------------- decoded cache


def _decoded_path(folder, filename, dtype):
    """Where the decoded ``.npy`` of the IDX file ``filename`` lives, e.g.
    ``folder / "train-images-idx3-ubyte.float32.npy"``; its sidecar is the same name with
    ``.json``."""
    stem = filename.removesuffix(".gz")
    return Path(folder) / f"{stem}.{np.dtype(dtype).name}.npy"


def _decode_block(block, dtype, out=None):
    """IDX values ``uint8`` as ``dtype`` (into ``out`` if given): pixels as float32 in
    $[0, 1]$ ($x / 255$), anything else as it is."""
    if out is None:
        out = np.empty(block.shape, dtype)
    if dtype == np.float32:
        return np.divide(block, np.float32(255), out=out, dtype=np.float32)
    out[...] = block
    return out


def _decode(idx, filename, dtype, path):
    """Decode the IDX array ``idx`` (images ``(n, 28, 28)`` become rows ``(n, 784)``) to a
    read-only ``dtype`` array: written to ``path`` and memory-mapped, or decoded in memory
    when ``path`` cannot be written."""
    if idx.ndim == 3:
        if idx.shape[1:] != IMAGE_SHAPE:
            raise MNISTFormatError(
                f"{filename} holds images of {idx.shape[1]}x{idx.shape[2]} pixels, "
                f"MNIST images are {IMAGE_SHAPE[0]}x{IMAGE_SHAPE[1]}."
            )
        idx = idx.reshape(idx.shape[0], -1)
    try:
        return _write_decoded(idx, filename, dtype, path)
    except OSError:  # a read-only folder, a full disk: keep the data in memory instead
        array = _decode_block(idx, dtype)
        array.flags.writeable = False
        return array


def _write_decoded(idx, filename, dtype, path):
    """Decode ``idx`` block by block into a new ``.npy`` at ``path`` (atomically: a temporary
    file renamed into place), then its sidecar; return the file memory-mapped read-only.

    The sidecar records the SHA-256 of the IDX content the file came from, its shape and
    dtype, and the SHA-256 of the ``.npy`` file itself, which ``_open_decoded`` checks.
    """
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {
        "descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
        "shape": idx.shape})
    header = header.getvalue()
    digest = hashlib.sha256(header)
    rows = max(1, _DECODE_BYTES // max(1, dtype.itemsize * int(np.prod(idx.shape[1:]))))
    buffer = np.empty((min(rows, idx.shape[0]), *idx.shape[1:]), dtype)
    with atomic_file(path, "wb") as out:
        out.write(header)
        for start in range(0, idx.shape[0], rows):
            block = idx[start:start + rows]
            block = _decode_block(block, dtype, out=buffer[:len(block)])
            digest.update(block)
            out.write(block)
        written = os.fstat(out.fileno()).st_ino
    sidecar = {"format": DECODED_FORMAT, "source": filename,
               "source_sha256": SHA256[filename], "shape": list(idx.shape),
               "dtype": dtype.name, "sha256": digest.hexdigest()}
    with contextlib.suppress(OSError):  # without its sidecar the file is rebuilt next time
        with atomic_file(path.with_suffix(".json"), "w", encoding="utf-8") as out:
            out.write(json.dumps(sidecar, indent=1) + "\n")
    with open(path, "rb") as file:
        if os.fstat(file.fileno()).st_ino == written:
            return _map(file, dtype, idx.shape, len(header))
    # Another process has just put its own copy in place: map it only once verified.
    array = _open_decoded(path, filename, dtype)
    if array is None:
        raise OSError(f"{path} was replaced while it was being written")
    return array


def _map(file, dtype, shape, offset):
    """The array stored at ``offset`` in the open ``file``, memory-mapped read-only, as a
    plain ``ndarray`` (writing into it raises ``ValueError``)."""
    return np.memmap(file, dtype=dtype, mode="r", shape=shape, offset=offset).view(np.ndarray)


def _sha256_of(file):
    """The SHA-256 (hex) of what remains to be read in the open binary ``file``, read a MB at
    a time (a file read this way is cached by the system, not held by this process)."""
    digest, buffer = hashlib.sha256(), bytearray(1 << 20)
    view = memoryview(buffer)
    while size := file.readinto(buffer):
        digest.update(view[:size])
    return digest.hexdigest()


def _open_decoded(path, filename, dtype):
    """The decoded ``.npy`` at ``path``, memory-mapped read-only, if it is verified: its
    sidecar names the expected IDX content (``SHA256[filename]``), dtype and format, the
    ``.npy`` header agrees with it, and the file's SHA-256 is the one recorded. Else ``None``
    (missing, stale, tampered with or unreadable: the caller rebuilds it)."""
    try:
        meta = json.loads(path.with_suffix(".json").read_text())
        if not (isinstance(meta, dict) and meta.get("format") == DECODED_FORMAT
                and meta.get("source_sha256") == SHA256[filename]
                and meta.get("dtype") == dtype.name):
            return None
        with open(path, "rb") as file:
            if np.lib.format.read_magic(file) != (1, 0):
                return None
            shape, fortran_order, stored = np.lib.format.read_array_header_1_0(file)
            offset = file.tell()
            if stored != dtype or fortran_order or list(shape) != meta.get("shape"):
                return None
            file.seek(0)
            if _sha256_of(file) != meta.get("sha256"):
                return None
            return _map(file, dtype, shape, offset)
    except (OSError, ValueError, TypeError):
        return None


# ----------------------------------------------------------------------------- batches


def _check_pair(X, y):
    """``X`` and ``y`` as arrays with the same number of rows (examples)."""
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"X and y must be arrays with one row per example, got shapes {X.shape} and "
            f"{y.shape}."
        )
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y must hold the same number of examples (rows), got X with {X.shape[0]} "
            f"(shape {X.shape}) and y with {y.shape[0]} (shape {y.shape})."
        )
    return X, y


def train_val_split(X, y, val_size=0.1):
    """Split ``X`` ``(m, ...)`` and ``y`` ``(m, ...)`` into training and validation sets:
    ``((X_train, y_train), (X_val, y_val))``, without copying anything.

    The split is contiguous: the validation set is the last ``n_val`` rows and the training
    set the ``m - n_val`` rows before them, all four views of ``X`` and ``y``
    (``X_val = X[m - n_val:]``). MNIST's training images come in no particular order; rows
    in a meaningful order (sorted by class, or by time) should be shuffled first, e.g.
    ``order = rng.permutation(m)`` then ``X[order], y[order]`` (which copies them).

    val_size: a fraction in (0, 1) of the examples (``n_val = round(val_size * m)``), or an
    int count in 1..m-1.
    Raises ``ValueError`` when X and y differ in length or val_size leaves either part empty,
    ``TypeError`` when val_size is not a number.
    """
    X, y = _check_pair(X, y)
    m = X.shape[0]
    if isinstance(val_size, numbers.Integral) and not isinstance(val_size, bool):
        n_val = int(val_size)
    elif isinstance(val_size, numbers.Real) and not isinstance(val_size, bool):
        if not 0 < val_size < 1:
            raise ValueError(
                f"val_size must be a fraction strictly between 0 and 1 or an int count, "
                f"got {val_size!r}; for a count of examples pass an int."
            )
        n_val = int(round(val_size * m))
    else:
        raise TypeError(
            f"val_size must be a fraction in (0, 1) or an int count, got {val_size!r} "
            f"({type(val_size).__name__})."
        )
    if not 0 < n_val < m:
        raise ValueError(
            f"val_size={val_size!r} gives {n_val} validation examples out of {m}; both parts "
            f"need at least one, so the count must lie in 1..{m - 1}."
        )
    split = m - n_val
    return (X[:split], y[:split]), (X[split:], y[split:])


def iterate_minibatches(X, y, batch_size, shuffle=True, rng=None):
    """Iterate once over ``X`` ``(m, ...)`` and ``y`` ``(m, ...)`` in mini-batches.

    Yields ``(X_batch, y_batch)`` of ``batch_size`` rows each (the last one may be smaller);
    every example appears exactly once. shuffle: a new random order (from ``rng``, an int seed
    or a Generator) on each call, each batch gathered on its own with ``X[rows]`` (never a
    shuffled copy of the whole of ``X``); ``False`` keeps the order of ``X`` and yields views.
    Raises ``ValueError`` or ``TypeError`` (at the call, not at the first batch) for
    ``batch_size`` that is not a positive int or X and y of different lengths.
    """
    X, y = _check_pair(X, y)
    check_positive(batch_size, "batch_size", integer=True)
    order = as_generator(rng).permutation(X.shape[0]) if shuffle else None
    return _batches(X, y, int(batch_size), order)


def _batches(X, y, batch_size, order):
    for start in range(0, X.shape[0], batch_size):
        if order is None:
            yield X[start:start + batch_size], y[start:start + batch_size]
        else:
            rows = order[start:start + batch_size]
            yield X[rows], y[rows]

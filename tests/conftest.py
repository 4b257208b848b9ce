"""Shared fixtures: a local HTTP server playing an MNIST mirror, and a verified MNIST cache.

The server runs on 127.0.0.1 (port 0: any free port) and serves the real MNIST files from
``$NNLIB_SHARED_MNIST``, else ``../shared/mnist`` beside the repository. The download code under
test is the real one (urllib over a socket); nothing in the HTTP layer is mocked. On a machine
without those files (a learner's), tests that need real MNIST are skipped.

Fixtures for other test files:

- ``mnist_data_dir`` (session): a folder filled with the four verified MNIST files by
  ``download_mnist`` from the local server. Read from it; copy it before changing anything.
  ``load_mnist`` from it adds its decoded ``.npy`` files beside them (see nnlib.data).
- ``mnist_server`` (session): the base URL of a local mirror, e.g. for ``NNLIB_MNIST_MIRRORS``.
- ``mnist_mirror``: a fresh ``MirrorServer`` per test, whose URL modes misbehave on purpose.
- ``blobs`` and ``random_data``: small data sets for training tests (test_model, test_training).
"""

import gzip
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from nnlib.data import FILES, download_mnist
from nnlib.toy_data import make_blobs

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_mnist_dir():
    """The folder of real MNIST files for tests: ``$NNLIB_SHARED_MNIST`` or ``../shared/mnist``."""
    env = os.environ.get("NNLIB_SHARED_MNIST", "").strip()
    return Path(env) if env else REPO_ROOT.parent / "shared" / "mnist"


class MirrorHandler(BaseHTTPRequestHandler):
    """Answers ``GET /<mode>/<file name>``; the mode says how to behave:

    ``mnist`` the real file; ``truncated`` half of it under the full Content-Length; ``cut``
    half of it without a Content-Length; ``garbage`` bytes that are not gzip; ``wrong`` a valid
    gzip of the real content with one byte changed; ``stall`` the headers and two bytes, then
    silence for ``stall_seconds`` (or until released) before the rest; ``mute`` the same
    silence before answering at all; anything else 404. A client whose timeout is shorter
    than the silence gives up; one that ignores its timeout gets the whole file.
    """

    def do_GET(self):
        server = self.server
        mode, _, name = self.path.lstrip("/").partition("/")
        with server.lock:
            server.requests.append(self.path)
            server.active += 1
        try:
            getattr(self, f"_{mode}", self._not_found)(name)
        except ConnectionError:
            pass  # the client hung up, e.g. after its timeout
        finally:
            with server.lock:
                server.active -= 1

    def _real_file(self, name):
        path = self.server.root / name
        return path.read_bytes() if name in FILES.values() and path.is_file() else None

    def _send(self, body, length=None):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def _not_found(self, name):
        self.send_error(404)

    def _mnist(self, name):
        body = self._real_file(name)
        if body is None:
            return self._not_found(name)
        self._send(body, len(body))

    def _truncated(self, name):
        body = self._real_file(name) or b""
        self._send(body[: len(body) // 2], len(body))
        self.close_connection = True

    def _cut(self, name):
        body = self._real_file(name) or b""
        self._send(body[: len(body) // 2])
        self.close_connection = True

    def _garbage(self, name):
        self._send(b"<html>this is not a gzip file</html>\n" * 50)

    def _wrong(self, name):
        content = bytearray(gzip.decompress(self._real_file(name)))
        content[-1] ^= 0xFF
        body = gzip.compress(bytes(content), compresslevel=1)
        self._send(body, len(body))

    def _stall(self, name):
        body = self._real_file(name) or b""
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:2])
        self.wfile.flush()
        self.server.release.wait(self.server.stall_seconds)
        self.wfile.write(body[2:])

    def _mute(self, name):
        self.server.release.wait(self.server.stall_seconds)
        self._mnist(name)

    def log_message(self, format, *args):
        pass


class MirrorServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 serving ``root`` through ``MirrorHandler``.

    ``stop()`` releases stalled handlers, then joins every handler thread (``active`` is 0
    after it); ``requests`` lists the paths asked for.
    """

    daemon_threads = False  # so that server_close() joins every handler thread

    def __init__(self, root):
        super().__init__(("127.0.0.1", 0), MirrorHandler)
        self.root = Path(root)
        self.release = threading.Event()
        self.stall_seconds = 3.0
        self.lock = threading.Lock()
        self.active = 0
        self.requests = []
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def url(self, mode="mnist"):
        """The base URL of a mirror that behaves as ``mode`` (see ``MirrorHandler``)."""
        return f"http://127.0.0.1:{self.server_port}/{mode}/"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join()

    def handle_error(self, request, client_address):
        pass  # clients that hang up mid-answer are part of the tests


@pytest.fixture(scope="session", autouse=True)
def _no_proxy_for_localhost():
    """Keep urllib from sending requests for 127.0.0.1 to an HTTP proxy set in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for var in ("no_proxy", "NO_PROXY"):
            hosts = [os.environ.get(var, ""), "127.0.0.1", "localhost"]
            patch.setenv(var, ",".join(host for host in hosts if host))
        yield


@pytest.fixture(scope="session")
def shared_mnist():
    """The folder holding the four real MNIST files; skips the test if they are absent."""
    folder = shared_mnist_dir()
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        pytest.skip(f"real MNIST test files not found in {folder} (missing {', '.join(missing)}); "
                    f"set NNLIB_SHARED_MNIST to a folder holding them to run this test.")
    return folder


@pytest.fixture(scope="session")
def mnist_server(shared_mnist):
    """Base URL of a local mirror serving the real MNIST files."""
    server = MirrorServer(shared_mnist).start()
    yield server.url("mnist")
    server.stop()


@pytest.fixture(scope="session")
def mnist_data_dir(tmp_path_factory, mnist_server):
    """A folder holding the four verified MNIST files, downloaded from the local mirror."""
    folder = tmp_path_factory.mktemp("mnist-cache")
    download_mnist(folder, mirrors=[mnist_server], progress=False)
    yield folder


@pytest.fixture
def mnist_mirror():
    """A fresh local mirror (see ``MirrorServer``) whose URL modes misbehave on purpose."""
    server = MirrorServer(shared_mnist_dir()).start()
    yield server
    server.stop()


# ----------------------------------------------------------------------------- small data sets

@pytest.fixture
def blobs():
    """Three well separated Gaussian clouds in 2-D: (X, y), 300 examples."""
    return make_blobs(300, centers=3, std=0.5, rng=0)


@pytest.fixture
def random_data():
    """Noise: 64 examples of 8 features with random labels of 3 classes."""
    rng = np.random.default_rng(1)
    return rng.standard_normal((64, 8)).astype(np.float32), rng.integers(0, 3, 64)

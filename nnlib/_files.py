"""Writing a file so that nothing is lost: the one way nnlib replaces a file.

>>> with atomic_file(path, "wb") as file:
...     np.savez(file, **arrays)

The content goes to a temporary file in the same folder, which is renamed over ``path`` only
when the ``with`` block has finished without an error; on any error (a full disk, Ctrl-C, an
exception in the block) the temporary file is removed and the old file at ``path``, if any, is
left as it was. A reader never sees half a file.
"""

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_file(path, mode="wb", *, durable=False, **open_options):
    """Open a temporary file beside ``path`` for writing; rename it to ``path`` on success.

    mode: ``"wb"`` or ``"w"`` (then ``open_options`` such as ``encoding``, ``newline``).
    durable: also flush the file and its folder entry to disk before returning, so that the
    new file survives a power cut (for files a learner cannot make again, such as a model).
    The new file keeps the permission bits of the file it replaces, else gets ``0o644``. The
    open file's ``name`` is the temporary path, for reading back what was written before the
    rename (e.g. to verify it).
    """
    path = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".part")
    os.close(descriptor)
    try:
        with open(temporary, mode, **open_options) as file:
            yield file
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    if durable:
        _sync_folder(path.parent)


def _sync_folder(folder):
    """Flush the folder entry of a renamed file to disk, where the system allows it."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

"""How many threads the BLAS library (matrix products) should use while training.

NumPy hands every ``A @ W`` to a BLAS library (OpenBLAS in NumPy's wheels), which starts one
thread per core of the machine. Three measurements (``benchmarks/README.md``, 2-core machine,
an epoch of MNIST with batch size 128) make that a poor default:

- a container may be allowed fewer CPUs than the machine has (a CPU affinity mask, or a cgroup
  CPU quota such as ``docker run --cpus=2``); more threads than CPUs only fight each other;
- on an idle machine a second thread helps little for small layers (784-128-10: 0.52 s ->
  0.44 s) and more for wider ones (784-256-10: 0.99 s -> 0.71 s; 784-512-256-10: 2.52 s ->
  2.00 s);
- when other programs keep the CPUs busy, a second BLAS thread mostly waits for its turn
  (5-10x *slower* than one thread at a load average of 2 to 9 on 2 cores): if that is your
  situation, set ``NNLIB_NUM_THREADS=1``.

So :func:`default_num_threads` takes the CPUs the process may really use
(:func:`available_cpus`) and gives one thread per :data:`MIN_WIDTH_PER_THREAD` units of the
widest hidden layer (1 for 784-128-10, 2 for 784-256-10). The rule deliberately ignores how
busy the machine is: matrix products with 1 and 2 threads round differently, and a count
that followed the load would make the same seed give different numbers from run to run.
``NNLIB_NUM_THREADS`` or an explicit ``threads=`` argument (``fit(threads=...)``,
``python -m nnlib train --threads``) fixes the count instead; :func:`blas_threads` applies a
count with threadpoolctl.

The BLAS setting belongs to the whole process, not to a thread. If two threads each changed it
and put it back, the one that finished first would restore a value the other had set, and the
process could be left at 1 thread for good. So only the main thread changes it: a fit running
in a background thread (such as the training dashboard's) uses whatever the process has.
"""

import math
import os
import threading
from contextlib import contextmanager
from pathlib import Path

from ._validation import check_positive

ENV_VAR = "NNLIB_NUM_THREADS"

# Layers of 128 units gain least from a second thread and suffer most when the CPUs are busy.
MIN_WIDTH_PER_THREAD = 128


def parse_cpu_max(text):
    """CPUs allowed by a cgroup v2 ``cpu.max`` file (``"max 100000"`` or ``"150000 100000"``).

    Returns the quota divided by the period (e.g. 1.5), or ``None`` for no limit.
    Raises ``ValueError`` if the text is not in that format.
    """
    fields = text.split()
    if len(fields) != 2:
        raise ValueError(f"cpu.max should hold '<quota|max> <period>', got {text!r}.")
    quota, period = fields
    if quota == "max":
        return None
    return int(quota) / int(period)


def parse_cfs_quota(quota_text, period_text):
    """CPUs allowed by cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``.

    A quota of ``-1`` means no limit (returns ``None``); otherwise quota / period.
    """
    quota, period = int(quota_text.strip()), int(period_text.strip())
    if quota <= 0 or period <= 0:
        return None
    return quota / period


def cgroup_cpu_limit(root="/sys/fs/cgroup"):
    """The CPU quota of this container's cgroup as a number of CPUs, or ``None`` if unlimited
    or unknown. Reads cgroup v2 (``<root>/cpu.max``) or v1
    (``<root>/cpu/cpu.cfs_quota_us`` and ``cpu.cfs_period_us``, or under ``cpu,cpuacct/``)."""
    root = Path(root)
    try:
        if (root / "cpu.max").is_file():
            return parse_cpu_max((root / "cpu.max").read_text())
        for folder in (root / "cpu", root / "cpu,cpuacct"):
            quota = folder / "cpu.cfs_quota_us"
            if quota.is_file():
                return parse_cfs_quota(quota.read_text(),
                                       (folder / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return None


def available_cpus(cgroup_root="/sys/fs/cgroup"):
    """The number of CPUs this process may use: its CPU affinity mask, capped by the cgroup
    CPU quota (rounded up, at least 1)."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity masks
        n = os.cpu_count() or 1
    limit = cgroup_cpu_limit(cgroup_root)
    if limit is not None:
        n = min(n, max(1, math.ceil(limit)))
    return max(1, n)


def default_num_threads(layer_sizes=None, cpus=None):
    """The BLAS thread count nnlib uses unless told otherwise.

    ``NNLIB_NUM_THREADS`` if set; otherwise one thread per :data:`MIN_WIDTH_PER_THREAD` units
    of the widest hidden layer of ``layer_sizes`` ``(n_0, ..., n_L)`` (at least 1, and 1 for a
    network without hidden layers), at most ``cpus`` (default :func:`available_cpus`).
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return check_num_threads(env, ENV_VAR)
    cpus = available_cpus() if cpus is None else cpus
    hidden = list(layer_sizes)[1:-1] if layer_sizes is not None else [cpus * MIN_WIDTH_PER_THREAD]
    wanted = max(hidden) // MIN_WIDTH_PER_THREAD if hidden else 1
    return max(1, min(wanted, cpus))


def check_num_threads(threads, name="threads"):
    """A positive int from ``threads`` (an int, or a string such as the environment's)."""
    if isinstance(threads, str):
        try:
            threads = int(threads)
        except ValueError:
            raise ValueError(f"{name} must be a positive integer, got {threads!r}.") from None
    return check_positive(threads, name, integer=True)


@contextmanager
def blas_threads(n):
    """Limit the BLAS library to ``n`` threads inside a ``with`` block (via threadpoolctl),
    restoring the previous setting at its end; yields ``n``.

    Only in the main thread: from any other thread the block changes nothing and yields
    ``None``, so that threads never restore each other's settings out of order.
    """
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=n, user_api="blas"):
        yield n

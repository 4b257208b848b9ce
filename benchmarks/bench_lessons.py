"""How long each lesson takes to run top to bottom, against the course's time budgets.

Each lesson (every ``notebooks/[0-9][0-9]_*.ipynb``, or the ones named) runs in a fresh kernel
through nbclient, the way ``tools/execute_notebooks.py`` runs it; the notebooks on disk are not
changed. The wall time of each run is compared with its budget: at most 3 minutes for lesson
10 (it trains a ConvNet), at most 60 s for every other lesson, at most 7 minutes in all. The
kernel's CPU time (user + system, read in the kernel at the end) is printed too: on a busy
machine the wall time says little, the CPU time still says what a quiet 2-core machine needs.

Usage:
    .venv/bin/python benchmarks/bench_lessons.py                      # every lesson
    .venv/bin/python benchmarks/bench_lessons.py notebooks/10_*.ipynb

Prints a Markdown table; exits 1 if a budget is exceeded.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "python3"
TIMEOUT = 600
BUDGETS = {10: 180.0}  # seconds; every other lesson DEFAULT_BUDGET
DEFAULT_BUDGET = 60.0
TOTAL_BUDGET = 420.0
MARKER = "__nnlib_bench_cpu__"
MEASURE = (f"import os as _os\n_t = _os.times()\n"
           f"print('{MARKER}', _t.user + _t.system + _t.children_user + _t.children_system)\n"
           "del _os, _t")


def run(path):
    """``(wall seconds, kernel CPU seconds)`` of one lesson run top to bottom."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MEASURE))
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ["NNLIB_PROGRESS"] = "0"
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=True,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    cpu = float(text.split(MARKER, 1)[1].split()[0]) if MARKER in text else float("nan")
    return wall, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| lesson | wall time | kernel CPU time | budget | within? |")
    print("|---|---:|---:|---:|---|")
    over, total = False, 0.0
    for path in paths:
        wall, cpu = run(path)
        budget = BUDGETS.get(int(path.name[:2]), DEFAULT_BUDGET)
        total += wall
        over |= wall > budget
        print(f"| {path.stem} | {wall:.1f} s | {cpu:.1f} s | {budget:.0f} s | "
              f"{'yes' if wall <= budget else '**no**'} |", flush=True)
    within = total <= TOTAL_BUDGET
    print(f"| all | {total:.1f} s | | {TOTAL_BUDGET:.0f} s | {'yes' if within else '**no**'} |")
    return 0 if within and not over else 1


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of each lesson's kernel, and of a dashboard Train run on MNIST.

Each lesson (every ``notebooks/[0-9][0-9]_*.ipynb``, or the ones named) runs top to bottom in
a fresh kernel through nbclient, the way ``tools/execute_notebooks.py`` runs it, with a
measuring cell after every code cell. The measuring cell prints the kernel process's peak
resident set so far and its current resident set, split into anonymous memory (the kernel's
own arrays) and file-backed pages (libraries and the memory-mapped MNIST, which every kernel
shares). The lesson's peak is the last measurement's; the cells after which the peak grew
most are the ones that cost the memory. The notebooks on disk are not changed.

The peak is ``VmHWM`` from ``/proc/self/status``: the high-water mark of the kernel's own
memory. ``resource.getrusage(RUSAGE_SELF).ru_maxrss``, also printed, is at least the resident
set of the process that launched the kernel (Linux carries it across ``fork`` and ``exec``), so
it overstates a kernel started by a large process.

The dashboard run starts a fresh kernel, loads MNIST and reads every pixel (so the kernel
holds the data set, as after a lesson), then presses Train on ``training_dashboard("mnist")``
with its default settings and waits for the run to end.

Usage:
    .venv/bin/python benchmarks/bench_memory.py                       # every lesson + dashboard
    .venv/bin/python benchmarks/bench_memory.py notebooks/07_*.ipynb --no-dashboard

Prints a Markdown table (MB = 10^6 bytes) and, for every lesson over the budget, its
costliest cells.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "python3"
TIMEOUT = 600  # seconds per cell, as tools/execute_notebooks.py
BUDGET_MB = 600
MARKER = "__nnlib_bench_memory__"

MEASURE = f"""\
def _bench_memory():
    import json, resource
    fields = {{}}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0]) * 1024
    fields["peak"] = fields["VmHWM"]
    fields["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print("{MARKER}", json.dumps(fields))
_bench_memory()
del _bench_memory"""

DASHBOARD = """\
from nnlib.data import load_mnist
from nnlib.widgets import training_dashboard

(X_train, y_train), (X_test, y_test) = load_mnist(progress=False)
pixels = float(X_train.sum()) + float(X_test.sum())  # read every pixel: MNIST is resident
dashboard = training_dashboard("mnist")"""

DASHBOARD_TRAIN = """\
import time
start = time.perf_counter()
dashboard.train_button.click()
dashboard.wait()
print(f"trained {len(dashboard.history['loss'])} epochs in {time.perf_counter() - start:.0f} s,"
      f" test accuracy {dashboard.test_accuracy:.4f}")"""


def instrumented(nb):
    """A copy of ``nb`` with a measuring cell after every code cell; returns it and, for each
    measuring cell, the index of the lesson cell it follows (-1: the kernel at start)."""
    copy = nbformat.v4.new_notebook(metadata=nb.metadata)
    follows = []

    def measure(after):
        copy.cells.append(nbformat.v4.new_code_cell(MEASURE))
        follows.append(after)

    measure(-1)
    for index, cell in enumerate(nb.cells):
        copy.cells.append(cell)
        if cell.cell_type == "code":
            measure(index)
    return copy, follows


def run(nb, cwd):
    """Execute ``nb`` in a fresh kernel (in place); returns the seconds it took."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ["NNLIB_PROGRESS"] = "0"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def measurements(nb):
    """The memory figures printed by the measuring cells, in order (``None`` where a cell
    printed none)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.source != MEASURE:
            continue
        text = "".join(out.get("text", "") for out in cell.outputs if out.get("name") == "stdout")
        lines = [line for line in text.splitlines() if line.startswith(MARKER)]
        found.append(json.loads(lines[-1][len(MARKER):]) if lines else None)
    return found


def errors(nb):
    """Errors raised by cells not tagged to raise, as short strings."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "raises-exception" not in cell.metadata.get("tags", []):
            found += [f"{out.ename}: {out.evalue}"[:120] for out in cell.outputs
                      if out.output_type == "error"]
    return found


def megabytes(n_bytes):
    return n_bytes / 1e6


def first_line(source):
    line = next((line for line in source.splitlines() if line.strip()), "")
    return line.strip()[:60]


def measure_lesson(path):
    """Run the lesson at ``path``; returns a dict of its figures."""
    nb = nbformat.read(path, as_version=4)
    copy, follows = instrumented(nb)
    seconds = run(copy, path.parent)
    found = measurements(copy)
    steps = []  # (peak growth, lesson cell index, RSS after it)
    previous = None
    for after, figures in zip(follows, found, strict=True):
        if figures is None:
            continue
        if previous is not None:
            steps.append((figures["peak"] - previous["peak"], after, figures["VmRSS"]))
        previous = figures
    start = next((figures for figures in found if figures is not None), None)
    end = previous
    return {
        "name": path.stem, "seconds": seconds, "errors": errors(copy),
        "start": start, "end": end,
        "steps": sorted(steps, reverse=True),
        "sources": {index: first_line(cell.source) for index, cell in enumerate(nb.cells)},
    }


def measure_dashboard():
    """A dashboard Train run (default settings) in a kernel that already holds MNIST."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)
                for source in (MEASURE, DASHBOARD, MEASURE, DASHBOARD_TRAIN, MEASURE)]
    seconds = run(nb, ROOT / "notebooks")
    start, loaded, end = measurements(nb)
    trained = "".join(out.get("text", "") for out in nb.cells[3].outputs
                      if out.get("name") == "stdout").strip()
    return {"name": "dashboard Train (MNIST, defaults)", "seconds": seconds,
            "errors": errors(nb), "start": start, "loaded": loaded, "end": end,
            "note": trained}


def table(results, budget):
    lines = [f"| run | peak RSS | over {budget:.0f} MB? | ru_maxrss | RSS at the end: "
             f"anonymous / file-backed | time | cells that raised the peak most |",
             "|---|---:|---|---:|---:|---:|---|"]
    for result in results:
        end = result["end"]
        if end is None:
            lines.append(f"| {result['name']} | (no measurement) | | | | "
                         f"{'; '.join(result['errors'])} |")
            continue
        peak = megabytes(end["peak"])
        over = "**over**" if peak > budget else "no"
        if "steps" in result:
            top = [f"cell {index} +{megabytes(growth):.0f} MB" for growth, index, _ in
                   result["steps"][:3] if growth > 10e6]
            detail = ", ".join(top)
        else:
            loaded = result["loaded"]
            detail = (f"MNIST loaded and read: peak {megabytes(loaded['peak']):.0f} MB; "
                      f"{result['note']}")
        if result["errors"]:
            detail += f" ERRORS: {'; '.join(result['errors'])}"
        lines.append(
            f"| {result['name']} | {peak:.0f} MB | {over} | "
            f"{megabytes(end['ru_maxrss']):.0f} MB | {megabytes(end['RssAnon']):.0f} / "
            f"{megabytes(end['RssFile']):.0f} MB | "
            f"{result['seconds']:.0f} s | {detail} |")
    return "\n".join(lines)


def costly_cells(result, count=5):
    """The cells of an over-budget lesson after which the peak grew most, as Markdown lines."""
    lines = [f"\n{result['name']}: peak {megabytes(result['end']['peak']):.0f} MB, "
             f"{megabytes(result['start']['peak']):.0f} MB at the start of the kernel."]
    for growth, index, rss in result["steps"][:count]:
        lines.append(f"- cell {index} `{result['sources'][index]}`: peak "
                     f"+{megabytes(growth):.0f} MB (RSS after it {megabytes(rss):.0f} MB)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="lessons to measure (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--no-dashboard", action="store_true",
                        help="skip the dashboard Train run")
    parser.add_argument("--budget", type=float, default=BUDGET_MB,
                        help="peak budget in MB (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

    # Decode MNIST's .npy files first (in another process, to keep this one small), so that
    # every kernel maps them as a learner's does.
    subprocess.run([sys.executable, "-c", "from nnlib.data import load_mnist; "
                    "load_mnist(progress=False)"], check=True)
    print(f"benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f}"
          f" MB peak; load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)

    results = []
    for path in paths:
        results.append(measure_lesson(Path(path).resolve()))
        print(f"{results[-1]['name']}: {megabytes(results[-1]['end']['peak']):.0f} MB in "
              f"{results[-1]['seconds']:.0f} s", file=sys.stderr, flush=True)
    if not args.no_dashboard:
        results.append(measure_dashboard())
        print(f"dashboard: {megabytes(results[-1]['end']['peak']):.0f} MB", file=sys.stderr,
              flush=True)

    print(table(results, args.budget))
    for result in results:
        if "steps" in result and megabytes(result["end"]["peak"]) > args.budget:
            print(costly_cells(result))
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

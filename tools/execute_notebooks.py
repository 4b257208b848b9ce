"""Execute lessons in place, top to bottom, the one canonical way (``make notebooks``).

Each notebook runs in a fresh kernel of this environment, from the ``notebooks/`` folder,
with a fixed matplotlib backend and no progress bars. Afterwards volatile metadata (timings,
widget state) is stripped so that a re-run changes the file only where an output changed.
The run fails if any cell wrote to stderr or raised an error that it was not tagged to raise.

Usage: python tools/execute_notebooks.py notebooks/01_the_neuron.ipynb [...]
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = "python3"
TIMEOUT = 600


def coalesce_streams(outputs):
    """Merge consecutive stdout (or stderr) outputs: how a print is split into messages
    depends on timing, not on the code."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def strip_volatile(nb):
    """Remove metadata that changes from run to run without the outputs changing."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": KERNEL}
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)


def problems(nb):
    """Stderr outputs and unexpected errors, as readable lines."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        for output in cell.outputs:
            if output.get("name") == "stderr":
                found.append(f"cell {index}: wrote to stderr: {output.get('text', '')[:300]}")
            if output.output_type == "error" and "raises-exception" not in tags:
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
    return found


def execute(path):
    nb = nbformat.read(path, as_version=4)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ["NNLIB_PROGRESS"] = "0"
    os.environ.setdefault("PYTHONHASHSEED", "0")
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=True,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    strip_volatile(nb)
    nbformat.write(nb, path)
    return elapsed, problems(nb)


def main(paths):
    failed = False
    for path in paths:
        elapsed, found = execute(path)
        print(f"{path}: {elapsed:.1f} s" + ("" if not found else " PROBLEMS:"))
        for line in found:
            print(f"  {line}")
        failed |= bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Time one epoch of nnlib against the same MLP in PyTorch (CPU), in one run.

    .venv/bin/python benchmarks/bench_mlp.py                 # both architectures, 1 and 2 threads
    .venv/bin/python benchmarks/bench_mlp.py --arch 784-128-10 --threads 1 --repeats 5

Same data (MNIST from nnlib.data.load_mnist, or random data of MNIST's shape when MNIST is not
available), same architecture (ReLU hidden layers, softmax + cross-entropy), batch size 128,
Adam with learning rate 1e-3, float32, shuffled mini-batches, the loss read after every batch.
Each measurement is the best epoch time over ``--repeats`` runs of ``--epochs`` epochs, the two
libraries taking turns so that both see the same load from other processes on the machine.

PyTorch is optional (``.venv/bin/python -m pip install torch``): without it the script says so
and still reports nnlib's epoch time and the GEMM-bound limit, the floating-point operations of
an epoch's matrix products divided by the sgemm rate measured in this run.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from nnlib.model import Model  # noqa: E402
from nnlib.threads import blas_threads  # noqa: E402

BATCH_SIZE = 128
LEARNING_RATE = 1e-3


def load_data(random_data=False):
    """MNIST's training set ``(60000, 784)`` float32 and labels, or random data of that shape."""
    if not random_data:
        try:
            from nnlib.data import load_mnist

            (X, y), _ = load_mnist(progress=False)
            return X, y, "MNIST training set"
        except Exception as error:  # noqa: BLE001 - any failure falls back to random data
            print(f"MNIST not available ({type(error).__name__}: {error}); using random data.")
    rng = np.random.default_rng(0)
    X = rng.random((60000, 784), dtype=np.float32)
    y = rng.integers(0, 10, 60000)
    return X, y, "random data of MNIST's shape"


def epoch_flops(sizes, m):
    """Floating-point operations of an epoch's matrix products: the forward pass, dW for every
    layer and dA for every layer but the first, each 2 * m * n_in * n_out."""
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * m * (3 * sum(products) - products[0])


def sgemm_rate(threads, n=1024, repeats=5):
    """The best float32 matrix-product rate (FLOP/s) of NumPy's BLAS at ``threads`` threads."""
    rng = np.random.default_rng(0)
    A, B = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    best = np.inf
    with blas_threads(threads):
        A @ B
        for _ in range(repeats):
            start = time.perf_counter()
            A @ B
            best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best


class NnlibRun:
    """An nnlib model trained ``epochs`` at a time; records each epoch's time and loss."""

    def __init__(self, sizes, threads):
        self.model, self.threads = Model(sizes, seed=0), threads
        self.times, self.losses = [], []

    def run(self, X, y, epochs):
        def record(event, logs):
            if event == "epoch_end":
                self.times.append(logs["time"])
                self.losses.append(logs["loss"])

        self.model.fit(X, y, epochs=epochs, learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE,
                       optimizer=self.model.optimizer or "adam", progress=False,
                       callbacks=record, threads=self.threads)


class TorchRun:
    """The same MLP in PyTorch: nn.Linear + ReLU, cross-entropy, torch.optim.Adam."""

    def __init__(self, torch, sizes, threads):
        self.torch, self.threads = torch, threads
        torch.manual_seed(0)
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
        self.model = torch.nn.Sequential(*layers[:-1])
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE)
        self.generator = torch.Generator().manual_seed(0)
        self.times, self.losses = [], []

    def run(self, X, y, epochs):
        torch = self.torch
        torch.set_num_threads(self.threads)
        loss_fn = torch.nn.functional.cross_entropy
        m = len(X)
        for _ in range(epochs):
            start = time.perf_counter()
            order = torch.randperm(m, generator=self.generator)
            total = 0.0
            for i in range(0, m, BATCH_SIZE):
                rows = order[i:i + BATCH_SIZE]
                X_batch, y_batch = X[rows], y[rows]
                self.optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(self.model(X_batch), y_batch)
                loss.backward()
                self.optimizer.step()
                total += loss.item() * len(rows)
            self.times.append(time.perf_counter() - start)
            self.losses.append(total / m)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", nargs="+", default=["784-128-10", "784-512-256-10"],
                        help="architectures as layer sizes joined by '-' (default: both)")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2],
                        help="BLAS / PyTorch thread counts to try (default: 1 2)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per run (default 2)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per library, taking turns; the best epoch counts (default 3)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--random-data", action="store_true",
                        help="random data of MNIST's shape instead of MNIST")
    args = parser.parse_args(argv)

    torch = None
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed: reporting nnlib alone "
                  "(.venv/bin/python -m pip install torch to compare).")
    X, y, data_name = load_data(args.random_data)
    print(f"data: {data_name} {X.shape}, batch size {BATCH_SIZE}, Adam, float32; "
          f"best epoch of {args.repeats} x {args.epochs}; numpy {np.__version__}"
          + (f", torch {torch.__version__}" if torch else ""))
    if torch is not None:
        # load_mnist's arrays are read-only (shared by every caller); PyTorch wants its own.
        X_torch = torch.from_numpy(np.array(X))
        y_torch = torch.from_numpy(y.astype(np.int64))

    print(f"{'architecture':<16} {'threads':>7} {'nnlib s':>8} {'spread':>7} "
          f"{'GEMM-bound s':>12}" + (f" {'torch s':>8} {'spread':>7} {'torch/nnlib':>11}"
                                      f" {'losses nnlib/torch':>19}" if torch else ""))
    for arch in args.arch:
        sizes = [int(n) for n in arch.split("-")]
        for threads in args.threads:
            bound = epoch_flops(sizes, len(X)) / sgemm_rate(threads)
            runs = [NnlibRun(sizes, threads)]
            if torch is not None:
                runs.append(TorchRun(torch, sizes, threads))
            for _ in range(args.repeats):
                for run in runs:
                    run.run(X_torch if isinstance(run, TorchRun) else X,
                            y_torch if isinstance(run, TorchRun) else y, args.epochs)
            line = f"{arch:<16} {threads:>7}"
            for run in runs:
                best = min(run.times)
                spread = (np.median(run.times) - best) / best
                line += f" {best:8.3f} {spread:6.0%}"
                if run is runs[0]:
                    line += f" {bound:12.3f}"
            if torch is not None:
                nn_run, torch_run = runs
                line += (f" {min(torch_run.times) / min(nn_run.times):11.2f}"
                         f" {nn_run.losses[-1]:9.4f}/{torch_run.losses[-1]:.4f}")
            print(line, flush=True)


if __name__ == "__main__":
    main()

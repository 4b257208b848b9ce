"""Train nnlib's ConvNet on full MNIST; print each epoch's time and the final test accuracy.

    .venv/bin/python benchmarks/bench_cnn.py                          # the default ConvNet
    .venv/bin/python benchmarks/bench_cnn.py --channels 8 16 --hidden 64 --epochs 3

The network (nnlib.ConvNet, from nnlib/convnet.py): for each ``--channels`` entry a 5x5
convolution (padding 2) + ReLU + 2x2 max pooling, then dense ReLU layers ``--hidden`` and a
softmax over the 10 digits.
Adam, float32, shuffled mini-batches; MNIST from nnlib.data.load_mnist (set NNLIB_DATA_DIR to a
folder holding the four .gz files). The test set is evaluated after every epoch (its time is
not part of the epoch time).
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from nnlib import ConvNet, load_mnist  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--hidden", type=int, nargs="*", default=[128])
    parser.add_argument("--kernel-size", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--schedule", choices=["step", "cosine"], default=None)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    (X_train, y_train), (X_test, y_test) = load_mnist(progress=False)
    model = ConvNet(channels=tuple(args.channels), kernel_size=args.kernel_size,
                    hidden=tuple(args.hidden), seed=args.seed)
    print(model)
    print(f"batch size {args.batch_size}, Adam lr {args.learning_rate:g}, "
          f"schedule {args.schedule}, {args.threads} BLAS thread(s)", flush=True)

    def report(event, logs):
        if event == "epoch_end":
            start = time.perf_counter()
            test = model.evaluate(X_test, y_test)
            print(f"epoch {logs['epoch']}/{logs['epochs']}: {logs['time']:.1f} s, "
                  f"train loss {logs['loss']:.4f}, train accuracy {logs['accuracy']:.4f}, "
                  f"test accuracy {test['accuracy']:.4f} "
                  f"(evaluated in {time.perf_counter() - start:.1f} s)", flush=True)

    start = time.perf_counter()
    model.fit(X_train, y_train, epochs=args.epochs, learning_rate=args.learning_rate,
              batch_size=args.batch_size, schedule=args.schedule, progress=False,
              callbacks=report, threads=args.threads)
    total = time.perf_counter() - start
    test = model.evaluate(X_test, y_test)
    print(f"final test accuracy {test['accuracy']:.4f} (loss {test['loss']:.4f}) after "
          f"{args.epochs} epochs; {total / 60:.1f} min in all")


if __name__ == "__main__":
    main()

"""``python -m nnlib train``: train an MLP on MNIST from the command line.

    python -m nnlib train                                    # the defaults: about 98.1%
    python -m nnlib train --hidden 512 256 --epochs 20 --dropout 0.2 --schedule cosine

It loads MNIST (downloading it into the cache if needed), trains a :class:`~nnlib.model.Model`
with a progress bar, prints one line per epoch, and prints ``test accuracy: 0.XXXX`` last.
The defaults reach at least 98.0% test accuracy in under a minute on two CPU cores; the
benchmarks' README lists the measured runs and the best configuration found.
"""

import sys
import time

from tqdm.auto import tqdm

from .activations import ACTIVATIONS
from .initialization import INIT_METHODS
from .optimizers import DEFAULT_LEARNING_RATES, OPTIMIZERS, SCHEDULES

DEFAULTS = dict(hidden=[256], activation="relu", init="he", epochs=15, lr=None, batch_size=128,
                optimizer="adam", schedule="cosine", l2=0.0, l1=0.0, dropout=0.0, seed=0)


def add_train_arguments(parser):
    """Add the options of ``train`` to an ``argparse`` parser."""
    parser.set_defaults(**DEFAULTS)
    net = parser.add_argument_group("network")
    net.add_argument("--hidden", type=int, nargs="+", metavar="N",
                     help="sizes of the hidden layers, e.g. --hidden 512 256 (default: "
                          + " ".join(map(str, DEFAULTS["hidden"])) + ")")
    net.add_argument("--activation", choices=[a for a in ACTIVATIONS if a != "softmax"],
                     help="activation of the hidden layers (default: %(default)s)")
    net.add_argument("--init", choices=INIT_METHODS[:-1],
                     help="weight initialization (default: %(default)s)")
    net.add_argument("--seed", type=int,
                     help="random seed for the weights, the shuffling and dropout (the validation "
                          "set is always the last rows of the training set) (default: %(default)s)")

    train = parser.add_argument_group("training")
    train.add_argument("--epochs", type=int, help="passes over the training set "
                                                  "(default: %(default)s)")
    train.add_argument("--lr", type=float, metavar="RATE",
                       help="learning rate (default: " + ", ".join(
                           f"{v:g} for {k}" for k, v in DEFAULT_LEARNING_RATES.items()) + ")")
    train.add_argument("--batch-size", type=int, metavar="M",
                       help="examples per mini-batch (default: %(default)s)")
    train.add_argument("--optimizer", choices=list(OPTIMIZERS),
                       help="optimizer (default: %(default)s)")
    train.add_argument("--schedule", choices=["none", *SCHEDULES],
                       help="learning-rate decay per epoch: none, step (halve every 5 epochs) "
                            "or cosine (to 0 at the last epoch) (default: %(default)s)")
    train.add_argument("--threads", type=int, metavar="N",
                       help="BLAS threads (default: $NNLIB_NUM_THREADS, else one per 128 "
                            "units of the widest hidden layer, at most the CPUs available)")

    regularize = parser.add_argument_group("regularization and validation")
    regularize.add_argument("--l2", type=float, metavar="LAMBDA",
                            help="L2 weight penalty (default: %(default)s = off)")
    regularize.add_argument("--l1", type=float, metavar="LAMBDA",
                            help="L1 weight penalty (default: %(default)s = off)")
    regularize.add_argument("--dropout", type=float, metavar="P",
                            help="probability of dropping each hidden unit "
                                 "(default: %(default)s = off)")
    regularize.add_argument("--val-split", type=float, default=None, metavar="FRACTION",
                            help="hold out this fraction of the training set for validation "
                                 "(default: none, or 0.1 with --early-stopping)")
    regularize.add_argument("--early-stopping", type=int, default=None, metavar="PATIENCE",
                            help="stop when the validation loss has not improved for PATIENCE "
                                 "epochs, and keep the best weights")

    data = parser.add_argument_group("data and output")
    data.add_argument("--data-dir", default=None,
                      help="MNIST cache folder (default: $NNLIB_DATA_DIR or the repo's data/)")
    data.add_argument("--limit-train", type=int, default=None, metavar="N",
                      help="train on the first N training examples only (quick runs)")
    data.add_argument("--save", default=None, metavar="PATH",
                      help="save the trained model to this .npz file (Model.load reads it)")
    data.add_argument("--no-progress", action="store_true",
                      help="no progress bars (the per-epoch lines are still printed)")
    return parser


def format_epoch(logs):
    """One line of a training log: ``epoch  3/15  loss 0.1234  accuracy 0.9650 ...``."""
    width = len(str(logs["epochs"]))
    line = f"epoch {logs['epoch']:>{width}}/{logs['epochs']}"
    for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
        if key in logs:
            line += f"  {key} {logs[key]:.4f}"
    line += f"  lr {logs['learning_rate']:.2g}  {logs['time']:.1f}s"
    if "threads" in logs:
        line += f" ({logs['threads']} thread{'s' if logs['threads'] > 1 else ''})"
    return line


def run_train(args):
    """Run ``train`` with parsed arguments; returns the exit code (0, or 1 after an error)."""
    from .data import load_mnist, train_val_split
    from .model import Model
    from .training import TrainingDivergedError

    try:
        (X_train, y_train), (X_test, y_test) = load_mnist(args.data_dir,
                                                          progress=not args.no_progress)
        if args.limit_train is not None:
            if args.limit_train < 1:
                raise ValueError(f"--limit-train must be a positive count, "
                                 f"got {args.limit_train}.")
            X_train, y_train = X_train[:args.limit_train], y_train[:args.limit_train]
        validation = None
        val_split = args.val_split
        if val_split is None and args.early_stopping is not None:
            val_split = 0.1
        if val_split:
            (X_train, y_train), validation = train_val_split(X_train, y_train, val_split)
        model = Model([X_train.shape[1], *args.hidden, 10], hidden_activation=args.activation,
                      init=args.init, seed=args.seed)
        print(f"{model}; training on {len(X_train):,} examples"
              + (f", validating on {len(validation[0]):,}" if validation else ""), flush=True)
        write = print if args.no_progress else tqdm.write

        def print_epoch(event, logs):
            if event == "epoch_end":
                write(format_epoch(logs))

        start = time.perf_counter()
        model.fit(X_train, y_train, epochs=args.epochs, learning_rate=args.lr,
                  batch_size=args.batch_size, optimizer=args.optimizer,
                  validation_data=validation, progress=not args.no_progress,
                  l2=args.l2, l1=args.l1, dropout=args.dropout,
                  early_stopping=args.early_stopping,
                  schedule=None if args.schedule == "none" else args.schedule,
                  threads=args.threads,
                  callbacks=print_epoch)
        print(f"training time: {time.perf_counter() - start:.1f}s")
        if args.early_stopping is not None:
            print(f"kept the weights of epoch {model.best_epoch} (lowest validation loss)")
        if args.save:
            print(f"saved the model to {model.save(args.save)}")
        print(f"test accuracy: {model.evaluate(X_test, y_test)['accuracy']:.4f}")
    except (TrainingDivergedError, ValueError, TypeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0

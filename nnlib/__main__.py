"""Command line: ``python -m nnlib download`` and ``python -m nnlib train``."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlib", description="nnlib: neural networks from scratch."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    download = commands.add_parser("download", help="download and verify MNIST into the cache")
    download.add_argument("--data-dir", default=None,
                          help="cache folder (default: $NNLIB_DATA_DIR or the repo's data/)")

    from .cli import add_train_arguments, run_train

    add_train_arguments(commands.add_parser(
        "train", help="train an MLP on MNIST and report its test accuracy"))

    args = parser.parse_args(argv)
    if args.command == "download":
        from .data import MNISTDownloadError, download_mnist

        try:
            path = download_mnist(args.data_dir, progress=True)
        except MNISTDownloadError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"MNIST is ready in {path}")
        return 0
    return run_train(args)


if __name__ == "__main__":
    sys.exit(main())

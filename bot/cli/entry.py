"""The `evidence-bot` console script: Ctrl-C at any moment ends it with one line.

Importing the commands takes seconds on a busy machine; an interrupt during those imports
would otherwise print a traceback, so they happen inside the handler.
"""

from __future__ import annotations

import sys

INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report it


def main() -> None:
    """Run the program; a Ctrl-C anywhere prints `Stopped.` and exits 130."""
    try:
        from bot.cli.main import main as run_program  # noqa: PLC0415 - see the module docstring

        run_program()
    except KeyboardInterrupt:
        stopped()


def stopped() -> None:
    """Say, once, that the program was interrupted, and exit with the shell's code for it."""
    sys.stderr.write("Stopped.\n")
    sys.exit(INTERRUPTED_EXIT)

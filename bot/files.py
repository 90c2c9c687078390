"""Output files written safely: owner-only, never half-written over a good one, and
spreadsheet cells that cannot run as formulas."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

# A spreadsheet runs a cell starting with one of these as a formula
# (https://owasp.org/www-community/attacks/CSV_Injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def private_text_file(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 handle to a temporary file beside `path`, renamed over `path` at the end.

    The file is created owner-only (exports hold what members posted), and an export that
    fails (disk full, a closed pipe, an interrupt) removes its temporary file and leaves any
    earlier export at `path` untouched.
    """
    folder = path.parent
    if not folder.is_dir():
        # Name the file the user asked for, not our temporary one.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    # mkstemp creates the file with mode 0600 whatever the umask.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` through private_text_file."""
    with private_text_file(path) as handle:
        handle.write(text)


def safe_cell(value: Any) -> Any:
    """Quote text a spreadsheet would run as a formula by prefixing an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

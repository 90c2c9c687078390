"""Run a command against a PostgreSQL server: `EVBOT_TEST_DATABASE_URL`, or a throwaway one.

`python -m tests.postgres_server -- pytest ...` (what `make test-postgres` does) runs the
command with `EVBOT_TEST_DATABASE_URL` set. When the variable is already set, that server is
used as it is. Otherwise a cluster is made in a temporary folder with Debian's `initdb`
(/usr/lib/postgresql/<version>/bin), listening on a Unix socket in that folder only (no TCP
port), and it is stopped and removed when the command ends. PostgreSQL refuses to run as
root, so as root the cluster belongs to the `postgres` user the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

URL_VARIABLE = "EVBOT_TEST_DATABASE_URL"
# Only the socket file's name: the server listens on no TCP port (listen_addresses = '').
SOCKET_PORT = 5432


def postgres_bin() -> Path:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name),
    )
    if not found:
        raise SystemExit(
            "initdb not found: install PostgreSQL (Debian: apt-get install postgresql) "
            f"or set {URL_VARIABLE} to a server's postgresql:// address"
        )
    return Path(found[-1]).parent


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A fresh cluster on a Unix socket; yields its postgresql:// address."""
    bin_dir = postgres_bin()
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="evbot-pg-"))
    data = folder / "data"
    try:
        if owner:
            entry = pwd.getpwnam(owner)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        user = owner or pwd.getpwuid(os.geteuid()).pw_name
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    user,
                    "--auth=trust",
                    "--no-locale",  # byte order, as SQLite compares text
                    "--encoding=UTF8",
                    "--no-sync",
                ],
                owner,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={folder} -p {SOCKET_PORT}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "server.log"),
                    "-w",
                    "start",
                ],
                owner,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        try:
            yield f"postgresql://{user}@/postgres?host={folder}&port={SOCKET_PORT}"
        finally:
            subprocess.run(  # noqa: S603 - PostgreSQL's own programs
                _as_owner(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                    owner,
                ),
                check=False,
                stdout=subprocess.DEVNULL,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Run `argv` (after an optional `--`) with EVBOT_TEST_DATABASE_URL set; its exit code."""
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        raise SystemExit("usage: python -m tests.postgres_server -- COMMAND ...")
    if os.environ.get(URL_VARIABLE):
        return subprocess.call(command)  # noqa: S603 - the command make test-postgres gives
    with throwaway_cluster() as url:
        return subprocess.call(command, env={**os.environ, URL_VARIABLE: url})  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

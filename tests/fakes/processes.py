"""The real program as several processes sharing one records store: the store, a child
process, and the settings of a Discord shard process aimed at the fake Discord. Used by the
multi-process test and the shard benchmark."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.discord.fake_discord import FakeDiscord
from tests.fakes.atlas import SAMPLE_ATLAS
from tests.fakes.program import clean_environment, program, run_program
from tests.fakes.stores import SharedStore


class Child:
    """`evidence-bot -v run …` as a child process; its output in a file per start."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.workdir = workdir
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.starts += 1
        with self._log_path(self.starts).open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own program
                [*program(), "-v", "run", *self.command],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a platform stops a process; its exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def up(self) -> bool:
        """Connected (Discord: the log says so; Reddit: it is running)."""
        if not self.alive():
            raise AssertionError(f"{self.name} exited early:\n{self.logs()}")
        return self.command[0] != "discord" or "connected as" in self.log()

    def _log_path(self, number: int) -> Path:
        return self.workdir / f"{self.name}-{number}.log"

    def log(self) -> str:
        return self._log_path(self.starts).read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(
            self._log_path(n).read_text(errors="replace") for n in range(1, self.starts + 1)
        )


def import_atlas(store: SharedStore, workdir: Path) -> None:
    """The sample atlas into the store, by the real program."""
    done = run_program("atlas", "import", str(SAMPLE_ATLAS), cwd=workdir, env=store.env)
    assert done.returncode == 0, done.stderr


def shard_environment(
    fake: FakeDiscord, store: SharedStore, shard: int, shard_count: int, **more: str
) -> dict[str, str]:
    """The whole environment of shard process `shard` of `shard_count` on the fake Discord."""
    return clean_environment(
        {
            **store.env,
            "EVBOT_DISCORD__TOKEN": fake.bot_token,
            "EVBOT_DISCORD__API_BASE_URL": fake.api_base_url,
            "EVBOT_DISCORD__GATEWAY_URL": fake.gateway_url,
            "EVBOT_DISCORD__SHARD_COUNT": str(shard_count),
            "EVBOT_DISCORD__SHARD_IDS": str(shard),
            **more,
        }
    )

"""One writer per stack: a lock beside the stack's local state, held by every command that writes the deployment.

As Pulumi's backends keep a lock beside a stack's state, `up --local` (and `access --check`, which lifts bucket
policies while it probes) holds `local-lock.<stack>.json` beside `local-state.<stack>.json` for the whole run.
The lock is the kernel's (`flock`): it is released when its holder exits, however it exits, so a lock whose
holder process is gone is taken over, and said so, while a live holder's never is. The file names its holder
(process, host, command, start) for the one line a second run stops with.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from meshplane.declarations.problems import MeshError, Problem


def lock_path(state_folder: Path, stack: str) -> Path:
    return state_folder / f"local-lock.{stack}.json"


def holder_text(holder: dict) -> str:
    return (f"process {holder.get('pid', '?')} on {holder.get('host', '?')} (`{holder.get('command', '?')}`, "
            f"since {holder.get('since', '?')})")  # fmt: skip


class StackLocked(MeshError):
    pass


class StackLock:
    """`with StackLock(path, stack, echo):` the stack is written by this process alone, or StackLocked is raised."""

    def __init__(self, path: Path, stack: str, echo: Callable[[str], None] = print, command: str | None = None, wait: float = 0.0):
        self.path, self.stack, self.echo, self.wait = path, stack, echo, wait
        self.command = command or " ".join(["meshplane", *sys.argv[1:]])
        self._fd: int | None = None

    def __enter__(self) -> "StackLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock; a live holder's makes this run wait up to `wait` seconds (saying so once), then stop."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline, said = time.monotonic() + self.wait, False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise StackLocked([Problem(str(self.path), 1, f"stack {self.stack} is being written by another run, {holder_text(holder)}: "
                                                                 "nothing was done; run again when it has finished")]) from None  # fmt: skip
                if not said:
                    self.echo(f"waiting up to {self.wait:.0f} s for stack {self.stack}'s lock, held by {holder_text(holder)}")
                    said = True
                time.sleep(0.5)
                continue
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the holder released and removed it between our open and our lock: take the new one
        previous = _read(fd)
        if previous:
            self.echo(f"note: stack {self.stack}'s lock was held by {holder_text(previous)}, which is gone: taken over "
                      "(its run did not finish: this run adopts what it created)")  # fmt: skip
        me = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}  # fmt: skip
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(me) + "\n").encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)  # before unlocking: a run that opened it meanwhile sees it gone and opens anew
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _read(fd: int) -> dict:
    try:
        text = os.pread(fd, 4096, 0).decode(errors="replace")
        found = json.loads(text) if text.strip() else {}
    except ValueError:
        return {"pid": "?", "command": "a lock file that cannot be read"}
    return found if isinstance(found, dict) else {}


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False

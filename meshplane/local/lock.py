"""One writer per stack: every command that writes a deployment or its state holds a lock for the stack.

As Pulumi's backends keep a stack's lock with its state, two locks keep one writer per stack:
- the deployment's: the stack in the emulator it writes (`deployment_lock`, keyed by the emulator's address and the
  stack, in a folder of this machine's: every writer of a local emulator runs here), so two runs against one
  emulator exclude each other whatever folder each writes its state to. `up --local` holds it for its whole apply,
  and `access --check`, which writes probe objects and switches IAM enforcement, waits for it;
- the state's: `local-lock.<stack>.json` beside `local-state.<stack>.json` (`lock_path`), so two runs writing one
  state folder (its state, journal, manifests), even to two emulators, exclude each other.
A lock is the kernel's (`flock`): it is released when its holder exits, however it exits, so a lock whose holder
process is gone is taken over, and said so, while a live holder's never is. The file names its holder (process,
host, command, start) for the one line a second run stops with.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from meshplane.declarations.problems import MeshError, Problem


LOCKS = Path(tempfile.gettempdir()) / "meshplane-locks"  # the deployments' locks: one folder for the machine


def lock_path(state_folder: Path, stack: str) -> Path:
    """The lock of the stack's state, beside it."""
    return state_folder / f"local-lock.{stack}.json"


def deployment_lock(endpoint: str, stack: str, folder: Path | None = None) -> Path:
    """The lock of the stack's deployment in the emulator at `endpoint` (its host, `localhost` as 127.0.0.1, and port)."""
    parsed = urlparse(endpoint)
    host = "127.0.0.1" if parsed.hostname in (None, "localhost") else parsed.hostname
    return (folder or LOCKS) / f"{host.replace(':', '_')}-{parsed.port or 80}.{stack}.json"


def holder_text(holder: dict) -> str:
    return (f"process {holder.get('pid', '?')} on {holder.get('host', '?')} (`{holder.get('command', '?')}`, "
            f"since {holder.get('since', '?')})")  # fmt: skip


class StackLocked(MeshError):
    pass


class StackLock:
    """`with StackLock(path, stack, echo):` the stack (`what`: "stack S", or "stack S in the emulator at URL") is written
    by this process alone, or StackLocked is raised."""

    def __init__(self, path: Path, stack: str, echo: Callable[[str], None] = print, command: str | None = None, wait: float = 0.0,
                 what: str | None = None, fresh: bool = False):  # fmt: skip
        self.path, self.stack, self.echo, self.wait = path, stack, echo, wait
        self.what = what or f"stack {stack}"
        self.fresh = fresh  # what it guards was just made (an emulator started here): a dead holder left nothing to adopt
        self.command = command or " ".join(["meshplane", *sys.argv[1:]])
        self._fd: int | None = None

    def __enter__(self) -> "StackLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock; a live holder's makes this run wait up to `wait` seconds (saying so once), then stop."""
        _folder(self.path.parent)
        deadline, said = time.monotonic() + self.wait, False
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise StackLocked([Problem(str(self.path), 1, f"{self.what} is being written by another run, {holder_text(holder)}: "
                                                                 "nothing was done; run again when it has finished")]) from None  # fmt: skip
                if not said:
                    self.echo(f"waiting up to {self.wait:.0f} s for the lock of {self.what}, held by {holder_text(holder)}")
                    said = True
                time.sleep(0.5)
                continue
            if _same_file(fd, self.path):
                break
            os.close(fd)  # the holder released and removed it between our open and our lock: take the new one
        previous = _read(fd)
        if previous and not self.fresh:
            self.echo(f"note: the lock of {self.what} was held by {holder_text(previous)}, which is gone: taken over "
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
        try:
            self.path.unlink(missing_ok=True)  # before unlocking: a run that opened it meanwhile sees it gone and opens anew
        except PermissionError:  # another user's file in the shared folder: it stays, unlocked, and is taken as it is
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _folder(folder: Path) -> None:
    """The lock's folder; the machine's shared one (`LOCKS`) writable by every user, as /tmp is."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        if folder == LOCKS:
            folder.chmod(0o1777)


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

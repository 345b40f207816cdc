"""What an emulator holds: the record the last `up --local` to it leaves, so that a later command against the same
emulator (`access --check --endpoint URL`) uses the registrations that run applied instead of running the program again.

The record is a file of this machine's, beside the deployments' locks (every writer of a local emulator runs here),
keyed by the emulator's address and the stack, whatever folder the run wrote its state and registrations to. It names
the program's key (`registrations.memo`: the digest of everything the program reads), where the registrations are
kept under that key, and a KMS key the run applied, by the ID the emulator gave it: an emulator restarted since, or
another one on the same port, holds no key of that ID, so it does not hold this deployment. The registrations are used
when the emulator still holds the deployment and the program's key is the same now; otherwise the program runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from botocore.exceptions import ClientError

from meshplane.local.lock import LOCKS, deployment_lock
from meshplane.registrations import memo
from meshplane.registrations.engine import Evaluation
from meshplane.registrations.project import Project


def record_path(endpoint: str, stack: str, folder: Path | None = None) -> Path:
    lock = deployment_lock(endpoint, stack, folder or LOCKS)
    return lock.with_name(lock.name.removesuffix(".json") + ".deployed.json")


def remember(endpoint: str, stack: str, key: str | None, registrations: Path, keys: list[str], folder: Path | None = None) -> None:
    """After a run applied the stack to the emulator at `endpoint`: its program's key, where its registrations are kept
    under it, a KMS key it applied (`keys`: their ARNs). Without a key, kept registrations or a KMS key, nothing is held
    to reuse."""
    path = record_path(endpoint, stack, folder)
    if key is None or not keys or not registrations.is_file():
        path.unlink(missing_ok=True)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"stack": stack, "endpoint": endpoint, "key": key, "registrations": str(registrations.absolute()), "kms": keys[0]}))
    except OSError:
        path.unlink(missing_ok=True)


def forget(endpoint: str, stack: str, folder: Path | None = None) -> None:
    """The emulator at `endpoint` stopped (the command that started it ends): it holds nothing any more."""
    record_path(endpoint, stack, folder).unlink(missing_ok=True)


def held(project: Project, endpoint: str, accounts: dict, folder: Path | None = None) -> tuple[Evaluation | None, str]:
    """The registrations of the stack's deployment the emulator at `endpoint` holds, when the program's key is the same
    now (else None), and why."""
    stack = project.stack.name
    try:
        record = json.loads(record_path(endpoint, stack, folder).read_text())
    except (OSError, ValueError):
        return None, f"no up --local to {endpoint} has recorded stack {stack}'s registrations"
    try:
        key = memo.key(project)
    except memo.Unkeyed:
        return None, "the program's arguments have no key"
    if record.get("key") != key:
        return None, f"the program has changed since stack {stack} was applied to {endpoint}"
    arn = str(record.get("kms", ""))
    aws = accounts.get(arn.split(":")[4] if arn.count(":") >= 5 else "")
    try:
        state = aws.client("kms").describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] if aws else None
    except ClientError:
        state = None
    if state is None or state == "PendingDeletion":
        return None, f"the emulator at {endpoint} no longer holds the deployment recorded (restarted since?)"
    evaluation = memo.recall(Path(record.get("registrations", "")), key)
    if evaluation is None:
        return None, f"the registrations recorded are gone ({record.get('registrations')})"
    return evaluation, f"the registrations of stack {stack}'s deployment the emulator holds (the program is unchanged)"

"""What `up --local` may adopt: only what this stack created.

A resource the emulator already holds is brought in line only when it carries this stack's marker, the tags
every create passes (`managed-by`, `environment` and the declared `domain`), or when the journal says a run
of this stack began creating it. The journal gets its line before the create call, so a run killed between
a create and the call that tags it (a bucket: S3's CreateBucket takes no tags in moto, docs/toolchain.md)
leaves the resource adoptable; a successful run removes the journal, its state file then says what exists.

A KMS key has no name: the stack's key for a domain is the one its alias names when that key carries the
domain's marker, else the one the last state names, else the oldest key of the account that does (a key a
killed run created before its alias, or the domain's own key behind an alias repointed elsewhere). A
repointed alias is never followed. Another key with the same marker is a duplicate (two runs at once each
made one): it is scheduled for deletion, with the longest window, and named.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from botocore.exceptions import ClientError

from components.monitoring import ALERTS_KEY_TAG

from meshplane.local.emulator import error_code

OWNER_TAGS = ("managed-by", "environment", "domain")  # the stack's marker: the provider's default tags and the domain's
KEY_PURPOSE = ALERTS_KEY_TAG[0]  # a domain's second key (its alerts') says so: never taken for the data key, nor its duplicate


class NotOurs(Exception):
    """A resource exists under the declared name and carries no marker of this stack: it is refused, not adopted."""


def owned(found: Mapping[str, str], declared: Mapping[str, str]) -> bool:
    """`found` (a resource's tags) carry the marker of the stack that declares `declared`."""
    return (bool(declared.get("managed-by")) and all(found.get(k) == declared[k] for k in OWNER_TAGS if k in declared)
            and found.get(KEY_PURPOSE) == declared.get(KEY_PURPOSE))  # fmt: skip


def marker(declared: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={declared[k]}" for k in OWNER_TAGS if k in declared)


def refusal(found: Mapping[str, str], declared: Mapping[str, str]) -> NotOurs:
    shown = json.dumps(dict(found), sort_keys=True) if found else "none"
    return NotOurs(f"exists and was not created by this stack (its tags: {shown}; this stack's marker: {marker(declared)}): "
                   "up --local adopts only what it created; remove it, or tag it as the stack's")  # fmt: skip


@dataclass
class Journal:
    """The creates a run begins, one JSON line each, written before the call: type, account, name and the tags the
    resource is declared with. `earlier` holds the lines of runs that did not finish (the file is removed when a
    run does): (type, account, name) -> tags."""

    path: Path | None
    run: str = field(default_factory=lambda: f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}")
    earlier: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | None) -> "Journal":
        journal = cls(path)
        if path is not None and path.exists():
            for line in path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                    journal.earlier[(entry["type"], entry["account"], entry["name"])] = dict(entry.get("tags") or {})
                except (ValueError, KeyError, TypeError):  # a line cut by the kill itself
                    continue
        return journal

    def before_create(self, typ: str, account: str, name: str, tags: Mapping[str, str] | None = None) -> None:
        """Record the create about to be called. Flushed, not synced: a killed process's writes stay in the kernel."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as f:
            f.write(json.dumps({"run": self.run, "type": typ, "account": account, "name": name, "tags": dict(tags or {})}) + "\n")

    def began(self, typ: str, account: str, name: str) -> bool:
        """A run of this stack that did not finish began creating it."""
        return (typ, account, name) in self.earlier

    def close(self) -> None:
        """The run finished and its state is written: every resource it created carries the stack's tags now."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def adopt(found: Mapping[str, str], declared: Mapping[str, str], journal: Journal, typ: str, account: str, name: str) -> None:
    """Raise `NotOurs` unless the existing resource carries the stack's marker or the journal began it."""
    if not (owned(found, declared) or journal.began(typ, account, name)):
        raise refusal(found, declared)


# KMS keys ------------------------------------------------------------------------------------------


def key_tags(kms, key_id: str) -> dict[str, str]:
    pages = kms.get_paginator("list_resource_tags").paginate(KeyId=key_id)
    return {t["TagKey"]: t["TagValue"] for page in pages for t in page.get("Tags", [])}


def customer_keys(kms) -> list[tuple[dict, dict[str, str]]]:
    """(metadata, tags) of every customer-managed key of the account, oldest first."""
    found = []
    for page in kms.get_paginator("list_keys").paginate():
        for entry in page["Keys"]:
            meta = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if meta.get("KeyManager", "CUSTOMER") == "CUSTOMER":
                found.append((meta, key_tags(kms, meta["KeyId"])))
    return sorted(found, key=lambda item: str(item[0].get("CreationDate", "")))


@dataclass(frozen=True)
class KeyFound:
    meta: dict | None  # the stack's key for the declaration, None when it has none yet
    alias_target: str | None  # the key ID the alias names now, None when there is no alias
    target_tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def repointed(self) -> bool:
        return self.alias_target is not None and (self.meta is None or self.meta["KeyId"] != self.alias_target)


def find_key(kms, alias: str | None, declared: Mapping[str, str], keys: Callable[[], list[tuple[dict, dict[str, str]]]],
             known: frozenset[str] = frozenset()) -> KeyFound:
    """The stack's key for a declaration whose alias is `alias` and tags `declared` (`keys`: the account's, on demand):
    the key the alias names when it is the stack's, else the one the last state names (`known`), else the oldest."""
    target = None
    if alias:
        try:
            target = kms.describe_key(KeyId=alias)["KeyMetadata"]
        except ClientError as exc:
            if error_code(exc) != "NotFoundException":
                raise
    tags = key_tags(kms, target["KeyId"]) if target is not None else {}
    if target is not None and owned(tags, declared):
        return KeyFound(target, target["KeyId"], tags)
    mine = [meta for meta, found in keys() if owned(found, declared)]
    chosen = next((meta for meta in mine if meta["KeyId"] in known), mine[0] if mine else None)
    return KeyFound(chosen, target["KeyId"] if target is not None else None, tags)


def duplicates(kept: str, declared: Mapping[str, str], keys: list[tuple[dict, dict[str, str]]]) -> list[str]:
    """The IDs of the keys that carry the same marker as the stack's key `kept` and are not being deleted: what two runs
    at once, each creating the domain's key, leave behind."""
    return [meta["KeyId"] for meta, tags in keys
            if owned(tags, declared) and meta["KeyId"] != kept and meta.get("KeyState") != "PendingDeletion"]  # fmt: skip

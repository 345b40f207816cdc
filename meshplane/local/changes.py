"""What tells a run that a served emulator has changed nothing since the last run applied the stack.

The emulator (`serving`) counts every request that may change what it holds, once its answer is made, and answers
`GET /_meshplane/changes` with a mark: the emulator's own token (a new one each time it starts) and that count. A run
that applied the stack keeps the mark it read at its end; the next run with nothing new to apply reads it again first,
and when it is the same, nothing has touched the emulator since, so the deployment is as the last run left it and
read back (`up --refresh` reads every resource whatever the mark). Only reads are not counted: an action whose name
says so (Get, List, Describe, Head, BatchGet, Search, Lookup), an STS AssumeRole (a session, which no stack holds: so
`verify` and `status` leave the mark as it was), or a GET, HEAD or OPTIONS without one; anything else is a change,
whatever it did, so a request the rule does not know counts as one.
"""

from __future__ import annotations

import re
import secrets
import threading
from urllib.parse import parse_qs

PATH = "/_meshplane/changes"  # no bucket is named so: a bucket's name starts with a letter or a digit
READ = re.compile(r"(?:Get|List|Describe|Head|BatchGet|Search|Lookup)(?:[A-Z]|$)|AssumeRole")  # a session: no stack holds one
OPERATION = re.compile(r"^/(?:service/[^/]+/operation/)?(?P<name>[A-Z][A-Za-z0-9]+)$")  # rpc-v2-cbor; rest-json by name
FORM = "application/x-www-form-urlencoded"


def operation(environ: dict, body: bytes) -> str | None:
    """The action a request names: its X-Amz-Target (JSON protocols), its form's or query's Action (query protocol),
    or its path's one name (Smithy RPC v2 CBOR's `/service/S/operation/Name`; Lake Formation's `POST /ListPermissions`);
    None for a REST request whose method says what it does."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    actions = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if not actions and environ.get("CONTENT_TYPE", "").startswith(FORM):
        actions = parse_qs(body.decode("utf-8", "replace")).get("Action")
    if actions:
        return actions[0]
    named = OPERATION.match(environ.get("PATH_INFO", ""))
    return named["name"] if named and not environ.get("QUERY_STRING") else None  # S3's POSTs name their object, with a query


def may_change(environ: dict, body: bytes) -> bool:
    """Whether the request may change what the emulator holds: every request but a read."""
    name = operation(environ, body)
    if name is not None:
        return READ.match(name) is None
    return environ.get("REQUEST_METHOD", "") not in ("GET", "HEAD", "OPTIONS")


class Changes:
    """The emulator's count of requests that may have changed it, under a token of this start."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._count = 0
        self._lock = threading.Lock()  # each connection is served by a thread of its own

    def count(self) -> None:
        with self._lock:
            self._count += 1

    def mark(self) -> str:
        with self._lock:
            return f"{self.token}-{self._count}"

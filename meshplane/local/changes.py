"""What tells a run that a served emulator has changed nothing since the last run applied the stack.

The emulator (`serving`) counts every request that may change what moto holds, once its answer is made, names the
count in the answer (`x-meshplane-change`), and answers `GET /_meshplane/changes` with its mark: a token of this
process (moto's state is the process's) and the count. A run reads the mark before its first write and after its
last, and collects the counts of its own answers: when they are every count between the two marks, nothing but the run
changed the emulator meanwhile, and the state keeps the mark after (else none: the next run reads everything back).
The next run with nothing new to apply reads the mark first; the same, and nothing has touched the emulator since,
so the deployment is as the last run left it and read back (`up --refresh` reads every resource whatever the mark).

Only reads are not counted: a request every action name of which says so (Get, List, Describe, Head, BatchGet, Search,
Lookup), or an STS AssumeRole (a session, which no stack holds: so `verify` and `status` leave the mark as it was);
without a name, a GET, HEAD or OPTIONS with no body. Names are looked for wherever moto looks for them (the
X-Amz-Target; the Action of the query, of the body whatever its type, of a header; the path of a POST to Lake
Formation's REST-JSON or to Smithy RPC v2 CBOR, as the signature's scope names them); anything else is a change,
whatever it did, and so is anything sent to moto's own API (`/moto-api/`).
"""

from __future__ import annotations

import re
import secrets
import threading
from urllib.parse import parse_qs

PATH = "/_meshplane/changes"  # no bucket is named so: a bucket's name starts with a letter or a digit
HEADER = "x-meshplane-change"  # the count a change was given, in its answer
READ = re.compile(r"(?:Get|List|Describe|Head|BatchGet|Search|Lookup)(?:[A-Z]|$)|AssumeRole")  # a session: no stack holds one
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PATH_NAMED = frozenset({"lakeformation", "monitoring", "tagging"})  # signing names of services named by their POST's path
OPERATION = re.compile(r"^/(?:service/[^/]+/operation/)?(?P<name>[A-Z][A-Za-z0-9]+)$")  # rpc-v2-cbor; rest-json by name
SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/[^/,]+/(?P<service>[^/,]+)/aws4_request")
MAX_PARSED = 1 << 20  # bytes: no read sends a body as long; a longer one counts without being parsed


def operations(environ: dict, body: bytes) -> list[str]:
    """Every action name the request carries, wherever moto may take one from."""
    names = []
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        names.append(target.rsplit(".", 1)[-1])
    names += parse_qs(environ.get("QUERY_STRING", "")).get("Action", [])
    if body:
        names += parse_qs(body.decode("utf-8", "replace")).get("Action", [])
    if environ.get("HTTP_ACTION"):
        names.append(environ["HTTP_ACTION"])
    scope = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if environ.get("REQUEST_METHOD") == "POST" and not environ.get("QUERY_STRING") and scope and scope["service"] in PATH_NAMED:
        named = OPERATION.match(environ.get("PATH_INFO", ""))
        names += [named["name"]] if named else []
    return names


def may_change(environ: dict, body: bytes) -> bool:
    """Whether the request may change what the emulator holds: every request but a read."""
    if len(body) > MAX_PARSED or environ.get("PATH_INFO", "").startswith("/moto-api/"):
        return True
    names = operations(environ, body)
    if names:
        return not all(READ.match(name) for name in names)
    return environ.get("REQUEST_METHOD", "") not in READ_METHODS or bool(body)


def own_changes_only(before: str | None, after: str | None, counted: list[int]) -> str | None:
    """`after`, when the counts a run's answers carried (`counted`) are every change between the marks `before` and
    `after`: nothing but the run changed the emulator meanwhile. None otherwise (or when either mark is missing)."""
    if not before or not after:
        return None
    token, _, first = before.rpartition("-")
    other, _, last = after.rpartition("-")
    if token != other:
        return None
    return after if sorted(counted) == list(range(int(first) + 1, int(last) + 1)) else None


class Changes:
    """The emulator's count of requests that may have changed it, under a token of this process."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self._count = 0
        self._lock = threading.Lock()  # each connection is served by a thread of its own

    def count(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def mark(self) -> str:
        with self._lock:
            return f"{self.token}-{self._count}"


COUNTED = Changes()  # one per process, as moto's backends: two servers of one process serve the same state

"""The local AWS: a moto server on 127.0.0.1, boto3 clients for a stack's account, IAM enforcement on demand.

moto serves every service on one port (S3 path-style). Its IAM enforcement is off by default and
switched through `POST /moto-api/reset-auth` (docs/toolchain.md); `enforcement()` turns it on for a block
and always off again, because with it on the set-up credentials stop working.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import re
import signal
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from meshplane.declarations.problems import MeshError, Problem
from meshplane.local import changes

HOST = "127.0.0.1"
# moto accepts any signature until enforcement is on; these are the conventional emulator credentials
EMULATOR_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
ADMIN_ROLE = "meshplane-local-admin"  # assumed to reach another account in the emulator (moto keys accounts by credentials)
PROBE_SECONDS = 4  # to connect, then to read, in one attempt: any endpoint is judged well within 10 s


class EmulatorError(MeshError):
    """The emulator is missing, not local, or not moto where moto is needed."""

    def __init__(self, message: str, where: str = "emulator", line: int = 1):
        super().__init__([Problem(where, line, message)])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


Where = tuple[str, int]  # where an endpoint was given: ("--endpoint", 1), or a stack file's line
GIVEN: Where = ("--endpoint", 1)


def require_loopback(endpoint: str, where: Where = GIVEN) -> str:
    """The endpoint itself when it names this machine; commands that write or switch IAM enforcement refuse others."""
    parsed = urlparse(endpoint)
    host = parsed.hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if parsed.scheme not in ("http", "https") or not local:
        raise EmulatorError(f"endpoint {endpoint!r} is not a local emulator (expected http://127.0.0.1:PORT)", *where)
    return endpoint.rstrip("/")


def check_port(endpoint: str, where: Where = GIVEN) -> None:
    """An endpoint's port, when it names one, is a number from 1 to 65535 (botocore would raise on another)."""
    parsed = urlparse(endpoint)
    try:
        port = parsed.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and ":" in parsed.netloc.rsplit("]", 1)[-1]):
        raise EmulatorError(f"endpoint {endpoint!r}: the port is not a number from 1 to 65535", *where)


def probe(endpoint: str, region: str, where: Where = GIVEN) -> None:
    """Refuse, within 10 s, an endpoint that is not an AWS emulator: nothing listening, an HTTP server that answers
    something else, or one that never answers. One STS call, one attempt, short timeouts; the clients that follow
    keep the long read timeout some emulator calls need."""
    check_port(endpoint, where)
    config = Config(connect_timeout=PROBE_SECONDS, read_timeout=PROBE_SECONDS, retries={"total_max_attempts": 1})
    sts = boto3.Session(**EMULATOR_CREDENTIALS).client("sts", endpoint_url=endpoint, region_name=region, config=config)
    try:
        account = sts.get_caller_identity().get("Account")
    except (EndpointConnectionError, ConnectTimeoutError):
        raise EmulatorError(f"nothing answers at {endpoint} (start an emulator with `meshplane up --local --serve`)", *where) from None
    except ReadTimeoutError:
        raise EmulatorError(f"{endpoint} accepted a connection but did not answer within {PROBE_SECONDS} s: not an AWS emulator", *where) from None
    except Exception as exc:  # botocore raises KeyError parsing a 200 that is not AWS's XML, ClientError on an HTTP error
        reason = str(exc) if isinstance(exc, (BotoCoreError, ClientError)) else f"an answer botocore cannot read ({type(exc).__name__} {exc})"
        reason = reason.split(":\n", 1)[0].splitlines()[0][:200]  # what botocore says, not the page it quotes
        raise EmulatorError(f"{endpoint} answers, but not as an AWS emulator (STS GetCallerIdentity: {reason})", *where) from None
    if not account:
        raise EmulatorError(f"{endpoint} answers, but not as an AWS emulator (STS GetCallerIdentity named no account)", *where)


class Emulator:
    """A moto server in this process, on 127.0.0.1 (a free port unless one is asked for)."""

    def __init__(self, port: int = 0):
        from meshplane.local import moto_conditions, moto_indexes
        from meshplane.local.serving import MotoServer

        moto_indexes.install()
        moto_conditions.install()
        if port and not port_is_free(port):
            raise EmulatorError(f"port {port} on {HOST} is taken")  # moto's thread would wait forever on it
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        self._server = MotoServer(HOST, port)  # moto's app over connections kept between calls
        self._port = port
        self.endpoint = ""

    def start(self) -> str:
        try:
            self._server.start()
        except SystemExit:  # werkzeug's server exits when it cannot bind: taken since it was found free
            raise EmulatorError(f"port {self._port} on {HOST} is taken") from None
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "Emulator":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


_MAKING = threading.RLock()


@dataclass
class Aws:
    """boto3 clients for one account and region: the emulator's (endpoint set) or real AWS (default credential chain)."""

    session: boto3.Session
    endpoint: str | None
    region: str
    credentials: dict = field(default_factory=dict, repr=False)  # overrides the session's (an assumed role's)
    counted: list[int] | None = field(default=None, repr=False)  # the emulator's counts its changes' answers carry (`changes`)
    _clients: dict = field(default_factory=dict, repr=False)

    def client(self, service: str):
        with _MAKING:  # a session is not thread-safe: readers in several threads ask for clients
            return self._client(service)

    def _client(self, service: str):
        if service not in self._clients:
            config = Config(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            )
            client = self.session.client(service, endpoint_url=self.endpoint, region_name=self.region, config=config, **self.credentials)
            if service == "s3control" and self.endpoint:
                # S3 Control puts the account in the host (`<account>.s3-control...`): an emulator serves it at its own
                client.meta.events.register("before-sign.s3-control", _unprefixed_host)
            self._count_changes(client)
            self._clients[service] = client
        return self._clients[service]

    def through_access_points(self):
        """An S3 client whose requests through an access point (its ARN as the bucket) reach the emulator: the signed
        `<name>-<account>.s3-accesspoint.<region>.amazonaws.com` host is kept, the address is the emulator's."""
        with _MAKING:  # the session is shared by every account (`emulator_session`): clients are made one at a time
            client = self.session.client("s3", region_name=self.region, config=Config(retries={"max_attempts": 1}), **self.credentials)
        if self.endpoint:
            local = urlparse(self.endpoint)

            def to_emulator(request, **_):
                parts = urlparse(request.url)
                request.headers["Host"] = parts.netloc
                # moto looks the access point up in the caller's account: name the access point's (its host's)
                request.headers["x-moto-account-id"] = parts.netloc.split(".s3-accesspoint.")[0].rsplit("-", 1)[-1]
                request.url = parts._replace(scheme=local.scheme, netloc=local.netloc).geturl()

            client.meta.events.register("before-send.s3", to_emulator)
        self._count_changes(client)
        return client

    def _count_changes(self, client) -> None:
        if self.counted is None:
            return
        counted = self.counted

        def collect(http_response, **_) -> None:
            number = http_response.headers.get(changes.HEADER) if http_response is not None else None
            if number and number.isdigit():
                counted.append(int(number))  # list.append: the readers' threads need no lock

        client.meta.events.register("after-call", collect)

    def account(self) -> str:
        return self.client("sts").get_caller_identity()["Account"]

    def as_credentials(self, credentials: dict) -> "Aws":
        """The same endpoint and region with other credentials (an assumed role's); the session's loaded models are shared."""
        keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
        return Aws(self.session, self.endpoint, self.region, keys, self.counted)


def connect(endpoint: str | None, region: str, account: str, role: str | None = None, counted: list[int] | None = None) -> Aws:
    """Clients for `account`: at `endpoint` (an emulator), else real AWS through the default credential chain.

    An emulator serving another account by default is switched by assuming `role` there (or a role of
    ours; moto keys its accounts by credentials), as the stack's provider for that account does. Real AWS
    credentials for another account than asked are refused: verify never reads the wrong account. `counted` collects
    the emulator's counts of the changes the clients make (`changes`).
    """
    if endpoint is None:
        aws = Aws(boto3.Session(region_name=region), None, region)
        actual = _caller_account(aws, "AWS (default credential chain)")
        if actual != account:
            raise EmulatorError(f"the credentials are for account {actual}; the stack is for account {account}", "credentials")
        return aws
    aws = Aws(emulator_session(region), endpoint, region, counted=counted)
    actual = _caller_account(aws, endpoint)
    if actual == account:
        return aws
    assumed = aws.client("sts").assume_role(RoleArn=role or f"arn:aws:iam::{account}:role/{ADMIN_ROLE}", RoleSessionName="meshplane-local")
    aws = aws.as_credentials(assumed["Credentials"])
    actual = _caller_account(aws, endpoint)
    if actual != account:
        raise EmulatorError(f"the emulator at {endpoint} answers for account {actual}, not the stack's {account}")
    return aws


@functools.cache
def emulator_session(region: str) -> boto3.Session:
    """One session per region for every account of the emulator: the service models it loads are parsed once. A
    session per account parsed them again for each (a quarter of a rerun's reading with an account per domain:
    `benchmarks/results/profile-rerun.md`); clients are made one at a time (`_MAKING`), each with its account's keys."""
    return boto3.Session(region_name=region, **EMULATOR_CREDENTIALS)


def connect_all(endpoint: str | None, settings, counted: list[int] | None = None) -> dict[str, Aws]:
    """Clients for every account of a stack (`meshplane.declarations.stack.StackSettings`), the default account first."""
    return {a: connect(endpoint, settings.region, a, settings.role_of(a), counted) for a in settings.all_accounts()}


def _unprefixed_host(request, **_) -> None:
    parsed = urlparse(request.url)
    host = re.sub(r"^[0-9]{12}\.", "", parsed.netloc)
    if host != parsed.netloc:
        request.url = parsed._replace(netloc=host).geturl()


def document(value) -> dict:
    """A policy document as AWS answers it: a dict (boto3 decodes IAM's), or (URL-encoded) JSON text."""
    if isinstance(value, str):
        return json.loads(unquote(value) if value.startswith("%7B") else value)
    return value or {}


def error_code(exc: ClientError) -> str:
    """The AWS error code of a failed call, e.g. `NoSuchBucket` ("" when the answer has none)."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def bucket_exists(s3, name: str) -> bool:
    """Whether bucket `name` exists (HeadBucket). A 403 is a bucket that exists whose policy denies the caller
    s3:ListBucket, as AWS answers any principal but a product's own and its administrators
    (DenyListingsOutsideAgreements): it exists."""
    try:
        s3.head_bucket(Bucket=name)
    except ClientError as exc:
        if error_code(exc) in ("404", "NoSuchBucket", "NotFound"):
            return False
        if error_code(exc) in ("403", "AccessDenied", "Forbidden"):
            return True
        raise
    return True


def _caller_account(aws: Aws, where: str) -> str:
    try:
        return aws.account()
    except (BotoCoreError, ClientError) as exc:
        hint = " (start one with `meshplane up --local --serve`)" if aws.endpoint else ""
        raise EmulatorError(f"cannot reach {where}: {exc}{hint}") from None


def changes_mark(endpoint: str) -> str | None:
    """The emulator's mark of the changes it has answered (`changes`): the same mark, nothing has changed it between the
    two reads. None from an emulator that keeps none (moto's own server, LocalStack) or that does not answer."""
    try:
        with urllib.request.urlopen(f"{endpoint}{changes.PATH}", timeout=PROBE_SECONDS) as response:
            mark = json.loads(response.read()).get("mark")
    except (OSError, ValueError, AttributeError):  # urllib's errors are OSErrors; a body that is not the mark's JSON
        return None
    return mark if isinstance(mark, str) and mark else None


def _moto_api(endpoint: str, path: str, body: bytes) -> None:
    # not form-encoded: moto reads the raw body, which Flask leaves empty for a form
    request = urllib.request.Request(f"{endpoint}/moto-api/{path}", data=body, method="POST", headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise EmulatorError(f"{endpoint} has no moto API ({exc.code} on /moto-api/{path}): the access check needs moto's IAM enforcement") from None
    except urllib.error.URLError as exc:
        raise EmulatorError(f"cannot reach {endpoint}: {exc.reason}") from None


@contextmanager
def enforcement(endpoint: str) -> Iterator[None]:
    """moto checks every request against the caller's identity policies inside the block, and stops after it, however
    the block ends: an error, Ctrl-C, or SIGTERM (which ends the block as Ctrl-C does); a further signal waits until
    enforcement is off again."""
    endpoint = require_loopback(endpoint)
    with _terminate_ends_the_block():
        try:  # a signal during the call that switches it on still switches it off
            _moto_api(endpoint, "reset-auth", b"0")
            yield
        finally:
            with _signals_wait():
                _moto_api(endpoint, "reset-auth", b"inf")


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _terminate_ends_the_block() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # only the main thread receives signals
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_wait() -> Iterator[None]:
    """Signals that arrive inside are delivered after it (the restoring call is not cut short)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum)) for s in _SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in arrived[:1]:
            signal.raise_signal(s)


def reset(endpoint: str) -> None:
    """Forget everything the emulator holds (tests start each case from an empty cloud)."""
    _moto_api(require_loopback(endpoint), "reset", b"")

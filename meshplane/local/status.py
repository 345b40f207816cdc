"""`meshplane status`: each product's last write against its freshness promise, its alarm, its last quality result, and
what a stale or failing product puts at risk downstream.

Read where the stack is deployed (an emulator, or AWS through the default credential chain), with a constant number of
calls per product whatever the mesh's size. Each product is read as its domain's quality role (assumed once per domain)
through the product's quality access point, as `meshplane test` reads it: the bucket's policy lets no other principal
read it, the deployer included (DenyReadsOutsideAgreements), and lets only its administrators and its own domain list
it. Its current bucket is listed once (its newest data object, and its newest stored quality result under
`_meshplane/quality/<version>/`) and the newest quality result is read; each account's alarms are described once by
the stack's prefix. A refused call is one located line, exit 1.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from meshplane.compose.locate import location
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import MeshError, Problem
from meshplane.declarations.spec import Status
from meshplane.declarations.stack import StackSettings
from meshplane.local import quality_role

RESERVED = "_meshplane/"  # what the platform stores beside a product's data (quality results), never data
QUALITY = RESERVED + "quality/"
FRESH, STALE, NEVER = "fresh", "stale", "never written"
NOT_EVALUATED = "not evaluated"  # an emulator never evaluates alarms
NO_ALARM = "no alarm"


@dataclass
class ProductStatus:
    address: str
    bucket: str
    freshness_hours: float | None
    last_write: datetime.datetime | None = None
    state: str = NEVER
    alarm: str = NO_ALARM
    quality: str = "none stored"  # passed, failed, or none stored
    quality_at: datetime.datetime | None = None
    at_risk: list[dict] = field(default_factory=list)  # {"path": [this product, ..., the input], "because": its state}

    @property
    def failing(self) -> bool:
        return self.quality == "failed"

    @property
    def broken(self) -> bool:
        """Stale, failing or never written: what makes `status` exit 1 when it is in scope."""
        return self.state != FRESH or self.failing

    @property
    def trouble(self) -> str:
        return self.state if self.state != FRESH else "quality failed"

    def as_json(self, at: datetime.datetime) -> dict:
        age = None if self.last_write is None else round((at - self.last_write).total_seconds() / 3600, 2)
        return {
            "product": self.address,
            "bucket": self.bucket,
            "freshness_hours": self.freshness_hours,
            "last_write": None if self.last_write is None else self.last_write.isoformat(),
            "age_hours": age,
            "state": self.state,
            "alarm": self.alarm,
            "quality": self.quality,
            "quality_at": None if self.quality_at is None else self.quality_at.isoformat(),
            "at_risk": self.at_risk,
        }


@dataclass
class StatusReport:
    at: datetime.datetime
    products: list[ProductStatus]  # those in scope, in address order
    calls: int  # API calls made
    read: int  # products read (in scope and their upstream)

    @property
    def calls_per_product(self) -> float:
        return self.calls / max(1, self.read)

    def as_json(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "products": [p.as_json(self.at) for p in self.products],
            "calls": self.calls,
            "calls_per_product": round(self.calls_per_product, 2),
        }


Clients = Callable[[str], object]  # account -> an object whose `client(service)` gives a boto3 client


def status(
    mesh: Mesh, settings: StackSettings, clients: Clients, at: datetime.datetime, emulator: bool, domains: Iterable[str] = ()
) -> StatusReport:
    """The status of the products the mesh answers for (narrowed to `domains` when given), judged as of `at`; the products
    they read, directly or through others, are read too, to tell what is at risk."""
    wanted = set(domains)
    scope = sorted(
        a for a, p in mesh.products.items()
        if mesh.answers_for(a) and p.spec.status is not Status.retired and (not wanted or p.domain in wanted)
    )  # fmt: skip
    upstream = _upstream(mesh, scope)
    counter = [0]
    found: dict[str, ProductStatus] = {}
    by_account: dict[str, list[str]] = {}
    for address in sorted(upstream):
        declared = mesh.products[address]
        where = location(settings, declared, declared.spec.output.version)
        levels = declared.spec.service_levels
        found[address] = ProductStatus(address, where.bucket, None if levels is None else levels.freshness_hours)
        by_account.setdefault(where.account, []).append(address)
    problems: list[Problem] = []
    for account, addresses in by_account.items():
        aws = clients(account)
        alarms = _alarms(aws.client("cloudwatch"), settings.name_prefix, counter)
        readers: dict[str, object] = {}  # domain -> an S3 client through access points, as its quality role
        for address in addresses:
            product = found[address]
            declared = mesh.products[address]
            version = declared.spec.output.version
            try:
                if declared.domain not in readers:
                    counter[0] += 1
                    readers[declared.domain] = quality_role.assume_domain(aws, settings, declared.domain).through_access_points()
                s3, point = readers[declared.domain], quality_role.access_point(settings, declared, version)
                _read_bucket(s3, point, product, version, at, counter)
            except ClientError as exc:
                problems.append(Problem(declared.source.path, declared.source.line_of(("output",)), quality_role.refused(declared, product.bucket, exc)))
            product.alarm = _alarm_state(alarms.get(f"{product.bucket}-freshness"), emulator)
    if problems:
        raise MeshError(problems)
    for address in scope:
        found[address].at_risk = _paths_to_broken(mesh, address, found)
    return StatusReport(at=at, products=[found[a] for a in scope], calls=counter[0], read=len(upstream))


def _upstream(mesh: Mesh, scope: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(scope)
    while todo:
        address = todo.pop()
        if address in seen or address not in mesh.products:
            continue
        seen.add(address)
        todo.extend(a for a, _ in mesh.products[address].reads)
    return seen


def _alarms(cloudwatch, prefix: str, counter: list[int]) -> dict[str, dict]:
    """Every alarm of the stack's prefix in the account, by name: one listing."""
    found = {}
    token = None
    while True:
        page = cloudwatch.describe_alarms(AlarmNamePrefix=prefix, **({"NextToken": token} if token else {}))
        counter[0] += 1
        found.update((a["AlarmName"], a) for a in page.get("MetricAlarms", []))
        token = page.get("NextToken")
        if not token:
            return found


def _alarm_state(alarm: dict | None, emulator: bool) -> str:
    if alarm is None:
        return NO_ALARM
    if emulator and alarm.get("StateReason", "").startswith("Unchecked"):  # as created: no state was ever set (SetAlarmState)
        return NOT_EVALUATED
    return alarm["StateValue"]


def _read_bucket(s3, point: str, product: ProductStatus, version: int, at: datetime.datetime, counter: list[int]) -> None:
    """The newest data object and the newest stored quality result, from one listing of the bucket through the access
    point `point` (its ARN); then that result, through the same access point."""
    newest = quality = None
    token = None
    prefix = f"{QUALITY}{version}/"
    try:
        while True:
            page = s3.list_objects_v2(Bucket=point, **({"ContinuationToken": token} if token else {}))
            counter[0] += 1
            for item in page.get("Contents", []):
                key, when = item["Key"], item["LastModified"]
                if when > at:
                    continue  # judged as of `at`: what was written later did not exist yet
                if key.startswith(prefix):
                    quality = item if quality is None or when > quality["LastModified"] else quality
                elif not key.startswith(RESERVED):
                    newest = when if newest is None or when > newest else newest
            token = page.get("NextContinuationToken")
            if not token:
                break
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("NoSuchBucket", "NoSuchAccessPoint"):
            raise
        product.state = "not deployed"
        return
    product.last_write = newest
    if newest is None:
        product.state = NEVER
    elif product.freshness_hours is None:
        product.state = FRESH  # no promise to judge against
    else:
        product.state = FRESH if (at - newest).total_seconds() <= product.freshness_hours * 3600 else STALE
    if quality is not None:
        body = s3.get_object(Bucket=point, Key=quality["Key"])["Body"].read()
        counter[0] += 1
        try:
            failed = json.loads(body).get("failed")  # what `meshplane test` stores (quality.Report.as_json)
        except (ValueError, AttributeError):
            failed = None
        product.quality = "passed" if failed is False else "failed"
        product.quality_at = quality["LastModified"]


def _paths_to_broken(mesh: Mesh, address: str, found: dict[str, ProductStatus]) -> list[dict]:
    """Every lineage path from `address` up to an input that is stale, failing or never written (the path stops there)."""
    paths: list[dict] = []

    def walk(path: list[str]) -> None:
        for upstream, _ in mesh.products[path[-1]].reads:
            if upstream in path or upstream not in found:
                continue
            if found[upstream].broken:
                paths.append({"path": [*path, upstream], "because": found[upstream].trouble})
            else:
                walk([*path, upstream])

    walk([address])
    return paths


def text(report: StatusReport) -> list[str]:
    """One line per product, then its paths at risk, then the calls made."""
    lines = []
    for p in report.products:
        if p.last_write is None:
            age = "no data"
        else:
            hours = (report.at - p.last_write).total_seconds() / 3600
            age = f"last write {p.last_write.isoformat()} ({hours:.1f} h ago"
            age += f", promises {p.freshness_hours:g} h)" if p.freshness_hours is not None else ")"
        lines.append(f"{p.address}: {p.state}; {age}; alarm {p.alarm}; quality {p.quality}")
        lines.extend(f"  at risk: {' <- '.join(risk['path'])} ({risk['because']})" for risk in p.at_risk)
    return lines

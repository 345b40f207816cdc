"""Compliant and non-compliant cases for every governance rule (tests/governance/test_rules.py runs them).

A mesh case gives a mesh, a federation and an environment, and for a non-compliant case the file and
YAML path its first finding must point at. A resource case gives a stack of inventory records.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import govkit as k

from components import tokens
from meshplane.cloud.inventory import Resource
from meshplane.cloud.quotas import DEFAULTS, QuotaBook
from meshplane.declarations.federation import Federation
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.spec import Environment
from meshplane.governance.baseline import Baseline
from meshplane.governance.context import MeshContext
from meshplane.governance.registry import RULES
from meshplane.governance.rule import Finding, Subject
from meshplane.governance.usage import usage

TODAY = datetime.date(2025, 6, 1)  # deprecation dates are judged against it


@dataclass(frozen=True)
class MeshSubject:
    mesh: Mesh
    federation: Federation
    env: Environment = Environment.prod
    base: Baseline | None = None  # the mesh before the change under review


@dataclass(frozen=True)
class StackSubject:
    resources: list[Resource]
    federation: Federation = field(default_factory=Federation)
    book: QuotaBook = DEFAULTS  # the quotas the stack declares raised


@dataclass(frozen=True)
class Case:
    rule: str
    name: str
    compliant: bool
    subject: Callable[[], MeshSubject | StackSubject]
    where: tuple[str, tuple] | None = None  # (file, YAML path) of the first finding, for mesh cases
    culprit: str | None = None  # the type of the resource the first finding names, for resource cases

    @property
    def id(self) -> str:
        return f"{self.rule}-{'ok' if self.compliant else 'bad'}-{self.name}"


def run(rule_id: str, subject: MeshSubject | StackSubject) -> list[Finding]:
    """The rule's findings on the subject: the pure function, nothing else."""
    rule = RULES[rule_id]
    if rule.subject is Subject.mesh:
        return list(rule.check(MeshContext(mesh=subject.mesh, federation=subject.federation, env=subject.env, base=subject.base, today=TODAY)))
    if rule.subject is Subject.stack:
        return list(rule.check(subject.resources, subject.federation))
    if rule.subject is Subject.usage:
        return list(rule.check(usage(subject.resources, subject.book), subject.federation))
    return [f for r in subject.resources for f in rule.check(r, subject.federation)]


CASES: list[Case] = []


def ok(rule: str, name: str, subject: Callable) -> None:
    CASES.append(Case(rule, name, True, subject))


def bad(rule: str, name: str, subject: Callable, where: tuple[str, tuple] | None = None, culprit: str | None = None) -> None:
    CASES.append(Case(rule, name, False, subject, where, culprit))


LISTENS = "domains/users/products/play-events.yaml"
PLAYS = "domains/podcasts/products/podcast-plays.yaml"
FED = "governance/federation.yaml"


def m(change_listens=None, change_plays=None, federation: Federation | None = None, env: str = "prod", based: bool = False) -> Callable:
    """The test mesh, changed; `based`: reviewed as a change of the unchanged test mesh."""

    def subject() -> MeshSubject:
        fed = federation or k.federation()
        base = Baseline.of(k.mesh(), fed.open_classifications) if based else None
        return MeshSubject(k.mesh(change_listens, change_plays), fed, Environment(env), base)

    return subject


def both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for c in changes:
            c(data)

    return change


def s(stack: Callable[[], list[Resource]], federation: Federation | None = None, book: QuotaBook = DEFAULTS) -> Callable:
    return lambda: StackSubject(stack(), federation or Federation(), book)


def setter(path: tuple, value) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            target.pop(path[-1])
        else:
            target[path[-1]] = value

    return change


_DELETE = object()

# --- mesh rules ---------------------------------------------------------------------------------------

ok("MESH-001", "email-owner", m())
bad("MESH-001", "blank-owner", m(setter(("owner",), "   ")), (LISTENS, ("owner",)))
bad("MESH-001", "team-name", m(None, setter(("owner",), "Podcasts Team")), (PLAYS, ("owner",)))

ok("MESH-002", "described", m())
bad("MESH-002", "short-description", m(setter(("description",), "Plays.")), (LISTENS, ("description",)))
bad("MESH-002", "short-column", m(setter(("output", "columns", 1, "description"), "Secs")), (LISTENS, ("output", "columns", 1, "description")))
bad("MESH-002", "short-partition", m(setter(("output", "partitions", 0, "description"), "Day")), (LISTENS, ("output", "partitions", 0, "description")))

ok("MESH-003", "pii-in-confidential", m())
bad("MESH-003", "pii-in-internal", m(None, setter(("output", "columns", 1, "pii"), True)), (PLAYS, ("output", "columns", 1, "pii")))
bad("MESH-003", "classification-lowered", m(setter(("classification",), "internal"), None), (LISTENS, ("output", "columns", 0, "pii")))

ok("MESH-004", "listed-consumers", m())
ok("MESH-004", "closed-without-consumers", m(setter(("consumers",), []), setter(("inputs",), [])))
bad(
    "MESH-004",
    "federation-opens-confidential",
    m(setter(("consumers",), []), federation=k.federation(k.FEDERATION_TEXT.replace("open_to_mesh: [public, internal]", "open_to_mesh: [public, internal, confidential]"))),
    (FED, ("open_to_mesh", 2)),
)

ok("MESH-005", "agreed-by-domain", m())
ok("MESH-005", "agreed-by-product", m(setter(("consumers",), ["podcasts/podcast-plays"])))
ok("MESH-005", "no-base-no-error", m(setter(("consumers",), ["artists"])))  # new or withdrawn, nobody can tell: MESH-015 warns
bad("MESH-005", "added-in-the-change", lambda: dataclasses.replace(m(setter(("consumers",), ["artists"]))(), base=_unread()), (PLAYS, ("inputs", 0)))
ok("MESH-005", "withdrawn-in-the-change", lambda: dataclasses.replace(m(setter(("consumers",), ["artists"]))(), base=_granted()))

RETIRED = {"date": "2025-03-01"}
SOON = {"date": "2025-09-01"}
VERSION_2 = setter(("output", "version"), 2)


def _granted() -> Baseline:
    """The unchanged test mesh as the base: podcasts/podcast-plays reads users/play-events, granted."""
    return Baseline.of(k.mesh(), k.federation().open_classifications)


def _unread() -> Baseline:
    """The test mesh before podcasts/podcast-plays declared its input."""
    return Baseline.of(k.mesh(None, setter(("inputs",), [])), k.federation().open_classifications)


def _previous(status: str, deprecation: dict) -> Callable[[dict], None]:
    """users/play-events publishes version 2, keeping version 1 beside it."""
    return lambda data: data.update(previous_outputs=[{**data["output"], "version": 1, "status": status, "deprecation": deprecation}])


ok("MESH-012", "served", m())
ok("MESH-012", "retired-reader", m(both(setter(("status",), "retired"), setter(("deprecation",), RETIRED), setter(("consumers",), [])), setter(("inputs",), [])))
bad("MESH-012", "retired-product", m(both(setter(("status",), "retired"), setter(("deprecation",), RETIRED))), (PLAYS, ("inputs", 0)))
bad("MESH-012", "retired-version", m(both(_previous("retired", RETIRED), VERSION_2)), (PLAYS, ("inputs", 0)))
ok("MESH-012", "current-version", m(both(_previous("retired", RETIRED), VERSION_2), setter(("inputs",), ["users/play-events@2"])))

ok("MESH-013", "active", m())
bad("MESH-013", "deprecated-product", m(both(setter(("status",), "deprecated"), setter(("deprecation",), SOON))), (PLAYS, ("inputs", 0)))
bad("MESH-013", "draft-product", m(setter(("status",), "draft")), (PLAYS, ("inputs", 0)))
bad("MESH-013", "deprecated-version", m(both(_previous("deprecated", SOON), VERSION_2)), (PLAYS, ("inputs", 0)))
ok("MESH-013", "moved-to-the-new-version", m(both(_previous("deprecated", SOON), VERSION_2), setter(("inputs",), ["users/play-events@2"])))
bad(
    "MESH-013",
    "deprecation-date-passed",
    m(both(setter(("status",), "deprecated"), setter(("deprecation",), RETIRED)), setter(("inputs",), [])),
    (LISTENS, ("deprecation", "date")),
)
bad(
    "MESH-013",
    "version-date-passed",
    m(both(_previous("deprecated", RETIRED), VERSION_2), setter(("inputs",), ["users/play-events@2"])),
    (LISTENS, ("previous_outputs", 0, "deprecation", "date")),
)

ok("MESH-014", "declassified-with-a-reason", m())
ok("MESH-014", "as-sensitive-as-its-input", m(None, both(setter(("classification",), "confidential"), setter(("declassification",), _DELETE))))
bad("MESH-014", "lowered-silently", m(None, setter(("declassification",), _DELETE)), (PLAYS, ("classification",)))
bad(
    "MESH-014",
    "personal-data-raises-the-floor",
    m(setter(("classification",), "internal"), both(setter(("declassification",), _DELETE), setter(("classification",), "internal"))),
    (PLAYS, ("classification",)),
)

ok("MESH-015", "agreed", m(based=True))
bad("MESH-015", "no-base-a-warning", m(setter(("consumers",), ["artists"])), (PLAYS, ("inputs", 0)))
ok("MESH-015", "new-refusal-is-mesh-005s", lambda: dataclasses.replace(m(setter(("consumers",), ["artists"]))(), base=_unread()))
bad("MESH-015", "withdrawn", lambda: dataclasses.replace(m(setter(("consumers",), ["artists"]))(), base=_granted()), (PLAYS, ("inputs", 0)))

ok("MESH-006", "vocabulary", m())
bad("MESH-006", "unknown-polyseme", m(None, setter(("output", "columns", 1, "polyseme"), "plays")), (PLAYS, ("output", "columns", 1, "polyseme")))
bad("MESH-006", "other-name", m(setter(("output", "columns", 0, "name"), "listener"), None), (LISTENS, ("output", "columns", 0, "name")))
bad("MESH-006", "other-type", m(setter(("output", "columns", 0, "type"), "bigint"), None), (LISTENS, ("output", "columns", 0, "type")))

ok("MESH-007", "declared", m())
bad("MESH-007", "undeclared", m(None, setter(("output", "columns", 0, "polyseme"), _DELETE)), (PLAYS, ("output", "columns", 0, "name")))

ok("MESH-008", "within-bounds", m())
ok("MESH-008", "public-long", m(None, setter(("retention_days",), 3650)))
bad("MESH-008", "too-long", m(setter(("retention_days",), 2000)), (LISTENS, ("retention_days",)))
bad(
    "MESH-008",
    "dev-override-too-short",
    m(setter(("environments",), {"dev": {"retention_days": 1}}), env="dev"),
    (LISTENS, ("environments", "dev", "retention_days")),
)

ok("MESH-009", "stated", m())
bad("MESH-009", "missing", m(setter(("service_levels",), _DELETE)), (LISTENS, ("name",)))
ROW_COUNT = k.federation_with("quality:\n  prod:\n    required_metrics: [rowCount]\n")
COUNTED = setter(("output", "quality"), [{"metric": "rowCount", "mustBeGreaterThan": 0, "unit": "rows"}])
ok("MESH-009", "required-metric-on-the-port", m(COUNTED, COUNTED, federation=ROW_COUNT))
NULLS = k.federation_with("quality:\n  prod:\n    required_metrics: [nullValues]\n")
NO_NULLS = setter(("output", "columns", 1, "quality"), [{"metric": "nullValues", "mustBe": 0}])
ok("MESH-009", "required-metric-on-a-column", m(NO_NULLS, NO_NULLS, federation=NULLS))
ok("MESH-009", "not-required-in-dev", m(federation=ROW_COUNT, env="dev"))
ok("MESH-009", "draft-not-required", m(COUNTED, setter(("status",), "draft"), federation=ROW_COUNT))
bad("MESH-009", "required-metric-missing", m(COUNTED, setter(("output", "columns", 1, "quality"), [{"metric": "nullValues", "mustBe": 0}]), federation=ROW_COUNT), (PLAYS, ("output",)))

FRESH = ("service_levels", "freshness_hours")
WEEKLY = setter(("job", "schedule"), "0 0 * * 0")


def _loosened(hours: float) -> Callable:
    """users/play-events promises `hours`, reviewed as a change of the test mesh (where it promised 24)."""
    return m(setter(FRESH, hours), based=True)


# the test mesh: users/play-events promises 24 h on the default daily schedule; podcast-plays reads it, daily, promising 48
ok("MESH-017", "daily-job-24-hours", m())
ok("MESH-017", "suspended-promises-nothing", m(both(setter(FRESH, 1), setter(("job", "suspended"), True))))
ok("MESH-017", "suspended-in-dev", m(both(setter(FRESH, 1), setter(("environments",), {"dev": {"suspended": True}})), env="dev"))
ok("MESH-017", "hourly-job-1-hour", m(both(setter(FRESH, 1), setter(("job", "schedule"), "@hourly"))))
bad("MESH-017", "daily-job-1-hour", m(setter(FRESH, 1)), (LISTENS, FRESH))
bad("MESH-017", "weekly-in-dev", m(None, setter(("environments",), {"dev": {"schedule": "0 0 * * 0"}}), env="dev"), (PLAYS, FRESH))
bad("MESH-017", "monthly-72-hours", m(None, both(setter(("job", "schedule"), "0 6 2 * *"), setter(FRESH, 72))), (PLAYS, FRESH))

ok("MESH-018", "exactly-inputs-plus-period", m())  # 24 + 24
ok("MESH-018", "unagreed-input-is-mesh-015s", m(setter(("consumers",), []), setter(FRESH, 24)))
ok("MESH-018", "producers-change-is-mesh-019s", _loosened(30))
ok("MESH-018", "schedule-alone-is-mesh-017s", m(None, setter(FRESH, 20)))
ok("MESH-018", "more-often-than-daily", m(None, both(setter(FRESH, 30), setter(("job", "schedule"), "0 */6 * * *"))))  # 24 + 6
bad("MESH-018", "fresher-than-inputs", m(None, setter(FRESH, 40)), (PLAYS, FRESH))
bad("MESH-018", "no-base", m(setter(FRESH, 30)), (PLAYS, FRESH))
bad("MESH-018", "input-added-in-the-change", lambda: dataclasses.replace(m(setter(FRESH, 30))(), base=_unread()), (PLAYS, FRESH))

ok("MESH-019", "unchanged", m(based=True))
ok("MESH-019", "no-base-is-mesh-018s", m(setter(FRESH, 30)))
ok("MESH-019", "tightened", _loosened(12))
bad("MESH-019", "producer-loosened", _loosened(30), (PLAYS, ("inputs", 0)))

ok("MESH-020", "at-most-the-inputs", m())
ok("MESH-020", "equal-to-the-input", m(None, setter(("service_levels", "availability"), 99.9)))
bad("MESH-020", "above-the-input", m(None, setter(("service_levels", "availability"), 99.95)), (PLAYS, ("service_levels", "availability")))

ok("MESH-021", "seven-days", m(None, both(WEEKLY, setter(FRESH, 168))))
ok("MESH-021", "retired", m(None, both(WEEKLY, setter(FRESH, 192), setter(("status",), "retired"), setter(("deprecation",), RETIRED))))
bad("MESH-021", "beyond-seven-days", m(None, both(WEEKLY, setter(FRESH, 192))), (PLAYS, FRESH))

ok("MESH-010", "digest", m())
ok("MESH-010", "release-tag", m(None, setter(("job", "image"), "registry.daff.example/podcasts/podcast-plays:v2.0.1-rc.1")))
ok("MESH-010", "registry-port", m(None, setter(("job", "image"), "registry.daff.example:5000/podcasts/plays:2.0.1")))
bad("MESH-010", "latest", m(None, setter(("job", "image"), "registry.daff.example/podcasts/podcast-plays:latest")), (PLAYS, ("job", "image")))
bad("MESH-010", "no-tag", m(None, setter(("job", "image"), "registry.daff.example:5000/podcasts/plays")), (PLAYS, ("job", "image")))
bad("MESH-010", "moving-tag", m(None, setter(("job", "image"), "registry.daff.example/podcasts/plays:main")), (PLAYS, ("job", "image")))
bad("MESH-010", "short-digest", m(setter(("job", "image"), "registry.daff.example/users/play-events@sha256:0123abcd"), None), (LISTENS, ("job", "image")))

ok("MESH-011", "snake-case", m())
bad("MESH-011", "double-underscore", m(None, setter(("output", "columns", 1, "name"), "plays__total")), (PLAYS, ("output", "columns", 1, "name")))
bad("MESH-011", "trailing-underscore", m(setter(("output", "partitions", 0, "name"), "play_date_"), None), (LISTENS, ("output", "partitions", 0, "name")))
bad("MESH-011", "too-long", m(None, setter(("output", "columns", 1, "name"), "plays_" + "x" * 70)), (PLAYS, ("output", "columns", 1, "name")))

def _rules(*rules: dict, column: int | None = None) -> Callable[[dict], None]:
    """users/play-events with quality rules on its port, or on its column `column` (0: listener_id, a string; 1:
    played_seconds, an int)."""
    return setter(("output", "quality") if column is None else ("output", "columns", column, "quality"), list(rules))


_DUPLICATES = {"metric": "duplicateValues", "mustBe": 0}
ok("MESH-016", "fitting", m(both(
    _rules({**_DUPLICATES, "arguments": {"properties": ["listener_id", "play_date"]}},
           {"type": "sql", "query": "SELECT COUNT(*) FROM ${table} WHERE played_seconds < 0", "mustBe": 0}),
    _rules({"metric": "invalidValues", "arguments": {"pattern": "^[0-9a-f-]{36}$"}, "mustBe": 0}, column=0),
)))  # fmt: skip
ok("MESH-016", "numbers-of-an-int", m(_rules({"metric": "invalidValues", "arguments": {"validValues": [0, 30, 60]}, "mustBe": 0}, column=1)))
bad("MESH-016", "unknown-column", m(_rules({**_DUPLICATES, "arguments": {"properties": ["listener_id", "track_id"]}})),
    (LISTENS, ("output", "quality", 0, "arguments", "properties", 1)))
bad("MESH-016", "sql-unknown-column", m(_rules({"type": "sql", "query": "SELECT COUNT(*) FROM ${table} WHERE seconds < 0", "mustBe": 0})),
    (LISTENS, ("output", "quality", 0, "query")))
bad("MESH-016", "pattern-on-an-int", m(_rules({"metric": "invalidValues", "arguments": {"pattern": "^[0-9]+$"}, "mustBe": 0}, column=1)),
    (LISTENS, ("output", "columns", 1, "quality", 0, "arguments", "pattern")))
bad("MESH-016", "text-in-an-int", m(_rules({"metric": "invalidValues", "arguments": {"validValues": [0, "thirty"]}, "mustBe": 0}, column=1)),
    (LISTENS, ("output", "columns", 1, "quality", 0, "arguments", "validValues", 1)))
bad("MESH-016", "missing-number-in-a-string", m(_rules({"metric": "missingValues", "arguments": {"missingValues": [None, 0]}, "mustBe": 0}, column=0)),
    (LISTENS, ("output", "columns", 0, "quality", 0, "arguments", "missingValues", 1)))

_OWN = {"metric": "rowCount", "mustBeGreaterThan": 0, "schedule": "0 6 1 * *"}  # a monthly count, on its own schedule
bad("MESH-016", "own-schedule-past-the-monitors", m(_rules(_OWN)), (LISTENS, ("output", "quality", 0, "schedule")))  # 2 + 2 + 2 > 5
ok("MESH-016", "own-schedule-without-freshness", m(both(setter(("service_levels",), _DELETE), _rules(_OWN))))  # 2 + 2 <= 5
ok("MESH-016", "own-schedule-of-warnings-without-freshness", m(both(setter(("service_levels",), _DELETE),
                                                                  _rules({**_OWN, "severity": "warning"}, {**_OWN, "mustBeGreaterThan": 9})))  # 2 + 3
   )  # fmt: skip
bad("MESH-016", "two-own-schedules-without-freshness", m(both(setter(("service_levels",), _DELETE),
                                                            _rules(_OWN, {**_OWN, "schedule": "0 7 * * *"}))),  # 2 + 2 + 2 > 5
    (LISTENS, ("output", "quality", 1, "schedule")))  # fmt: skip


# --- resource rules -----------------------------------------------------------------------------------

SSE = "BucketServerSideEncryptionConfiguration"
PAB = "BucketPublicAccessBlock"
BUCKET_POLICY = "bucketPolicy:BucketPolicy"
VERSIONING = "BucketVersioning"
CRONJOB = "batch/v1:CronJob"
SPARK = "ScheduledSparkApplication"

for rule in ("RES-001", "RES-002", "RES-003", "RES-004", "RES-005", "RES-006", "RES-007", "RES-008", "RES-009", "RES-010"):
    ok(rule, "platform-defaults", s(k.compliant_stack))

bad("RES-001", "missing", s(lambda: k.without(k.compliant_stack(), SSE)), culprit=tokens.BUCKET)
bad("RES-001", "aes256", s(lambda: k.changed(k.compliant_stack(), SSE, setter(("rules", 0, "applyServerSideEncryptionByDefault", "sseAlgorithm"), "AES256"))))
bad("RES-001", "no-bucket-key", s(lambda: k.changed(k.compliant_stack(), SSE, setter(("rules", 0, "bucketKeyEnabled"), False))))
bad("RES-001", "other-bucket", s(lambda: k.changed(k.compliant_stack(), SSE, setter(("bucket",), "someone-elses-bucket"))), culprit=tokens.BUCKET)
ok(
    "RES-001",
    "unknown-name-same-parent",  # during a preview the companion's bucket name may not be known yet
    s(lambda: k.changed(k.compliant_stack(), SSE, setter(("bucket",), "04da6b54-80e4-46f7-96ec-b56ff0331ba9"))),
)

bad("RES-002", "missing", s(lambda: k.without(k.compliant_stack(), PAB)), culprit=tokens.BUCKET)
bad("RES-002", "policy-allowed", s(lambda: k.changed(k.compliant_stack(), PAB, setter(("blockPublicPolicy",), False))))
bad("RES-002", "flag-absent", s(lambda: k.changed(k.compliant_stack(), PAB, setter(("restrictPublicBuckets",), _DELETE))))

bad("RES-003", "missing", s(lambda: k.without(k.compliant_stack(), BUCKET_POLICY)), culprit=tokens.BUCKET)
bad("RES-003", "no-deny", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.READERS)))))
bad(
    "RES-003",
    "deny-on-tls",
    s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc({**k.TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}})))),
)
bad(
    "RES-003",
    "deny-one-action",
    s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc({**k.TLS_DENY, "Action": "s3:GetObject"})))),
)
bad("RES-003", "unreadable", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), "{not json"))))
ok("RES-003", "boolean-condition", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc({**k.TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": False}}})))))

bad("RES-004", "missing", s(lambda: k.without(k.compliant_stack(), VERSIONING)), culprit=tokens.BUCKET)
bad("RES-004", "suspended", s(lambda: k.changed(k.compliant_stack(), VERSIONING, setter(("versioningConfiguration", "status"), "Suspended"))))

bad("RES-005", "service-wildcard", s(lambda: k.changed(k.compliant_stack(), "rolePolicy:RolePolicy", setter(("policy",), k.doc({**k.WRITE_OWN, "Action": "s3:*"})))))
bad("RES-005", "star", s(lambda: k.changed(k.compliant_stack(), "iam/policy:Policy", setter(("policy",), k.doc({**k.WRITE_OWN, "Action": "*"})))))
bad("RES-005", "prefix-wildcard", s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("inlinePolicies",), [{"name": "x", "policy": k.doc({**k.WRITE_OWN, "Action": ["s3:Get*"]})}]))))
bad("RES-005", "not-action", s(lambda: k.changed(k.compliant_stack(), "rolePolicy:RolePolicy", setter(("policy",), k.doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})))))
bad("RES-005", "bucket-policy", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**k.READERS, "Action": "s3:*"})))))
ok("RES-005", "deny-wildcard", s(lambda: k.changed(k.compliant_stack(), "rolePolicy:RolePolicy", setter(("policy",), k.doc(k.WRITE_OWN, {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"})))))

bad("RES-006", "trust-everyone", s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("assumeRolePolicy",), k.doc({**k.POD_IDENTITY_TRUST, "Principal": "*"})))))
UNPINNED = {key: value for key, value in k.READERS.items() if key != "Condition"}
bad("RES-006", "bucket-any-account", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**UNPINNED, "Principal": {"AWS": "*"}})))))
bad("RES-006", "aws-list-with-star", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**UNPINNED, "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}})))))
bad("RES-006", "pinned-by-a-wildcard", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**UNPINNED, "Principal": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}})))))
bad("RES-006", "access-points-of-any-account", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**UNPINNED, "Principal": "*", "Condition": {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:eu-west-1:*:accesspoint/*"}}})))))
ok("RES-006", "star-pinned-to-principals", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**k.READERS, "Principal": "*"})))))
ok("RES-006", "star-pinned-to-own-access-points", s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, {**UNPINNED, "Principal": "*", "Condition": {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:eu-west-1:111111111111:accesspoint/daff-dev-0123456789-*"}}})))))

POD = ("spec", "jobTemplate", "spec", "template", "spec")
CONTAINER = (*POD, "containers", 0)
DRIVER = ("spec", "template", "driver")
EXECUTOR = ("spec", "template", "executor")

bad("RES-007", "run-as-root", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "securityContext", "runAsUser"), 0.0))))
bad(
    "RES-007",
    "non-root-unset",
    s(lambda: k.changed(k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "securityContext", "runAsNonRoot"), _DELETE)), CRONJOB, setter((*POD, "securityContext"), {}))),
)
bad("RES-007", "spark-driver-root", s(lambda: k.changed(k.compliant_stack(), SPARK, setter((*DRIVER, "securityContext", "runAsNonRoot"), False))))
ok("RES-007", "pod-level-only", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "securityContext", "runAsNonRoot"), _DELETE))))

bad("RES-008", "writable", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "securityContext", "readOnlyRootFilesystem"), False))))
bad("RES-008", "spark-executor-unset", s(lambda: k.changed(k.compliant_stack(), SPARK, setter((*EXECUTOR, "securityContext", "readOnlyRootFilesystem"), _DELETE))))

bad("RES-009", "escalation-unset", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "securityContext", "allowPrivilegeEscalation"), _DELETE))))
bad("RES-009", "privileged", s(lambda: k.changed(k.compliant_stack(), SPARK, setter((*DRIVER, "securityContext", "privileged"), True))))
bad(
    "RES-009",
    "init-container",
    s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*POD, "initContainers"), [{"name": "init", "securityContext": {"readOnlyRootFilesystem": True}}]))),
)

bad("RES-010", "no-limits", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "resources", "limits"), _DELETE))))
bad("RES-010", "no-memory-request", s(lambda: k.changed(k.compliant_stack(), CRONJOB, setter((*CONTAINER, "resources", "requests", "memory"), _DELETE))))
bad("RES-010", "spark-no-core-limit", s(lambda: k.changed(k.compliant_stack(), SPARK, setter((*EXECUTOR, "coreLimit"), _DELETE))))

# --- limit rules --------------------------------------------------------------------------------------


def _policy_of_size(chars: int, pretty: bool = False) -> str:
    """A managed policy document of about `chars` characters (minified)."""
    base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": []}]}
    i = 0
    while len(json.dumps(base, separators=(",", ":"))) < chars:
        base["Statement"][0]["Resource"].append(f"arn:aws:s3:::bucket-{i:05d}/*")
        i += 1
    return json.dumps(base, indent=8 if pretty else None)


ACCOUNT = "the stack's account"  # the cases' resources have no provider: they count in the stack's default account


def _raised(**quotas: int) -> QuotaBook:
    return QuotaBook({ACCOUNT: dict(quotas)}, {ACCOUNT: ("stacks/Pulumi.prod.yaml", 4)})


ok("LIM-001", "small", s(k.compliant_stack))
ok("LIM-001", "whitespace-not-counted", s(lambda: k.changed(k.compliant_stack(), "iam/policy:Policy", setter(("policy",), _policy_of_size(6000, pretty=True)))))
bad("LIM-001", "too-large", s(lambda: k.changed(k.compliant_stack(), "iam/policy:Policy", setter(("policy",), _policy_of_size(6200)))), culprit=tokens.MANAGED_POLICY)


def _role_policies(count: int, chars: int) -> list[Resource]:
    return [
        k.resource(tokens.ROLE_POLICY, f"users/play-events-read-{i}", {"name": f"read-{i}", "role": k.ROLE, "policy": _policy_of_size(chars)}, parent=k.ACCESS)
        for i in range(count)
    ]


ok("LIM-002", "small", s(k.compliant_stack))
ok("LIM-002", "near-the-total", s(lambda: k.with_extra(k.compliant_stack(), *_role_policies(3, 3000))))
bad("LIM-002", "over-the-total", s(lambda: k.with_extra(k.compliant_stack(), *_role_policies(3, 3500))), culprit=tokens.ROLE)
bad(
    "LIM-002",
    "inline-on-the-role",
    s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("inlinePolicies",), [{"name": f"p{i}", "policy": _policy_of_size(2600)} for i in range(4)]))),
)

ok("LIM-003", "small", s(k.compliant_stack))
bad(
    "LIM-003",
    "over-20kb",
    s(lambda: k.changed(k.compliant_stack(), BUCKET_POLICY, setter(("policy",), k.doc(k.TLS_DENY, *[{**k.READERS, "Sid": f"Reader{i}"} for i in range(60)])))),
    culprit=tokens.BUCKET_POLICY,
)


def _attachments(count: int) -> list[Resource]:
    return [
        k.resource(tokens.ROLE_POLICY_ATTACHMENT, f"users/play-events-a{i}", {"role": k.ROLE, "policyArn": f"arn:aws:iam::111111111111:policy/p{i}"}, parent=k.ACCESS)
        for i in range(count)
    ]


ok("LIM-004", "one", s(k.compliant_stack))
ok("LIM-004", "ten", s(lambda: k.with_extra(k.compliant_stack(), *_attachments(9))))
bad("LIM-004", "eleven", s(lambda: k.with_extra(k.compliant_stack(), *_attachments(10))), culprit=tokens.ROLE)
bad("LIM-004", "on-the-role", s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("managedPolicyArns",), [f"arn:aws:iam::1:policy/m{i}" for i in range(11)]))))
bad(
    "LIM-004",
    "exclusive-attachments",
    s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE, "users/play-events-attached",
      {"roleName": k.ROLE, "policyArns": [f"arn:aws:iam::111111111111:policy/s{i}" for i in range(11)]}, parent=k.ACCESS))),
)  # fmt: skip
ok("LIM-004", "raised-quota", s(lambda: k.with_extra(k.compliant_stack(), *_attachments(10)), book=_raised(**{"iam.managed-policies-per-role": 20})))

IRSA = [
    {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{i:032d}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"oidc.eks.eu-west-1.amazonaws.com/id/{i:032d}:sub": "system:serviceaccount:users:play-events"}},
    }
    for i in range(8)
]
ok("LIM-005", "pod-identity", s(k.compliant_stack))
bad("LIM-005", "irsa-per-cluster", s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("assumeRolePolicy",), k.doc(*IRSA)))), culprit=tokens.ROLE)
ok("LIM-005", "irsa-with-a-raised-quota", s(lambda: k.changed(k.compliant_stack(), "iam/role:Role", setter(("assumeRolePolicy",), k.doc(*IRSA))),
                                             book=_raised(**{"iam.trust-policy-size": 4096})))  # fmt: skip


def _roles(count: int) -> list[Resource]:
    return [k.resource(tokens.ROLE, f"users/r{i}", {"name": f"r{i}", "assumeRolePolicy": k.doc(k.POD_IDENTITY_TRUST)}, parent=k.ACCESS) for i in range(count)]


ok("LIM-006", "default-quotas", s(k.compliant_stack))
bad("LIM-006", "roles-past-the-default", s(lambda: k.with_extra(k.compliant_stack(), *_roles(1000))))
ok("LIM-006", "roles-raised", s(lambda: k.with_extra(k.compliant_stack(), *_roles(1000)), book=_raised(**{"iam.roles": 5000})))

AP = {"name": "daff-dev-0123456789-9876543210", "bucket": k.BUCKET}
ok("LIM-007", "one-consumer", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.ACCESS_POINT, "users/play-events-to/a/access-point", {**AP, "policy": k.doc(k.READERS)}))))
bad("LIM-007", "over-20kb", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.ACCESS_POINT, "users/play-events-to/a/access-point",
    {**AP, "policy": k.doc(*[{**k.READERS, "Sid": f"R{i}"} for i in range(60)])}))), culprit=tokens.ACCESS_POINT)  # fmt: skip

KEY_POLICY = {"Sid": "Use", "Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt"], "Resource": "*",
              "Condition": {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::111111111111:role/reader-{i:04d}" for i in range(5)]}}}  # fmt: skip
ok("LIM-008", "constant", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.KEY, "users-key", {"policy": k.doc(KEY_POLICY)}))))
bad("LIM-008", "a-reader-each", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.KEY, "users-key",
    {"policy": k.doc({**KEY_POLICY, "Condition": {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::111111111111:role/reader-{i:04d}" for i in range(900)]}}})}))),
    culprit=tokens.KEY)  # fmt: skip


def _grants(count: int) -> list[Resource]:
    key = dataclasses.replace(k.resource(tokens.KEY, "users-key", {"policy": k.doc(KEY_POLICY)}), id="key-1")
    return [key] + [
        k.resource(tokens.KEY_GRANT, f"g{i}", {"keyId": "arn:aws:kms:eu-west-1:111111111111:key/key-1", "granteePrincipal": "r", "operations": ["Decrypt"]})
        for i in range(count)
    ]


ok("LIM-009", "a-few", s(lambda: k.with_extra(k.compliant_stack(), *_grants(3))))
bad("LIM-009", "past-50000", s(lambda: k.with_extra(k.compliant_stack(), *_grants(50_001))), culprit=tokens.KEY)

ok("LIM-010", "small", s(k.compliant_stack))
bad("LIM-010", "managed-policy-at-85-percent", s(lambda: k.changed(k.compliant_stack(), "iam/policy:Policy", setter(("policy",), _policy_of_size(5230)))), culprit=tokens.MANAGED_POLICY)
bad("LIM-010", "roles-at-80-percent", s(lambda: k.with_extra(k.compliant_stack(), *_roles(800))))
ok("LIM-010", "roles-at-80-percent-of-a-raised-quota", s(lambda: k.with_extra(k.compliant_stack(), *_roles(800)), book=_raised(**{"iam.roles": 5000})))
ok("LIM-010", "a-looser-federation", s(lambda: k.with_extra(k.compliant_stack(), *_roles(800)), Federation(headroom=0.9)))


def _organization(policies: int, content: str = '{"Version":"2012-10-17","Statement":[]}') -> list[Resource]:
    made = []
    for i in range(policies):
        policy = dataclasses.replace(k.resource(tokens.ORG_POLICY, f"perimeter-{i}", {"type": "SERVICE_CONTROL_POLICY", "content": content}), id=f"p-{i:08d}")
        made += [policy, k.resource(tokens.ORG_POLICY_ATTACHMENT, f"perimeter-{i}-attachment", {"policyId": f"p-{i:08d}", "targetId": "444444444444"})]
    return made


ok("LIM-011", "the-perimeter", s(lambda: k.with_extra(k.compliant_stack(), *_organization(1, _policy_of_size(900)))))
ok("LIM-011", "four-of-a-type-besides-aws-s", s(lambda: k.with_extra(k.compliant_stack(), *_organization(4))))
bad("LIM-011", "five-of-a-type-besides-aws-s", s(lambda: k.with_extra(k.compliant_stack(), *_organization(5))))
bad("LIM-011", "over-5120-characters", s(lambda: k.with_extra(k.compliant_stack(), *_organization(1, _policy_of_size(5200)))), culprit=tokens.ORG_POLICY)

ALARM = {"name": "daff-dev-users-play-events-freshness", "evaluationPeriods": 24, "metricQueries": [
    {"id": "data", "expression": "writes - FILL(results, 0)", "returnData": True},
    {"id": "writes", "metric": {"namespace": "AWS/S3", "metricName": "PutRequests", "period": 3600, "stat": "Sum"}},
    {"id": "results", "metric": {"namespace": "AWS/S3", "metricName": "PutRequests", "period": 3600, "stat": "Sum"}}]}  # fmt: skip
ok("LIM-012", "three-metrics", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.METRIC_ALARM, "users/play-events-freshness", ALARM))))
bad("LIM-012", "eleven-metrics", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.METRIC_ALARM, "users/play-events-freshness",
    {**ALARM, "metricQueries": [ALARM["metricQueries"][1]] * 11}))), culprit=tokens.METRIC_ALARM)  # fmt: skip
bad("LIM-012", "too-many-widgets", s(lambda: k.with_extra(k.compliant_stack(), k.resource(tokens.DASHBOARD, "users-dashboard",
    {"dashboardName": "daff-dev-users", "dashboardBody": json.dumps({"widgets": [{"type": "text"}] * 501})}))), culprit=tokens.DASHBOARD)  # fmt: skip

"""What the cloud holds of each resource the program declares: one reader per resource type.

A reader gives what the program declares of a resource and a way to observe what the cloud holds, both in
one plain shape, so any difference is named by the deepest key or policy statement that differs. `verify`
reports the differences as findings; `up --local` reads before it writes and writes only what differs, so a
run with nothing to change changes nothing, and a repair names what it repaired.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from components import tokens
from components.providers import account_of_provider
from meshplane.cloud.inventory import Resource, whole
from meshplane.local.emulator import Aws, document, error_code
from meshplane.local.ownership import KeyFound, customer_keys, find_key, key_tags
from meshplane.local.shapes import alarm_request, lf_table, list_grants, listed_tags, schedule_request, shape
from meshplane.local.subjects import SHORT, aliases, label
from meshplane.registrations.engine import Evaluation

MISSING = ("404", "NoSuchBucket", "NotFound", "NoSuchEntity", "NotFoundException", "EntityNotFoundException", "NoSuchAccessPoint",
           "ResourceNotFoundException", "ResourceNotFound")  # fmt: skip
ABSENT_CONFIG = {
    "NoSuchTagSet", "OwnershipControlsNotFoundError", "NoSuchPublicAccessBlockConfiguration", "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchLifecycleConfiguration", "NoSuchBucketPolicy", "NoSuchAccessPointPolicy",
}  # fmt: skip


def _normal(value):
    """A policy or configuration as a comparable value: a one-element list is the element, statement order kept."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normal(v) for v in value]
        return items[0] if len(items) == 1 else items
    return whole(value)


SHOWN_DIFFERENCES = 4  # per property: the rest are counted


KEYED_LISTS = {"Statement": "Sid", "rules": "ID"}  # a policy's statements, a lifecycle's rules: each by its own name


def _keyed(value, key: str):
    """A list's items keyed by their name (else their place), so one missing item is one difference."""
    listed = value if isinstance(value, list) else [value]
    if not all(isinstance(s, dict) for s in listed):
        return value
    return {f"[{s.get(key) or f'#{i}'}]": s for i, s in enumerate(listed)}


def _differences(have, want, path: str) -> list[str]:
    """Where `have` departs from `want` (both `_normal`): the deepest key, statement or rule that differs, each once."""
    key = KEYED_LISTS.get(path.rpartition(".")[2])
    if key:
        have, want = _keyed(have, key), _keyed(want, key)
    if not (isinstance(have, dict) and isinstance(want, dict)):
        return [] if have == want else [f"{path} is {_shown(have)}, declared {_shown(want)}"]
    found = []
    for key in sorted(set(have) | set(want), key=str):
        where = f"{path}{key}" if str(key).startswith("[") else f"{path}.{key}"
        if key not in have:
            found.append(f"{where} is absent, declared {_shown(want[key])}")
        elif key not in want:
            found.append(f"{where} is {_shown(have[key])}, declared absent")
        else:
            found += _differences(have[key], want[key], where)
    return found


def departure(prop: str, have, want) -> str | None:
    """One message for a property that departs from its declaration, None when it does not."""
    normal_have, normal_want = _normal(have), _normal(want)
    if normal_have == normal_want:
        return None
    if not (isinstance(normal_have, dict) and isinstance(normal_want, dict)) and prop not in KEYED_LISTS:
        return f"{prop} is {_shown(have)}, declared {_shown(want)}"  # as read and as declared
    found = _differences(normal_have, normal_want, prop)
    more = f" (and {len(found) - SHOWN_DIFFERENCES} more)" if len(found) > SHOWN_DIFFERENCES else ""
    return "; ".join(found[:SHOWN_DIFFERENCES]) + more


def _shown(value) -> str:
    text = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else repr(value)
    return text if len(text) <= 160 else text[:157] + "..."

class Reading:
    """What the cloud holds of the program's resources, each in the plain shape its reader gives the declaration.

    `departures(r)` is None when the resource is absent, else what differs from its declaration ([] when nothing
    does). A KMS key is the stack's own (`ownership.find_key`); what AWS lists for many resources at once (an account's
    keys, roles, managed policies, access points, aliases and Lake Formation locations, a key's grants, a database's
    tables, a catalog's permissions) is listed once and kept, so reading costs the same per resource at any mesh size,
    and what finds what nobody declares reuses those listings. Readers may run in several threads at once: each listing
    is still made once. `calls` counts the API calls made for each resource type.
    """

    def __init__(self, evaluation: Evaluation, accounts: dict[str, Aws], default_account: str, region: str, known_keys: frozenset[str] = frozenset()):
        self.resources = [r for r in evaluation.custom() if not r.type.startswith(tokens.KUBERNETES_PREFIX)]
        self.accounts, self.default_account, self.region, self.known_keys = accounts, default_account, region, known_keys
        self.default_tags = next(
            (json.loads(r.inputs["defaultTags"])["tags"] for r in evaluation.resources if r.type == tokens.AWS_PROVIDER and "defaultTags" in r.inputs), {}
        )
        self.alias_of_key = aliases(self.resources)
        keys = {r.id: r for r in self.resources if r.type == tokens.KEY}
        self.declared_keys = {**keys, **{r.outputs.get("arn"): r for r in keys.values()}}  # the program's key ID or ARN -> the key
        self.key_of_alias = {alias: keys[key] for key, alias in self.alias_of_key.items() if key in keys}
        self.scope = {r.domain for r in self.resources if r.domain}  # the stack's domains
        self.role_parts = _role_parts(self.resources, self.account)  # (account, role) -> its declared inline and attached policies
        self._found: dict[str, KeyFound] = {}  # the program's key ID -> the stack's key in the cloud
        self._account_keys: dict[str, list] = {}
        self._grants: dict[tuple[str, str], list[dict]] = {}  # (account, key ID) -> its grants as KMS lists them
        self._named_grants: dict[tuple[str, str], dict[str, dict]] = {}  # (account, key ID) -> its grants by name
        self._iam: dict[str, IamRead] = {}  # account -> its roles and managed policies, read in a few calls
        self._tables: dict[tuple[str, str], dict[str, dict]] = {}  # (account, database) -> its tables by name
        self._catalog_grants: dict[str, dict] = {}  # catalog (account) -> its Lake Formation permissions
        self._access_points: dict[str, dict[str, str]] = {}  # account -> its access points' names -> their buckets
        self._aliases: dict[str, dict[str, str]] = {}  # account -> its KMS aliases -> the key IDs they name
        self._locations: dict[str, dict[str, str]] = {}  # account -> its Lake Formation locations -> their roles
        self._resolved: dict[tuple[str, str], str] = {}  # (account, alias or key reference) -> the key's ARN
        self.bucket_tags: dict[tuple[str, str], dict[str, str]] = {}  # (account, bucket) -> its tags, as its reader found them
        self.policy_tags: dict[str, dict[str, str]] = {}  # managed policy ARN -> its tags, as its reader found them
        self._alarms: dict[str, dict[str, dict]] = {}  # account -> its metric alarms by name
        self._buckets: dict[str, set[str]] = {}  # account -> its buckets' names
        self._tagged: dict[str, dict[str, dict[str, str]]] = {}  # account -> its tagged buckets' and alarms' ARNs -> their tags
        # the emulator answers the Resource Groups Tagging API from the store its tags are written to; AWS's own answer
        # can lag a write, so on AWS each bucket's and alarm's tags are read from the resource
        self.tags_listed = all(getattr(aws, "endpoint", None) for aws in accounts.values())
        self._subscriptions: dict[tuple[str, str], list[dict]] = {}  # (account, topic ARN) -> its subscriptions
        self.calls: Counter = Counter()  # resource kind -> API calls made to read them
        self._thread = threading.local()  # what the calls made now, in this thread, are counted for
        self._counted: set[int] = set()
        self._lock = threading.Lock()
        self._filling: dict[tuple[int, object], threading.Lock] = {}

    @property
    def reading(self) -> str:
        return getattr(self._thread, "reading", "listings")

    @reading.setter
    def reading(self, kind: str) -> None:
        self._thread.reading = kind

    def once(self, cache: dict, key, fill: Callable[[], object]):
        """`cache[key]`, made by `fill()` once, however many threads ask for it at the same time; its calls are counted
        as listings, shared by the resources that use it."""
        with self._lock:
            if key in cache:
                return cache[key]
            filling = self._filling.setdefault((id(cache), key), threading.Lock())
        with filling:
            if key not in cache:
                kind, self.reading = self.reading, "listings"
                try:
                    cache[key] = fill()
                finally:
                    self.reading = kind
        return cache[key]

    def ahead(self, resources: list[Resource]) -> "Ahead":
        """Read `resources` in a few threads, in their order, while the caller walks them (`Ahead.departures`)."""
        return Ahead(self, resources)

    # where things are -----------------------------------------------------------------------------

    def account(self, r: Resource) -> str:
        return account_of_provider(r.provider, self.default_account)

    def client(self, r: Resource, service: str):
        return self.of(self.account(r), service)

    def of(self, account: str, service: str):
        """The account's client for `service`, its calls counted."""
        return self.counted(self.accounts[account].client(service))

    def kms(self, account: str):
        return self.of(account, "kms")

    def counted(self, client):
        events = getattr(getattr(client, "meta", None), "events", None)  # None: a stand-in of a test
        with self._lock:
            if events is not None and id(client) not in self._counted:
                self._counted.add(id(client))
                events.register("before-call", self._count)
        return client

    def _count(self, **_) -> None:
        kind = self.reading
        with self._lock:
            self.calls[kind] += 1

    def tags(self, r: Resource) -> dict[str, str]:
        return {**self.default_tags, **(r.inputs.get("tags") or {})}

    def label(self, r: Resource) -> str:
        return label(r, self.alias_of_key)

    def keys_of(self, account: str) -> list[tuple[dict, dict[str, str]]]:
        """The account's customer keys and their tags, listed once."""
        return self.once(self._account_keys, account, lambda: customer_keys(self.kms(account)))

    def grant_list(self, account: str, key_id: str) -> list[dict]:
        """The key's grants as KMS lists them, listed once (listing them for each grant made verify quadratic)."""
        return self.once(self._grants, (account, key_id), lambda: list_grants(self.kms(account), key_id))

    def grants_of(self, account: str, key_id: str) -> dict[str, dict]:
        """The key's named grants by name (the newest of a name)."""
        named = lambda: {g["Name"]: g for g in reversed(self.grant_list(account, key_id)) if g.get("Name")}  # noqa: E731
        return self.once(self._named_grants, (account, key_id), named)

    def iam_of(self, account: str) -> "IamRead":
        """The account's roles (trust, description, tags, inline and attached policies) and managed policies (their
        versions), read in a few paginated calls (GetAccountAuthorizationDetails, ListRoles) and kept."""

        def read() -> IamRead:
            iam = self.of(account, "iam")
            roles, policies = {}, {}
            for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=["Role", "LocalManagedPolicy"]):
                roles.update({role["RoleName"]: role for role in page.get("RoleDetailList", [])})
                policies.update({policy["Arn"]: policy for policy in page.get("Policies", [])})
            for page in iam.get_paginator("list_roles").paginate():  # the description is not in the details
                for role in page["Roles"]:
                    if role["RoleName"] in roles:
                        roles[role["RoleName"]]["Description"] = role.get("Description", "")
            return IamRead(roles, policies)

        return self.once(self._iam, account, read)

    def tables_of(self, account: str, database: str) -> dict[str, dict]:
        """A database's tables by name, listed once (GetTables); {} when there is no such database."""

        def read() -> dict[str, dict]:
            glue = self.of(account, "glue")
            try:
                return {t["Name"]: t for page in glue.get_paginator("get_tables").paginate(DatabaseName=database) for t in page["TableList"]}
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                return {}

        return self.once(self._tables, (account, database), read)

    def catalog_grants_of(self, catalog: str) -> dict[tuple[str, str], set[str]]:
        """The Lake Formation permissions of a catalog on tables, (principal, its table resource) -> permissions, listed once."""

        def read() -> dict[tuple[str, str], set[str]]:
            found: dict[tuple[str, str], set[str]] = {}
            for entry in _pages(self.of(catalog, "lakeformation").list_permissions, "PrincipalResourcePermissions", CatalogId=catalog):
                table = entry.get("Resource", {}).get("Table")
                if table:
                    target = {"Table": {k: table[k] for k in ("CatalogId", "DatabaseName", "Name", "TableWildcard") if k in table}}
                    key = (entry["Principal"]["DataLakePrincipalIdentifier"], json.dumps(target, sort_keys=True))
                    found.setdefault(key, set()).update(entry.get("Permissions", []))
            return found

        return self.once(self._catalog_grants, catalog, read)

    def access_points_of(self, account: str) -> dict[str, str]:
        """The account's access points, name -> bucket, listed once (ListAccessPoints)."""
        control = self.of(account, "s3control")
        read = lambda: {p["Name"]: p["Bucket"] for p in _pages(control.list_access_points, "AccessPointList", AccountId=account)}  # noqa: E731
        return self.once(self._access_points, account, read)

    def aliases_of(self, account: str) -> dict[str, str | None]:
        """The account's KMS aliases, name -> the key ID it names, listed once."""
        kms = self.kms(account)
        read = lambda: {a["AliasName"]: a.get("TargetKeyId") for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]}  # noqa: E731
        return self.once(self._aliases, account, read)

    def locations_of(self, account: str) -> dict[str, str | None]:
        """The account's Lake Formation locations, ARN -> the role that reads them, listed once (ListResources)."""
        lf = self.of(account, "lakeformation")
        read = lambda: {i["ResourceArn"]: i.get("RoleArn") for i in _pages(lf.list_resources, "ResourceInfoList")}  # noqa: E731
        return self.once(self._locations, account, read)

    def alarms_of(self, account: str) -> dict[str, dict]:
        """The account's metric alarms by name, listed once (DescribeAlarms)."""
        cw = self.of(account, "cloudwatch")
        read = lambda: {a["AlarmName"]: a for page in cw.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]) for a in page["MetricAlarms"]}  # noqa: E731
        return self.once(self._alarms, account, read)

    def buckets_of(self, account: str) -> set[str]:
        """The account's buckets' names, listed once (ListBuckets)."""
        s3 = self.of(account, "s3")
        read = lambda: {b["Name"] for page in s3.get_paginator("list_buckets").paginate() for b in page.get("Buckets") or ()}  # noqa: E731
        return self.once(self._buckets, account, read)

    def tagged_of(self, account: str) -> dict[str, dict[str, str]]:
        """The tags of the account's buckets and metric alarms by ARN, listed once (the Resource Groups Tagging API's
        GetResources, a page per 500 tags): a resource without tags is not listed."""
        tagging = self.of(account, "resourcegroupstaggingapi")

        def read() -> dict[str, dict[str, str]]:
            pages = tagging.get_paginator("get_resources").paginate(ResourceTypeFilters=list(TAGGED), TagsPerPage=500)
            return {item["ResourceARN"]: _tags_of(item) for page in pages for item in page.get("ResourceTagMappingList") or ()}

        return self.once(self._tagged, account, read)

    def subscriptions_of(self, account: str, topic: str) -> list[dict]:
        """A topic's subscriptions, confirmed or not, listed once; [] when there is no such topic."""

        def read() -> list[dict]:
            try:
                return _pages(self.of(account, "sns").list_subscriptions_by_topic, "Subscriptions", TopicArn=topic)
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                return []

        return self.once(self._subscriptions, (account, topic), read)

    def subscription(self, r: Resource) -> dict | None:
        """The subscription a TopicSubscription declares: its topic's, by protocol and endpoint (its ARN is AWS's own)."""
        i = r.inputs
        return next((s for s in self.subscriptions_of(self.account(r), i["topic"]) if s["Protocol"] == i["protocol"] and s["Endpoint"] == i["endpoint"]), None)

    def stack_key(self, key: Resource) -> KeyFound:
        """The stack's key for a declared one: behind its alias when that key carries the stack's marker, else the
        account's key that does (`ownership.find_key`): a repointed alias is not followed."""
        account = self.account(key)
        find = lambda: find_key(self.kms(account), self.alias_of_key.get(key.id), self.tags(key), lambda: self.keys_of(account), self.known_keys)  # noqa: E731
        return self.once(self._found, key.id, find)

    def stack_key_id(self, key: Resource | None) -> str | None:
        meta = self.stack_key(key).meta if key is not None else None
        return meta["KeyId"] if meta else None

    def declared_key(self, ref: str | None) -> Resource | None:
        """The program's key that a reference names: its ID or ARN, its alias or the alias's ARN."""
        if not ref:
            return None
        alias = "alias/" + ref.split(":alias/", 1)[1] if ":alias/" in ref else ref
        return self.declared_keys.get(ref) or self.key_of_alias.get(alias)

    def key_arn(self, r: Resource, ref: str | None, declared: bool) -> str | None:
        """The ARN of the key `ref` names: the stack's key it is declared to be, or (`declared` false) the key the
        cloud resolves it to now."""
        key = self.declared_key(ref) if declared else None
        if key is not None:
            meta = self.stack_key(key).meta
            return meta["Arn"] if meta else ref
        if not ref:
            return None

        def resolve() -> str:
            try:
                return self.client(r, "kms").describe_key(KeyId=ref)["KeyMetadata"]["Arn"]
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                return ref

        return self.once(self._resolved, (self.account(r), ref), resolve)

    def declared_here(self) -> tuple[Declared, dict[tuple[str, str], Resource]]:
        """What the program declares in each account (what `up --local` prunes around, and `verify` reports strays
        around), and the declared resource each (account, bucket name, key ID or database) is."""
        d, owners = Declared(), {}
        for r in self.resources:
            account, i = self.account(r), r.inputs
            if r.type in (tokens.BUCKET, tokens.DATABASE):
                kind, name = ("buckets", i["bucket"]) if r.type == tokens.BUCKET else ("databases", i["name"])
                d.add(kind, account, name)
                owners[(account, name)] = r
            elif r.type == tokens.KEY and self.stack_key_id(r):
                d.add("keys", account, self.stack_key_id(r))
                owners[(account, self.stack_key_id(r))] = r
            elif r.type == tokens.ROLE:
                d.add("roles", account, i["name"])
                d.inline.setdefault((account, i["name"]), set())
            elif r.type == tokens.ROLE_POLICY:
                d.inline.setdefault((account, i["role"]), set()).add(i["name"])
            elif r.type == tokens.MANAGED_POLICY:
                d.add("policies", account, f"arn:aws:iam::{account}:policy{i.get('path', '/')}{i['name']}")
            elif r.type == tokens.ACCESS_POINT:
                d.add("access_points", i.get("accountId") or account, i["name"])
            elif r.type == tokens.KEY_GRANT and self.stack_key_id(self.declared_key(i["keyId"])):
                d.add("grants", self.stack_key_id(self.declared_key(i["keyId"])), i["name"])
            elif r.type == tokens.LF_PERMISSIONS:
                d.add("permissions", i.get("catalogId") or account, (i["principal"], json.dumps(lf_table(i), sort_keys=True)))
        return d, owners

    # what a run changes (up --local reads before it writes) ---------------------------------------

    def learn_key(self, key: Resource, meta: dict) -> None:
        """The stack's key for `key` is now `meta` (just created, or found by the key's applier)."""
        self._found[key.id] = KeyFound(meta, meta["KeyId"])
        self._account_keys.pop(self.account(key), None)

    def forget_keys(self, account: str) -> None:
        """The account's keys changed state (duplicates scheduled for deletion): list them again when asked."""
        self._account_keys.pop(account, None)

    def forget_aliases(self) -> None:
        """An alias was (re)pointed: where references through aliases lead is read again."""
        self._resolved.clear()
        self._aliases.clear()

    def departures(self, r: Resource) -> list[str] | None:
        """None when `r` is absent from the cloud, else every property that departs from its declaration. An AWS
        error other than absence is raised."""
        reader = READERS[r.type]
        self.reading = SHORT[r.type]
        try:
            declared, observe = reader(self, r)
            try:
                observed = observe()
            except ClientError as exc:
                if error_code(exc) not in MISSING:
                    raise
                observed = None
        finally:
            self.reading = "listings"
        if observed is None:
            return None
        return [m for prop, want in declared.items() if (m := departure(prop, observed.get(prop), want))]



def _pages(call: Callable[..., dict], items: str, **kwargs) -> list[dict]:
    """Every item of a listing that pages with NextToken (and no paginator in boto3)."""
    found, token = [], None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        found += page.get(items) or []
        token = page.get("NextToken")
        if not token:
            return found


def _role_parts(resources: list[Resource], account: Callable[[Resource], str]) -> dict[tuple[str, str], "RoleParts"]:
    """(account, role) -> the inline policies and the managed-policy attachments the program declares for the role."""
    parts: dict[tuple[str, str], RoleParts] = {}
    for r in resources:
        if r.type == tokens.ROLE_POLICY:
            parts.setdefault((account(r), r.inputs["role"]), RoleParts()).inline.append(r.inputs["name"])
        elif r.type == tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE:
            parts.setdefault((account(r), r.inputs["roleName"]), RoleParts()).attachments.append(r)
    return parts


@dataclass
class RoleParts:
    inline: list[str] = field(default_factory=list)  # the names of its inline policies
    attachments: list[Resource] = field(default_factory=list)  # its RolePolicyAttachmentsExclusive (one, when any)


@dataclass(frozen=True)
class IamRead:
    roles: dict[str, dict]  # name -> the role's details (GetAccountAuthorizationDetails) with its description
    policies: dict[str, dict]  # ARN -> the managed policy's details, its versions' documents included


def policy_name(arn: str) -> str:
    """A managed policy's name, from its ARN (moto's account details leave PolicyName out)."""
    return arn.rsplit("/", 1)[-1]


@dataclass
class Declared:
    """What this run declares in each account, so that what it no longer declares can be removed (a revoked agreement)."""

    buckets: dict[str, set[str]] = field(default_factory=dict)  # account -> bucket names
    access_points: dict[str, set[str]] = field(default_factory=dict)  # account -> access point names
    keys: dict[str, set[str]] = field(default_factory=dict)  # account -> key IDs
    grants: dict[str, set[str]] = field(default_factory=dict)  # key ID -> grant names
    roles: dict[str, set[str]] = field(default_factory=dict)  # account -> role names
    policies: dict[str, set[str]] = field(default_factory=dict)  # account -> managed policy ARNs
    databases: dict[str, set[str]] = field(default_factory=dict)  # account -> Glue databases
    permissions: dict[str, set[tuple]] = field(default_factory=dict)  # account -> Lake Formation permissions (principal, resource, grant)

    inline: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (account, role) -> its inline policies

    def add(self, kind: str, account: str, value) -> None:
        getattr(self, kind).setdefault(account, set()).add(value)


def _config(call: Callable[[], dict], absent: dict | None = None) -> dict:
    """A bucket configuration, or `absent` (what a missing configuration amounts to)."""
    try:
        return call()
    except ClientError as exc:
        if error_code(exc) in ABSENT_CONFIG:
            return absent if absent is not None else {}
        raise


class Ahead:
    """Readings made ahead of a walk through the resources, by a few threads: the calls of one overlap the emulator's
    answers to another's (the emulator is a process of its own, so both cores work). The walk takes each resource's
    departures in order (`departures`), waiting for it when not yet read; what a reader raised is raised there."""

    def __init__(self, reading: Reading, resources: list[Resource]):
        self._pool = ThreadPoolExecutor(AHEAD_THREADS, thread_name_prefix="reading-ahead")
        self._read = {id(r): self._pool.submit(reading.departures, r) for r in resources if r.type in READERS}

    def departures(self, r: Resource) -> list[str] | None:
        return self._read.pop(id(r)).result()

    def close(self) -> None:
        """Stop reading ahead: what has not started is never read."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._read.clear()


TAGGED = ("s3:bucket", "cloudwatch:alarm")  # what `Reading.tagged_of` lists the tags of

AHEAD_THREADS = 6  # enough to keep a 2-core machine's client and emulator both busy; more only queue at the emulator


# --- one reader per type: (declared, observe) ----------------------------------------------------------


def bucket(v: Reading, r: Resource):
    s3, name, account = v.client(r, "s3"), r.inputs["bucket"], v.account(r)

    def observe():
        if v.tags_listed:  # the account's buckets, and their tags, in a listing each
            if name not in v.buckets_of(account):
                return None
            tags = v.tagged_of(account).get(f"arn:aws:s3:::{name}", {})
        else:  # a bucket that is not there answers NoSuchBucket
            tagging = _config(lambda: s3.get_bucket_tagging(Bucket=name), {"TagSet": []})
            tags = {t["Key"]: t["Value"] for t in tagging["TagSet"]}
        v.bucket_tags[(account, name)] = tags
        return {"tags": tags}

    return {"tags": v.tags(r)}, observe


def ownership(v: Reading, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"objectOwnership": (_config(lambda: s3.get_bucket_ownership_controls(Bucket=r.inputs["bucket"])).get("OwnershipControls") or {"Rules": [{}]})["Rules"][0].get("ObjectOwnership")}  # noqa: E731,E501
    return {"objectOwnership": r.inputs["rule"]["objectOwnership"]}, observe


FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def public_access(v: Reading, r: Resource):
    s3 = v.client(r, "s3")

    def observe():
        found = _config(lambda: s3.get_public_access_block(Bucket=r.inputs["bucket"])).get("PublicAccessBlockConfiguration", {})
        return {f: bool(found.get(f[:1].upper() + f[1:])) for f in FLAGS}

    return {f: bool(r.inputs.get(f)) for f in FLAGS}, observe


def encryption(v: Reading, r: Resource):
    s3 = v.client(r, "s3")
    (rule,) = r.inputs["rules"]
    default = rule["applyServerSideEncryptionByDefault"]

    def observe():
        rules = _config(lambda: s3.get_bucket_encryption(Bucket=r.inputs["bucket"])).get("ServerSideEncryptionConfiguration", {}).get("Rules") or [{}]
        actual = rules[0].get("ApplyServerSideEncryptionByDefault", {})
        return {"algorithm": actual.get("SSEAlgorithm"), "key": v.key_arn(r, actual.get("KMSMasterKeyID"), declared=False),
                "bucketKey": bool(rules[0].get("BucketKeyEnabled"))}  # fmt: skip

    declared = {"algorithm": default["sseAlgorithm"], "key": v.key_arn(r, default.get("kmsMasterKeyId"), declared=True), "bucketKey": bool(rule.get("bucketKeyEnabled"))}
    return declared, observe


def versioning(v: Reading, r: Resource):
    s3 = v.client(r, "s3")
    return {"status": r.inputs["versioningConfiguration"]["status"]}, lambda: {"status": s3.get_bucket_versioning(Bucket=r.inputs["bucket"]).get("Status")}


def lifecycle(v: Reading, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"rules": _config(lambda: s3.get_bucket_lifecycle_configuration(Bucket=r.inputs["bucket"]), {"Rules": None})["Rules"]}  # noqa: E731
    return {"rules": shape(r.inputs["rules"])}, observe


def bucket_policy(v: Reading, r: Resource):
    s3 = v.client(r, "s3")
    observe = lambda: {"policy": document(_config(lambda: s3.get_bucket_policy(Bucket=r.inputs["bucket"]), {"Policy": "{}"})["Policy"])}  # noqa: E731
    return {"policy": json.loads(r.inputs["policy"])}, observe


def access_point(v: Reading, r: Resource):
    control, account, name = v.client(r, "s3control"), r.inputs.get("accountId") or v.account(r), r.inputs["name"]

    def observe():
        if name not in v.access_points_of(account):
            return None
        policy = _config(lambda: control.get_access_point_policy(AccountId=account, Name=name), {"Policy": "{}"})["Policy"]
        return {"bucket": v.access_points_of(account)[name], "policy": document(policy)}

    return {"bucket": r.inputs["bucket"], "policy": json.loads(r.inputs["policy"])}, observe


def key(v: Reading, r: Resource):
    """The stack's key (never the one a repointed alias names): enabled, rotated, described, its policy and tags."""
    kms = v.client(r, "kms")

    def observe():
        meta = v.stack_key(r).meta
        if meta is None:
            return None
        key_id = meta["KeyId"]
        policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
        rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
        return {"state": meta["KeyState"], "description": meta.get("Description"), "rotation": rotation, "policy": document(policy), "tags": key_tags(kms, key_id)}

    declared = {"state": "Enabled", "description": r.inputs.get("description"), "rotation": bool(r.inputs.get("enableKeyRotation")),
                **({"policy": json.loads(r.inputs["policy"])} if r.inputs.get("policy") else {}), "tags": v.tags(r)}  # fmt: skip
    return declared, observe


def key_alias(v: Reading, r: Resource):
    """The alias names the stack's key: one it points at instead (another domain's, or a key the stack did not
    create) is reported with its ID and tags."""
    kms, name, key = v.client(r, "kms"), r.inputs["name"], v.declared_key(r.inputs.get("targetKeyId"))

    def observe():
        target = v.aliases_of(v.account(r)).get(name)
        if target is None:
            return None
        if target == v.stack_key_id(key):
            return {"target": target}
        return {"target": f"{target} (a key this stack did not create; its tags: {json.dumps(key_tags(kms, target), sort_keys=True)})"}

    return {"target": v.stack_key_id(key)}, observe


def key_grant(v: Reading, r: Resource):
    i = r.inputs
    constraints = {k[:1].upper() + k[1:]: dict(val) for c in i.get("constraints") or () for k, val in c.items()}

    def observe():
        key_id = v.stack_key_id(v.declared_key(i["keyId"]))
        if key_id is None:
            return None
        g = v.grants_of(v.account(r), key_id).get(i["name"])
        if g is None:
            return None
        return {"grantee": g.get("GranteePrincipal"), "operations": sorted(g.get("Operations", [])), "constraints": g.get("Constraints") or {}}

    return {"grantee": i["granteePrincipal"], "operations": sorted(i["operations"]), "constraints": constraints}, observe


def role(v: Reading, r: Resource):
    """Its trust, description, tags and inline policies; its managed policies too when no attachments resource of the
    program holds them (that resource's reader does)."""
    name = r.inputs["name"]
    parts = v.role_parts.get((v.account(r), name)) or RoleParts()

    def observe():
        found = v.iam_of(v.account(r)).roles.get(name)
        if found is None:
            return None
        return {"trust": document(found.get("AssumeRolePolicyDocument")), "description": found.get("Description", ""),
                "tags": {t["Key"]: t["Value"] for t in found.get("Tags") or ()}, "inline policies": sorted(p["PolicyName"] for p in found.get("RolePolicyList") or ()),
                "attached policies": attached_to(found)}  # fmt: skip

    declared = {"trust": json.loads(r.inputs["assumeRolePolicy"]), "description": r.inputs.get("description", ""),
                "tags": v.tags(r), "inline policies": sorted(parts.inline), **({} if parts.attachments else {"attached policies": []})}  # fmt: skip
    return declared, observe


def attached_to(role: dict) -> list[str]:
    return sorted(p["PolicyArn"] for p in role.get("AttachedManagedPolicies") or ())


def role_policy(v: Reading, r: Resource):
    def observe():
        found = v.iam_of(v.account(r)).roles.get(r.inputs["role"]) or {}
        policy = next((p["PolicyDocument"] for p in found.get("RolePolicyList") or () if p["PolicyName"] == r.inputs["name"]), None)
        return None if policy is None else {"policy": document(policy)}

    return {"policy": json.loads(r.inputs["policy"])}, observe


def managed_policy(v: Reading, r: Resource):
    iam = v.client(r, "iam")
    arn = f"arn:aws:iam::{v.account(r)}:policy{r.inputs.get('path', '/')}{r.inputs['name']}"

    def observe():
        found = v.iam_of(v.account(r)).policies.get(arn)
        if found is None:
            return None
        default = next(p["Document"] for p in found["PolicyVersionList"] if p["IsDefaultVersion"])
        v.policy_tags[arn] = tags = listed_tags(iam.get_paginator("list_policy_tags").paginate(PolicyArn=arn))  # not among the details
        return {"policy": document(default), "tags": tags}

    return {"policy": json.loads(r.inputs["policy"]), "tags": v.tags(r)}, observe


def attachments(v: Reading, r: Resource):
    """Exactly these managed policies on the role, none missing, none other."""

    def observe():
        found = v.iam_of(v.account(r)).roles.get(r.inputs["roleName"])
        return None if found is None else {"attached policies": attached_to(found)}

    return {"attached policies": sorted(set(r.inputs.get("policyArns") or ()))}, observe


def database(v: Reading, r: Resource):
    glue, name = v.client(r, "glue"), r.inputs["name"]
    arn = f"arn:aws:glue:{v.region}:{v.account(r)}:database/{name}"

    def observe():
        found = glue.get_database(Name=name)["Database"]
        return {"description": found.get("Description", ""), "tags": glue.get_tags(ResourceArn=arn).get("Tags") or {}}

    return {"description": r.inputs.get("description", ""), "tags": v.tags(r)}, observe


def table(v: Reading, r: Resource):
    i = r.inputs
    sd = i["storageDescriptor"]

    def columns(items, fields=("name", "type", "comment", "parameters")):
        return [[*(c.get(f) for f in fields[:3]), c.get(fields[3]) or {}] for c in items or ()]

    def observe():
        t = v.tables_of(v.account(r), i["databaseName"]).get(i["name"])
        if t is None:
            return None
        asd = t.get("StorageDescriptor") or {}
        return {
            "columns": columns(asd.get("Columns"), ("Name", "Type", "Comment", "Parameters")),
            "partition keys": columns(t.get("PartitionKeys"), ("Name", "Type", "Comment", "Parameters")),
            "location": asd.get("Location"),
            "formats": [asd.get("InputFormat"), asd.get("OutputFormat"), (asd.get("SerdeInfo") or {}).get("SerializationLibrary")],
            "parameters": t.get("Parameters") or {},
            "description": t.get("Description", ""),
            "table type": t.get("TableType"),
        }

    declared = {
        "columns": columns(sd.get("columns")),
        "partition keys": columns(i.get("partitionKeys")),
        "location": sd.get("location"),
        "formats": [sd.get("inputFormat"), sd.get("outputFormat"), (sd.get("serDeInfo") or {}).get("serializationLibrary")],
        "parameters": i.get("parameters") or {},
        "description": i.get("description", ""),
        "table type": i.get("tableType"),
    }
    return declared, observe


def lf_resource(v: Reading, r: Resource):
    def observe():
        locations = v.locations_of(v.account(r))
        return {"role": locations[r.inputs["arn"]]} if r.inputs["arn"] in locations else None

    return {"role": r.inputs["roleArn"]}, observe


def lf_permissions(v: Reading, r: Resource):
    i = r.inputs
    target = lf_table(i)

    def observe():
        granted = sorted(v.catalog_grants_of(i.get("catalogId") or v.account(r)).get((i["principal"], json.dumps(target, sort_keys=True)), ()))
        return {"permissions": granted} if granted else None

    return {"permissions": sorted(i["permissions"])}, observe


def _tags_of(listing: dict) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in listing.get("Tags", [])}


def alarm(v: Reading, r: Resource):
    """Every property the alarm is declared with: a threshold or an action changed behind the stack's back is a finding."""
    cw, name = v.client(r, "cloudwatch"), r.inputs["name"]
    fields = ("AlarmDescription", "ComparisonOperator", "Threshold", "EvaluationPeriods", "DatapointsToAlarm", "TreatMissingData", "AlarmActions", "Metrics")

    def observe():
        found = v.alarms_of(v.account(r)).get(name)
        if found is None:
            return None
        arn = found["AlarmArn"]
        tags = v.tagged_of(v.account(r)).get(arn, {}) if v.tags_listed else _tags_of(cw.list_tags_for_resource(ResourceARN=arn))
        return {**{f: found.get(f) for f in fields}, "tags": tags}

    declared = alarm_request(r.inputs)
    return {**{f: declared[f] for f in fields}, "tags": v.tags(r)}, observe


def dashboard(v: Reading, r: Resource):
    cw = v.client(r, "cloudwatch")
    observe = lambda: {"body": json.loads(cw.get_dashboard(DashboardName=r.inputs["dashboardName"])["DashboardBody"])}  # noqa: E731
    return {"body": json.loads(r.inputs["dashboardBody"])}, observe


def topic(v: Reading, r: Resource):
    sns = v.client(r, "sns")
    arn = f"arn:aws:sns:{v.region}:{v.account(r)}:{r.inputs['name']}"

    def observe():
        found = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
        return {"key": found.get("KmsMasterKeyId") or None, "tags": _tags_of(sns.list_tags_for_resource(ResourceArn=arn))}

    return {"key": r.inputs.get("kmsMasterKeyId") or None, "tags": v.tags(r)}, observe


def topic_policy(v: Reading, r: Resource):
    sns = v.client(r, "sns")
    observe = lambda: {"policy": document(sns.get_topic_attributes(TopicArn=r.inputs["arn"])["Attributes"].get("Policy") or "{}")}  # noqa: E731
    return {"policy": json.loads(r.inputs["policy"])}, observe


def subscription(v: Reading, r: Resource):
    """There, by its protocol and endpoint: whether its reader confirmed it is theirs to decide, not drift."""

    def observe():
        found = v.subscription(r)
        return None if found is None else {"protocol": found["Protocol"], "endpoint": found["Endpoint"]}

    return {"protocol": r.inputs["protocol"], "endpoint": r.inputs["endpoint"]}, observe


def event_rule(v: Reading, r: Resource):
    events, name = v.client(r, "events"), r.inputs["name"]

    def observe():
        found = events.describe_rule(Name=name)
        return {"pattern": json.loads(found.get("EventPattern") or "{}"), "description": found.get("Description", ""), "state": found.get("State"),
                "tags": _tags_of(events.list_tags_for_resource(ResourceARN=found["Arn"]))}  # fmt: skip

    return {"pattern": json.loads(r.inputs["eventPattern"]), "description": r.inputs.get("description", ""), "state": "ENABLED", "tags": v.tags(r)}, observe


def event_target(v: Reading, r: Resource):
    events, i = v.client(r, "events"), r.inputs

    def observe():
        targets = {t["Id"]: t for t in _pages(events.list_targets_by_rule, "Targets", Rule=i["rule"])}
        return {"arn": targets[i["targetId"]]["Arn"]} if i["targetId"] in targets else None

    return {"arn": i["arn"]}, observe


def schedule(v: Reading, r: Resource):
    scheduler = v.client(r, "scheduler")
    fields = ("ScheduleExpression", "ScheduleExpressionTimezone", "State", "Description", "FlexibleTimeWindow")

    def observe():
        found = scheduler.get_schedule(Name=r.inputs["name"])
        target = found.get("Target") or {}
        return {**{f: found.get(f) for f in fields}, "target": target.get("Arn"), "role": target.get("RoleArn"), "input": json.loads(target.get("Input") or "null")}

    declared = schedule_request(r.inputs)
    target = declared["Target"]
    return {**{f: declared[f] for f in fields}, "target": target["Arn"], "role": target["RoleArn"], "input": json.loads(target.get("Input") or "null")}, observe


READERS: dict[str, Callable] = {
    tokens.BUCKET: bucket, tokens.BUCKET_OWNERSHIP: ownership, tokens.BUCKET_PUBLIC_ACCESS: public_access, tokens.BUCKET_ENCRYPTION: encryption,
    tokens.BUCKET_VERSIONING: versioning, tokens.BUCKET_LIFECYCLE: lifecycle, tokens.BUCKET_POLICY: bucket_policy, tokens.ACCESS_POINT: access_point,
    tokens.KEY: key, tokens.KEY_ALIAS: key_alias, tokens.KEY_GRANT: key_grant, tokens.ROLE: role, tokens.ROLE_POLICY: role_policy,
    tokens.MANAGED_POLICY: managed_policy, tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: attachments, tokens.DATABASE: database, tokens.TABLE: table,
    tokens.LF_RESOURCE: lf_resource, tokens.LF_PERMISSIONS: lf_permissions,
    tokens.METRIC_ALARM: alarm, tokens.DASHBOARD: dashboard, tokens.TOPIC: topic, tokens.TOPIC_POLICY: topic_policy, tokens.TOPIC_SUBSCRIPTION: subscription,
    tokens.EVENT_RULE: event_rule, tokens.EVENT_TARGET: event_target, tokens.SCHEDULE: schedule,
}  # fmt: skip


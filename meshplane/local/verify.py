"""`meshplane verify`: the deployed state, read back with boto3, against every property the program sets.

The expectations are the program's own registrations (the real program under the mock engine). Each
resource type has a reader: what the program declares of it and what the cloud answers, both in one
plain shape, so any difference is a finding at the declaration it departs from, naming the deepest key
or policy statement that differs. A KMS key is the stack's own (`ownership.find_key`), never the one a
repointed alias names. Then what nobody declares any more: buckets, roles, managed policies and keys
tagged as ours in the stack's accounts and domains, tables in our databases, and, on what we own, access
points, key grants and catalog grants (inline and attached policies: the role's reader).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from botocore.exceptions import ClientError

from components import tokens
from components.access import POLICY_PATH
from meshplane.declarations.mesh import Mesh
from meshplane.declarations.problems import Problem
from meshplane.declarations.stack import StackSettings
from meshplane.local.apply import STRAYS
from meshplane.local.emulator import Aws, error_code
from meshplane.local.readers import ABSENT_CONFIG, MISSING, READERS, Reading, policy_name
from meshplane.local.shapes import listed_tags
from meshplane.local.subjects import SHORT, subject
from meshplane.registrations.engine import Evaluation
from meshplane.cloud.inventory import Resource


@dataclass
class VerifyReport:
    findings: list[Problem]
    products: int
    domains: int
    checked: dict[str, int]
    calls: dict[str, int]  # resource kind -> the API calls made to read them ("listings": what nobody declares)


class Verifier(Reading):
    def __init__(self, evaluation: Evaluation, mesh: Mesh, settings: StackSettings, accounts: dict[str, Aws]):
        super().__init__(evaluation, accounts, settings.account_id, settings.region)
        self.mesh, self.settings = mesh, settings
        self.findings: list[Problem] = []

    def report(self, r: Resource, message: str, field: tuple = ()) -> None:
        path, line = self.mesh.declaration(r.product, r.domain, field) or ("__main__.py", 1)
        self.findings.append(Problem(path, line, f"{subject(r, self.alias_of_key)}: {message}"))

    def run(self) -> VerifyReport:
        checked: Counter = Counter()
        readable = [r for r in self.resources if r.type in READERS]
        ahead = self.ahead(readable)
        try:
            for r in readable:
                try:
                    found = ahead.departures(r)
                except ClientError as exc:
                    self.report(r, f"cannot be read: {exc}")  # at the resource, and the others still read
                    continue
                checked[SHORT[r.type]] += 1
                for message in ["is missing"] if found is None else found:
                    self.report(r, message)
        finally:
            ahead.close()
        self.undeclared()
        products = {r.product for r in self.resources if r.product}
        domains = {r.domain for r in self.resources if r.domain}
        return VerifyReport(sorted(set(self.findings)), len(products), len(domains), dict(checked), dict(self.calls))

    def ours(self, tags: dict[str, str]) -> bool:
        """Tagged as this environment's, by meshplane, in one of the stack's domains."""
        env = self.default_tags.get("environment")
        return tags.get("managed-by") == "meshplane" and tags.get("environment") == env and tags.get("domain") in self.scope

    def gone(self, tags: dict[str, str], what: str, account: str) -> None:
        where = self.mesh.declaration(tags.get("product"), tags.get("domain")) or ("__main__.py", 1)
        self.findings.append(Problem(*where, f"{tags.get('product') or tags.get('domain')}: {what}: is no longer declared (in account {account}): "
                                     "remove it, or declare it again"))  # fmt: skip

    def undeclared(self) -> None:
        """Resources in the stack's accounts tagged as this environment's and in its domains, that nobody declares any
        more: buckets, roles, managed policies and keys; and tables in the stack's databases that none declares."""
        declared_names = {(self.account(r), r.type, self.label(r)) for r in self.resources}
        stack_keys = {found.meta["KeyId"] for found in self._found.values() if found.meta}
        for account in self.accounts:
            for typ, name, tags in self.tagged(account):
                if self.ours(tags) and (account, typ, name) not in declared_names:
                    self.gone(tags, f"{SHORT[typ]} {name}", account)
            for meta, tags in self.keys_of(account):
                if self.ours(tags) and meta.get("KeyState") != "PendingDeletion" and meta["KeyId"] not in stack_keys:
                    self.gone(tags, f"KMS key {meta['KeyId']} ({meta.get('Description', '')})", account)
        self.undeclared_tables()
        self.strays()

    def strays(self) -> None:
        """On the stack's buckets, keys and databases: access points, key grants and catalog grants nobody declares."""
        declared, owners = self.declared_here()
        for account in self.accounts:
            for stray in (s for finder in STRAYS for s in finder(self, account, declared)):
                self.report(owners[(account, stray.on)], f"{stray.what} on it is not declared (in account {account}): remove it, or declare it again")

    def undeclared_tables(self) -> None:
        declared = {(self.account(r), r.inputs["databaseName"], r.inputs["name"]) for r in self.resources if r.type == tokens.TABLE}
        for r in self.resources:
            if r.type != tokens.DATABASE:
                continue
            account, database = self.account(r), r.inputs["name"]
            for name in self.tables_of(account, database):  # {} when the database is missing: its own reader reports it
                if (account, database, name) not in declared:
                    self.gone({"domain": r.domain}, f"Glue table {database}.{name}", account)

    def tagged(self, account: str):
        """(type, name, tags) of the buckets, roles and meshplane's managed policies of an account: the tags the readers
        found, else read now (for what nobody declares)."""
        s3, iam = self.of(account, "s3"), self.of(account, "iam")
        for name in sorted(self.buckets_of(account)):
            tags = self.bucket_tags.get((account, name))
            if tags is None and self.tags_listed:
                tags = self.tagged_of(account).get(f"arn:aws:s3:::{name}", {})
            if tags is None:
                try:
                    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
                except ClientError as exc:
                    if error_code(exc) not in ABSENT_CONFIG | set(MISSING):
                        raise
                    continue
            yield tokens.BUCKET, name, tags
        read = self.iam_of(account)
        for name, role in sorted(read.roles.items()):
            yield tokens.ROLE, name, {t["Key"]: t["Value"] for t in role.get("Tags") or ()}
        for arn, policy in sorted(read.policies.items()):
            if policy.get("Path", "").startswith(POLICY_PATH):
                tags = self.policy_tags.get(arn)
                if tags is None:
                    tags = listed_tags(iam.get_paginator("list_policy_tags").paginate(PolicyArn=arn))
                yield tokens.MANAGED_POLICY, policy_name(arn), tags


def verify(evaluation: Evaluation, mesh: Mesh, settings: StackSettings, accounts: dict[str, Aws]) -> VerifyReport:
    return Verifier(evaluation, mesh, settings, accounts).run()

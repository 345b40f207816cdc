"""DataDomain: what a domain's products share: its key, its catalog database, its namespace, its people's role,
and the role Lake Formation reads the domain's data with."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components import tokens
from components.access import PolicySlot, slot_children
from components.base import DataProtection, Quantum
from components.monitoring import DomainMonitoringArgs, domain_monitoring_children
from components.policies import Administrators, DomainPrincipals, key_policy, lakeformation_trust, people_trust, pod_identity_trust
from components.sharing import CATALOG_PERMISSIONS
from components.spec import Child, Ref


@dataclass(frozen=True)
class PodBroker:
    """The role EKS Pod Identity assumes in the cluster's account for a domain that lives in another account."""

    role_name: str
    policy: Mapping  # chaining into the domain's job roles


@dataclass(frozen=True)
class DataDomainArgs:
    key_alias: str
    database: str
    namespace: str
    reader_role: str
    lakeformation_role: str
    account: str
    region: str
    principals: DomainPrincipals  # the ARNs of the two roles above
    admins: Administrators  # who administers the domain key: the account's deployer and break-glass roles
    readers_policy: Mapping  # the readers' own inline policy
    slots: Sequence[PolicySlot] = ()  # the readers' side of the domain's catalog agreements
    broker: PodBroker | None = None  # when the domain lives in another account than the cluster
    description: str = ""
    protection: DataProtection = DataProtection.protected
    tags: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    monitoring: DomainMonitoringArgs | None = None  # the quality role, the alerts topic and its key, the dashboard


def domain_children(name: str, args: DataDomainArgs) -> list[Child]:
    tags = dict(args.tags)
    key = {
        "description": f"Data of domain {name}",
        "enable_key_rotation": True,
        "deletion_window_in_days": 30,
        "policy": json.dumps(key_policy(args.account, args.region, args.principals, args.admins)),
        "tags": tags,
    }
    namespace = {"metadata": {"name": args.namespace, "labels": {**args.labels, "pod-security.kubernetes.io/enforce": "restricted"}}}
    readers = {
        "name": args.reader_role,
        "assume_role_policy": json.dumps(people_trust(args.account)),
        "description": f"People of domain {name}: read its products and what they are granted",
        "tags": tags,
    }
    own_tables = {
        "principal": args.principals.readers,
        "permissions": CATALOG_PERMISSIONS,
        "catalog_id": args.account,
        "table": {"catalogId": args.account, "databaseName": args.database, "wildcard": True},
    }
    lakeformation = {
        "name": args.lakeformation_role,
        "assume_role_policy": json.dumps(lakeformation_trust()),
        "description": f"Lake Formation reads the data of domain {name} with this role, for the queries it authorises",
        "tags": tags,
    }
    children = [
        Child(tokens.KEY, "key", key, stateful=True),
        Child(tokens.KEY_ALIAS, "key-alias", {"name": args.key_alias, "target_key_id": Ref("key", "key_id")}),
        Child(tokens.DATABASE, "database", {"name": args.database, "description": args.description, "tags": tags}, stateful=True),
        Child(tokens.NAMESPACE, "namespace", namespace, provider="kubernetes"),
        Child(tokens.ROLE, "readers", readers),
        Child(tokens.ROLE_POLICY, "readers-policy", {"role": args.reader_role, "name": "read-own-domain", "policy": json.dumps(args.readers_policy)}, after=["readers"]),
        *slot_children("readers-reads", "readers", args.reader_role, args.account, args.slots, tags),
        Child(tokens.LF_PERMISSIONS, "readers-catalog", own_tables, after=["database", "readers"]),
        Child(tokens.ROLE, "lakeformation", lakeformation),
    ]
    if args.broker is not None:
        broker = args.broker
        pods = {"name": broker.role_name, "assume_role_policy": json.dumps(pod_identity_trust()),
                "description": f"EKS Pod Identity, for the jobs of domain {name} (in account {args.account})", "tags": tags}  # fmt: skip
        children += [
            Child(tokens.ROLE, "pods", pods, provider="cluster"),
            Child(tokens.ROLE_POLICY, "pods-policy", {"role": broker.role_name, "name": "chain-to-jobs", "policy": json.dumps(broker.policy)},
                  after=["pods"], provider="cluster"),
        ]  # fmt: skip
    if args.monitoring is not None:
        children += domain_monitoring_children(args.monitoring)
    return children


class DataDomain(Quantum):
    TOKEN = "meshplane:index:DataDomain"

    key_arn: pulumi.Output[str]
    database_name: pulumi.Output[str]
    reader_role_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: DataDomainArgs,
        opts: pulumi.ResourceOptions | None = None,
        providers: Mapping[str, pulumi.ProviderResource] | None = None,
    ):
        super().__init__(name, (), opts)
        self.add(domain_children(name, args), args.protection, providers)
        self.key_arn = self.children["key"].arn
        self.database_name = self.children["database"].name
        self.reader_role_arn = self.children["readers"].arn
        self.register_outputs({"key_arn": self.key_arn, "database_name": self.database_name, "reader_role_arn": self.reader_role_arn})

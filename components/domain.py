"""DataDomain: what a domain's products share: its key, its catalog database, its namespace, its people's role."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.access import grant_policy
from components.base import DataProtection, Quantum
from components.policies import Location, people_trust


@dataclass(frozen=True)
class DataDomainArgs:
    key_alias: str
    database: str
    namespace: str
    reader_role: str
    account: str
    reads: Mapping[str, Location] = field(default_factory=dict)  # address -> location the domain's people may read
    renamed: Mapping[str, Sequence[str]] = field(default_factory=dict)  # address in `reads` -> its earlier addresses
    description: str = ""
    protection: DataProtection = DataProtection.protected
    tags: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


class DataDomain(Quantum):
    TOKEN = "meshplane:index:DataDomain"

    key_arn: pulumi.Output[str]
    database_name: pulumi.Output[str]
    namespace: pulumi.Output[str]
    reader_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DataDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, (), opts)
        key = aws.kms.Key(
            self.child_name("key"),
            description=f"Data of domain {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            tags=dict(args.tags),
            opts=self.child("key", args.protection),
        )
        aws.kms.Alias(self.child_name("key-alias"), name=args.key_alias, target_key_id=key.key_id, opts=self.child("key-alias"))
        database = aws.glue.CatalogDatabase(
            self.child_name("database"),
            name=args.database,
            description=args.description,
            tags=dict(args.tags),
            opts=self.child("database", args.protection),
        )
        namespace = k8s.core.v1.Namespace(
            self.child_name("namespace"),
            metadata={
                "name": args.namespace,
                "labels": {**args.labels, "pod-security.kubernetes.io/enforce": "restricted"},
            },
            opts=self.child("namespace"),
        )
        reader = aws.iam.Role(
            self.child_name("readers"),
            name=args.reader_role,
            assume_role_policy=json.dumps(people_trust(args.account)),
            description=f"People of domain {name}: read its products and what they are granted",
            tags=dict(args.tags),
            opts=self.child("readers"),
        )
        for address, location in sorted(args.reads.items()):
            grant_policy(self, f"readers/{address}", reader.name, location, [f"readers/{old}" for old in args.renamed.get(address, ())])
        self.key_arn = key.arn
        self.database_name = database.name
        self.namespace = namespace.metadata.name
        self.reader_role_arn = reader.arn
        self.register_outputs(
            {"key_arn": self.key_arn, "database_name": self.database_name, "reader_role_arn": self.reader_role_arn}
        )

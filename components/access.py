"""ProductAccess: the job's role (EKS Pod Identity) and its least-privilege policies, one per read grant."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.base import Quantum
from components.policies import Location, job_policy, pod_identity_trust, read_policy


@dataclass(frozen=True)
class ReadGrant:
    """Read access to one producer, agreed on both sides of the handshake."""

    producer: str  # the producer's address
    location: Location
    previous: Sequence[str] = ()  # the producer's earlier addresses: the grant survives the producer's rename


@dataclass(frozen=True)
class ProductAccessArgs:
    role_name: str
    own: Location
    grants: Sequence[ReadGrant] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


class ProductAccess(Quantum):
    TOKEN = "meshplane:index:ProductAccess"

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(self, name: str, args: ProductAccessArgs, previous: Sequence[str] = (), opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, previous, opts)
        role = aws.iam.Role(
            self.child_name("job-role"),
            name=args.role_name,
            assume_role_policy=json.dumps(pod_identity_trust()),
            description=f"Job of data product {name}",
            tags=dict(args.tags),
            opts=self.child("job-role"),
        )
        aws.iam.RolePolicy(
            self.child_name("job-policy"),
            role=role.name,
            name="write-own-product",
            policy=json.dumps(job_policy(args.own)),
            opts=self.child("job-policy"),
        )
        for grant in args.grants:
            grant_policy(self, f"read/{grant.producer}", role.name, grant.location, [f"read/{old}" for old in grant.previous])
        self.role_arn = role.arn
        self.role_name = role.name
        self.register_outputs({"role_arn": self.role_arn})


def grant_policy(
    owner: Quantum, suffix: str, role: pulumi.Input[str], producer: Location, renamed: Sequence[str] = ()
) -> aws.iam.RolePolicy:
    """One read grant, as an inline policy on the consumer's role (named after the producer's bucket).

    `renamed` are the grant's earlier suffixes: without an alias, a producer's rename would create the
    new policy and then delete the old one, which has the same physical name, so the grant would vanish.
    """
    return aws.iam.RolePolicy(
        owner.child_name(suffix),
        role=role,
        name=f"read-{producer.bucket}"[:128],
        policy=json.dumps(read_policy(producer)),
        opts=owner.child(suffix, renamed=renamed),
    )

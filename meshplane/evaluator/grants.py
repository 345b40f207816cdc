"""KMS grants, modelled from AWS's documentation (principalmapper knows none).

- A grant allows its grantee its operations on one key, without an identity or key policy saying so
  ("The grantee principal can use the permissions that the grant gives them without specifying the
  grant, just as they would if the permissions came from a key policy or IAM policy", and "A grant can
  allow access to a KMS key, but not deny access":
  https://docs.aws.amazon.com/kms/latest/developerguide/grants.html).
- An explicit Deny in the key policy or an IAM policy overrides a grant ("No AWS principal ... has any
  permissions to a KMS key unless they are explicitly allowed, and never denied, in a key policy, IAM
  policy, or grant": https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
- An encryption context constraint: `EncryptionContextSubset` holds when the request's context
  includes every pair of the constraint, `EncryptionContextEquals` when it is exactly the constraint;
  keys compare case-insensitively, values case-sensitively (grants.html; API_GrantConstraints).
- A grantee in another account than the key: AWS does not say whether its own IAM must allow the use
  too; this model requires it (the stricter reading, and meshplane's consumers carry that Allow).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from meshplane.evaluator.model import Grant, Key

OPERATION = {"kms:Decrypt": "Decrypt", "kms:Encrypt": "Encrypt", "kms:GenerateDataKey": "GenerateDataKey"}


def context_pairs(context: Mapping[str, str]) -> dict[str, str]:
    """The encryption context of a request, from its condition keys (`kms:EncryptionContext:<key>`)."""
    prefix = "kms:encryptioncontext:"
    return {k[len(prefix) :].lower(): v for k, v in context.items() if k.lower().startswith(prefix)}


def satisfies(grant: Grant, context: Mapping[str, str]) -> bool:
    pairs = context_pairs(context)
    for kind, wanted in grant.constraints.items():
        wanted = {k.lower(): v for k, v in wanted.items()}
        if kind == "EncryptionContextSubset" and any(pairs.get(k) != v for k, v in wanted.items()):
            return False
        if kind == "EncryptionContextEquals" and pairs != wanted:
            return False
    return True


def granted(key: Key | Iterable[Grant], principal: str, action: str, context: Mapping[str, str]) -> Grant | None:
    """The grant on `key` (or among some of its grants: those of `principal`) that lets `principal` do `action` in
    `context`, if any."""
    operation = OPERATION.get(action)
    for grant in key.grants if isinstance(key, Key) else key:
        if grant.grantee == principal and operation in grant.operations and satisfies(grant, context):
            return grant
    return None

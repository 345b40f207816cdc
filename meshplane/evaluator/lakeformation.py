"""Lake Formation, modelled from AWS's documentation (principalmapper knows none).

- A catalog read passes both IAM and Lake Formation: "for the request to succeed, it must pass permission
  checks by both IAM and Lake Formation" (https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-overview.html);
  reading a table takes `glue:GetTable` on the catalog, the database and the table
  (https://docs.aws.amazon.com/lake-formation/latest/dg/cross-account-read-data.html), and Lake Formation
  returns only what the principal has a permission on (DESCRIBE, SELECT or ALL; a permission on every table
  of a database counts for each).
- A query reads data through Lake Formation: the principal needs `lakeformation:GetDataAccess` and SELECT
  (https://docs.aws.amazon.com/athena/latest/ug/lf-athena-user-permissions.html); Lake Formation then reads
  the registered location as the role it was registered with ("the role used to register the bucket is
  always viewed as the requester": https://docs.aws.amazon.com/lake-formation/latest/dg/register-location.html),
  so that role must be able to read and decrypt the data.
- Accounts bootstrapped as meshplane asks (no IAMAllowedPrincipals defaults) give nobody a permission a
  grant did not give.
"""

from __future__ import annotations

from meshplane.evaluator.model import CatalogGrant, Table

DESCRIBES = {"DESCRIBE", "SELECT", "ALL"}
SELECTS = {"SELECT", "ALL"}


def permissions(grants: list[CatalogGrant], principal: str, table: Table) -> set[str]:
    """What Lake Formation lets `principal` do on `table`."""
    found: set[str] = set()
    for g in grants:
        if g.catalog == table.account and g.principal == principal and g.database == table.database and g.table in (None, table.name):
            found.update(g.permissions)
    return found


def describes(grants: list[CatalogGrant], principal: str, table: Table) -> bool:
    return bool(permissions(grants, principal, table) & DESCRIBES)


def selects(grants: list[CatalogGrant], principal: str, table: Table) -> bool:
    return bool(permissions(grants, principal, table) & SELECTS)

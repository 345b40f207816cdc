"""Indexes for the moto server this process starts, so that one request costs the same at any mesh size.

moto 5.2.5 finds a role by scanning every role of the account (`IAMBackend.get_role`, `get_role_by_arn`, and the
existence check of `create_role`), and does so on every request signed with an assumed role's credentials
(`mark_account_as_visited`); STS finds the assumed role behind an access key by scanning every role ever
assumed. With a role per product, each IAM call and each request of another account's deployer grew with the
mesh, which made a run quadratic; its IAM enforcement (`AssumedRoleAccessKey`) scans every role ever assumed again
on every enforced request, which made the in-process access check quadratic (about 1,300 roles assumed at 1,000
products, each scanned for each of three actions of a million pairs). Here the roles are kept in a dict that indexes
them by name and ARN as moto adds and removes them, and assumed roles by access key. moto's server also lists its own
package folder on disk for every request it routes (`backends.list_of_moto_modules`, a tenth of its time on a run with
nothing to change): the list is read once. Only the emulator started in this process gets them (`Emulator`); behaviour is
moto's own: the same answers, the same errors.
"""

from __future__ import annotations

import threading
from typing import Any

_INSTALLED = False
_creating = threading.local()  # moto serves each request in a thread of its own


class _Roles(dict):
    """moto's `IAMBackend.roles` (role ID -> role), indexed by name and ARN as roles are set and deleted."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.by_name = {role.name: role for role in self.values()}
        self.by_arn = {role.arn: role for role in self.values()}

    def __setitem__(self, key, role) -> None:
        super().__setitem__(key, role)
        self.by_name[role.name], self.by_arn[role.arn] = role, role

    def __delitem__(self, key) -> None:
        role = self[key]
        super().__delitem__(key)
        self.by_name.pop(role.name, None), self.by_arn.pop(role.arn, None)

    def pop(self, key, *default):
        if key in self:
            role = self[key]
            self.by_name.pop(role.name, None), self.by_arn.pop(role.arn, None)
        return super().pop(key, *default)

    def clear(self) -> None:
        super().clear()
        self.by_name.clear(), self.by_arn.clear()


def install() -> None:
    """Index moto's IAM roles and STS assumed roles, for its API and its enforcement (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto import backends
    from moto.iam import access_control
    from moto.iam import models as iam
    from moto.sts import models as sts

    services = tuple(backends.list_of_moto_modules())  # the folders of moto's package: they do not change while it runs
    backends.list_of_moto_modules = lambda: services

    backend_init = iam.IAMBackend.__init__

    def init(self, *args, **kwargs) -> None:
        backend_init(self, *args, **kwargs)
        self.roles = _Roles(self.roles)

    def get_role(self, role_name: str):
        role = _roles(self).by_name.get(role_name)
        if role is None:
            raise iam.NotFoundException(f"Role {role_name} not found")
        return role

    def get_role_by_arn(self, arn: str):
        role = _roles(self).by_arn.get(arn)
        if role is None:
            raise iam.NotFoundException(f"Role {arn} not found")
        return role

    create_role, get_roles = iam.IAMBackend.create_role, iam.IAMBackend.get_roles

    def create_role_once(self, role_name: str, *args, **kwargs):
        if role_name in _roles(self).by_name:
            raise iam.EntityAlreadyExists(f"Role with name {role_name} already exists.")
        _creating.active = True  # its own check scans `get_roles()`: none is named so, as just checked
        try:
            return create_role(self, role_name, *args, **kwargs)
        finally:
            _creating.active = False

    def roles_unless_creating(self):
        return () if getattr(_creating, "active", False) else get_roles(self)

    def assumed_role(self, access_key_id: str):
        index = self.__dict__.setdefault("_assumed_by_key", {})
        seen = self.__dict__.get("_assumed_seen", 0)
        for role in self.assumed_roles[seen:]:  # only appended to: index what came since
            index[role.access_key_id] = role
        self._assumed_seen = len(self.assumed_roles)
        return index.get(access_key_id)

    def assumed_key(self, account_id: str, partition: str, access_key_id: str, headers: dict[str, str]) -> None:
        self.account_id, self.partition = account_id, partition
        role = sts.sts_backends[account_id][partition].get_assumed_role_from_access_key(access_key_id)
        if role is None:
            raise access_control.CreateAccessKeyFailure(reason="InvalidId")
        self._access_key_id, self._secret_access_key = access_key_id, role.secret_access_key
        self._session_token, self._session_name = role.session_token, role.session_name
        self._owner_role_name = role.role_arn.split("/")[-1]
        if headers["X-Amz-Security-Token"] != self._session_token:
            raise access_control.CreateAccessKeyFailure(reason="InvalidToken")

    access_control.AssumedRoleAccessKey.__init__ = assumed_key
    iam.IAMBackend.__init__ = init
    iam.IAMBackend.get_role = get_role
    iam.IAMBackend.get_role_by_arn = get_role_by_arn
    iam.IAMBackend.create_role = create_role_once
    iam.IAMBackend.get_roles = roles_unless_creating
    sts.STSBackend.get_assumed_role_from_access_key = assumed_role
    _INSTALLED = True


def _roles(backend) -> _Roles:
    if not isinstance(backend.roles, _Roles):  # a backend made before install
        backend.roles = _Roles(backend.roles)
    return backend.roles

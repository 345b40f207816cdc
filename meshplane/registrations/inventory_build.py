"""The stack's registrations walked without the engine: the components' pure specs, resolved against the mock cloud.

It follows `__main__.py`: the two providers, a DataDomain per domain, a DataProduct per product, each
component's children from the same `*_children` functions the components register. Values are written as
the engine records them (numbers as floats, the Python argument names in the provider's spelling).
"""

from __future__ import annotations

import re
from functools import lru_cache

from components import tokens
from components.base import DataProtection
from components.domain import DataDomain, domain_children
from components.perimeter import OrganizationPerimeter, perimeter_children
from components.product import DataProduct, product_children
from components.providers import aws_provider_name
from components.spec import Child, Ref, child_aliases, component_aliases
from meshplane.cloud.inventory import Resource
from meshplane.registrations.mockcloud import mock_state

STACK_TYPE = "pulumi:pulumi:Stack"


def build(plan, stack: str, project: str = "meshplane") -> list[Resource]:
    """What `__main__.py` registers for `plan` (a `meshplane.compose.stack_plan.StackPlan`), built without the Pulumi engine:
    the same records, resource by resource and property by property, as the mock engine's (a test pins it)."""
    return Builder(plan, stack, project).resources


class Builder:
    def __init__(self, plan, stack: str, project: str):
        self.stack, self.project = stack, project
        self.settings = plan.settings
        self.root = f"urn:pulumi:{stack}::{project}::{STACK_TYPE}::{project}-{stack}"
        self.resources: list[Resource] = []
        self.cluster = self._provider(tokens.AWS_PROVIDER, aws_provider_name(None))
        self.kubernetes = self._provider(tokens.KUBERNETES_PROVIDER, "kubernetes")
        self.accounts = {a: self._provider(tokens.AWS_PROVIDER, aws_provider_name(a)) for a in plan.providers.accounts}
        self.states: dict[str, dict[str, dict]] = {}  # component name -> child suffix -> mock state
        for name, args in plan.domains:
            self._component(DataDomain, name, (), None, domain_children(name, args), args.protection, name)
        for address, args in plan.products:
            domain = address.split("/")[0]
            self._component(DataProduct, address, args.previous, domain, product_children(args), args.protection, domain, address)
        if plan.organization is not None:
            management = self.settings.organizations_management_account.account_id
            self._component(OrganizationPerimeter, "perimeter", (), None, perimeter_children(plan.organization), DataProtection.standard, None,
                            account=management)  # fmt: skip

    def _top_urn(self, token: str, name: str) -> str:
        # the mock monitor qualifies top-level types by the stack's (a real engine does not)
        return f"urn:pulumi:{self.stack}::{self.project}::{STACK_TYPE}${token}::{name}"

    def _provider(self, token: str, name: str) -> str:
        urn = self._top_urn(token, name)
        self.resources.append(Resource(urn=urn, type=token, name=name, inputs={}, parent=self.root, custom=True, id=f"{name}-id"))
        return f"{urn}::{name}-id"

    def _component(self, cls, name, previous, domain_name, children: list[Child], protection, domain, product=None, account=None) -> None:
        """`account`: the account of every child (default: the domain's, or the cluster's)."""
        urn = self._top_urn(cls.TOKEN, name)
        aliases = tuple(component_aliases(self.stack, self.project, cls.TOKEN, name, previous))
        self.resources.append(
            Resource(urn=urn, type=cls.TOKEN, name=name, inputs={}, parent=self.root, aliases=aliases, custom=False,
                     domain=domain, product=product, id=f"{name}-id")
        )  # fmt: skip
        states = self.states.setdefault(name, {})
        for child in children:
            child_name = f"{name}-{child.suffix}"
            inputs = self._recorded(child, states, domain_name)
            placed = account or (self.settings.account_id if child.provider == "cluster" else self.settings.account_of(domain))
            id_, state = mock_state(child.token, child_name, inputs, placed, self.settings.region)
            states[child.suffix] = {**state, "id": id_}  # a Ref to `id` is the resource's ID
            guarded = child.stateful and protection is DataProtection.protected
            former = cls.FORMER_PARENTS.get(child.suffix)
            self.resources.append(
                Resource(
                    urn=f"urn:pulumi:{self.stack}::{self.project}::{cls.TOKEN}${child.token}::{child_name}",
                    type=child.token,
                    name=child_name,
                    inputs=inputs,
                    parent=urn,
                    provider=self.accounts[account] if account else self._provider_of(child, domain),
                    protect=guarded,
                    retain_on_delete=guarded,
                    aliases=tuple(child_aliases(self.stack, self.project, cls.TOKEN, name, previous, child, former)),
                    domain=domain,
                    product=product,
                    id=id_,
                    outputs=state,
                )
            )

    def _provider_of(self, child: Child, domain: str) -> str:
        if child.provider == "kubernetes":
            return self.kubernetes
        if child.provider == "cluster":
            return self.cluster
        return self.accounts.get(self.settings.account_of(domain), self.cluster)

    def _recorded(self, child: Child, states: dict[str, dict], domain: str | None) -> dict:
        """The child's inputs as the engine records them: Refs resolved, top-level names in the provider's spelling,
        numbers as floats, None left out."""

        def value(v):
            kind = type(v)
            if kind is str or kind is bool or v is None or kind is float:
                return v
            if kind is int:
                return float(v)
            if kind is dict:
                return {k: value(item) for k, item in v.items() if item is not None}
            if kind is list or kind is tuple:
                return [value(item) for item in v]
            if kind is Ref:
                scope = states if v.scope == "self" else self.states[domain]
                return scope[v.suffix][camel(v.output)]
            if isinstance(v, int) and not isinstance(v, bool):  # an IntEnum
                return float(v)
            return v  # a str Enum, as the engine passes it

        inputs = {camel(k): value(v) for k, v in child.props.items() if v is not None}
        if child.token.startswith(tokens.KUBERNETES_PREFIX) and "kind" not in inputs:  # a typed Kubernetes class adds them
            group_version, kind = child.token.removeprefix(tokens.KUBERNETES_PREFIX).rsplit(":", 1)
            inputs.update(apiVersion=group_version.removeprefix("core/"), kind=kind)
        return inputs


@lru_cache(maxsize=None)
def camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)

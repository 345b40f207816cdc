"""MESH-019: a consumer hears that an input's producer loosened the freshness its own promise builds on."""

from __future__ import annotations

from collections.abc import Iterator

from meshplane.governance.context import MeshContext, at
from meshplane.governance.promises import hours, producers_change, too_stale
from meshplane.governance.rule import Finding, Rule, Scope, Severity, Subject


def check(ctx: MeshContext) -> Iterator[Finding]:
    for consumer in ctx.promises.values():
        for producer in too_stale(ctx.promises, ctx.agreed_inputs.get(consumer.address, []), consumer):
            if not producers_change(ctx.base, producer, consumer):
                continue  # the consumer's own: MESH-018's
            before = ctx.base.freshness[producer.address]
            index = [address for address, _ in consumer.declared.reads].index(producer.address)
            yield at(
                consumer.declared,
                ("inputs", index),
                f"input {producer.address!r} now promises {hours(producer.freshness_hours)} (was {hours(before)}): with up to "
                f"{hours(consumer.period_hours)} between runs of {consumer.schedule_at()} this product's data can be "
                f"{producer.freshness_hours + consumer.period_hours:g} h old, beyond its freshness_hours "
                f"{consumer.freshness_hours:g}; promise less, run the job more often, or ask the input's owner",
            )


RULE = Rule(
    id="MESH-019",
    title="A producer's looser freshness is announced to its consumers",
    rationale=(
        "A producer may change what it promises without being blocked by its consumers' checks, as it may withdraw an "
        "agreement; each consumer whose own promise no longer holds is told on the line that reads the input, so its owners "
        "can loosen the promise or find another input."
    ),
    severity=Severity.warning,
    scope=Scope.mesh,
    subject=Subject.mesh,
    check=check,
)

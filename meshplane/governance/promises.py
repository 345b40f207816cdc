"""What a product promises its consumers in one environment, as the freshness rules read it.

A product's freshness can be no better than its job's schedule allows (the longest gap between two runs, `cron.period`)
nor than its inputs' freshness plus that gap. A suspended job promises nothing; a retired product serves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from meshplane.cloud import cron
from meshplane.declarations.mesh import DeclaredProduct
from meshplane.declarations.spec import Environment, Product, Status
from meshplane.governance.baseline import Baseline


@dataclass(frozen=True)
class Promise:
    declared: DeclaredProduct
    freshness_hours: float
    availability: float
    schedule: str  # as it deploys to the environment
    schedule_path: tuple  # where that schedule is written in the product's file
    period_hours: float | None  # the longest gap between two runs; None when the job never runs

    @property
    def address(self) -> str:
        return self.declared.address

    def schedule_at(self) -> str:
        """The schedule and its line (or that it is the default), for a message."""
        line = self.declared.source.lines.get(self.schedule_path)
        return f"{self.schedule!r} ({'the default' if line is None else f'line {line}'})"


def promise_of(declared: DeclaredProduct, product: Product, env: Environment) -> Promise | None:
    """The product's promise in the environment; None when it makes none (no service levels, retired, suspended)."""
    levels = product.service_levels
    if levels is None or product.status is Status.retired or product.job.suspended:
        return None
    override = declared.spec.environments.get(env)
    where = ("environments", env.value, "schedule") if override is not None and override.schedule is not None else ("job", "schedule")
    period = cron.period(product.job.schedule)
    return Promise(
        declared=declared,
        freshness_hours=levels.freshness_hours,
        availability=levels.availability,
        schedule=product.job.schedule,
        schedule_path=where,
        period_hours=None if period is None else period / 60,
    )


def too_stale(promises: dict[str, Promise], agreed: list[str], consumer: Promise) -> list[Promise]:
    """Of the consumer's agreed inputs (`agreed`, addresses), those whose freshness plus the consumer's period exceeds what the
    consumer promises."""
    if consumer.period_hours is None or consumer.freshness_hours < consumer.period_hours:
        return []  # never runs, or a promise the schedule alone breaks: MESH-017's
    found = []
    for address in agreed:
        producer = promises.get(address)
        if producer is not None and producer.freshness_hours + consumer.period_hours > consumer.freshness_hours:
            found.append(producer)
    return found


def producers_change(base: Baseline | None, producer: Promise, consumer: Promise) -> bool:
    """The lineage finding comes from the producer's side (MESH-019, not MESH-018): the consumer read it before, and the
    producer's former promise fitted."""
    if base is None or base.is_new((producer.address, consumer.address)) or producer.address not in base.freshness:
        return False
    return base.freshness[producer.address] + consumer.period_hours <= consumer.freshness_hours


def hours(value: float) -> str:
    return f"{value:g} h"

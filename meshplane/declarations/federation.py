"""The federation's data file: what the federated governance decides, as data (`governance/federation.yaml`).

The rules themselves live in code (`meshplane.governance.rules`); this file holds what the federation of
domain representatives tunes: thresholds per classification, the shared vocabulary (polysemes), naming
and image conventions, the headroom kept below every AWS limit, and which rules are mandatory or advisory
per environment. AWS's limits themselves are a table in code (`meshplane.cloud.quotas`); a stack declares raised ones.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated

from pydantic import Field, PrivateAttr, model_validator

from meshplane.declarations.problems import MeshError, Problem, Severity, display_path
from meshplane.declarations.spec import COLUMN_PATTERN, Classification, Environment, Handle, Integer, Number, QualityMetric, RegularExpression, ScalarType, Spec

DEFAULT_PATH = Path("governance/federation.yaml")
RULE_ID_PATTERN = r"^[A-Z]+-[0-9]{3}$"

RuleId = Annotated[str, Field(pattern=RULE_ID_PATTERN, description="A governance rule's ID, such as `MESH-001`.")]
PolysemeName = Annotated[str, Field(pattern=COLUMN_PATTERN, description="The shared identifier's column name.")]


class Mode(str, Enum):
    """How a rule's finding is treated in an environment."""

    mandatory = "mandatory"  # an error: blocks provisioning, cannot be suppressed
    advisory = "advisory"  # a warning: reported; a product may suppress it with a reason

    @property
    def severity(self) -> Severity:
        return Severity.error if self is Mode.mandatory else Severity.warning


class RetentionBounds(Spec):
    min_days: Integer = Field(default=1, ge=1, le=3650, description="Shortest retention allowed, in days.")
    max_days: Integer = Field(default=3650, ge=1, le=3650, description="Longest retention allowed, in days.")

    @model_validator(mode="after")
    def _ordered(self) -> "RetentionBounds":
        if self.min_days > self.max_days:
            raise ValueError(f"min_days ({self.min_days}) exceeds max_days ({self.max_days})")
        return self


class ClassificationPolicy(Spec):
    """Thresholds that depend on a product's classification."""

    retention: RetentionBounds = Field(
        default_factory=RetentionBounds, description="Bounds of `retention_days`, after the environment's override."
    )


class Polyseme(Spec):
    """An identifier that crosses domains: every column carrying it has this name and type."""

    type: ScalarType = Field(description="The column type every product uses for this identifier.")
    description: str = Field(min_length=1, description="What the identifier identifies, and who issues it.")


class RuleSetting(Spec):
    """The federation's decision on one rule: its mode everywhere, and per environment."""

    mode: Mode | None = Field(default=None, description="Mode in every environment (default: the rule's own severity).")
    environments: dict[Environment, Mode] = Field(
        default_factory=dict, description="Mode per environment, taking precedence over `mode`."
    )


class Naming(Spec):
    """Naming and documentation conventions of the declarations."""

    column_pattern: RegularExpression = Field(
        default=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
        description="Regular expression every column and partition name matches (snake_case).",
    )
    column_name_max: Integer = Field(default=64, ge=1, le=128, description="Longest column name, in characters.")
    product_description_min: Integer = Field(
        default=20, ge=1, description="Shortest product description, in characters (say what and for whom)."
    )
    column_description_min: Integer = Field(default=8, ge=1, description="Shortest column description, in characters.")


class Images(Spec):
    """What a pinned job image is."""

    immutable_tag_pattern: RegularExpression = Field(
        default=r"^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$",
        description="Tags the registry keeps immutable (released versions); any other tag must be replaced by a digest.",
    )


class QualityStandard(Spec):
    """The quality rules the federation requires in one environment."""

    required_metrics: tuple[QualityMetric, ...] = Field(
        default=(),
        description="Library metrics every active product declares a rule of, on its port or one of its columns (MESH-009).",
    )


class Federation(Spec):
    """Global decisions of the federation of domain representatives."""

    open_to_mesh: tuple[Classification, ...] = Field(
        default=(Classification.public, Classification.internal),
        description="Classifications any mesh member may read once it declares the input (no producer listing needed).",
    )
    pii_min_classification: Classification = Field(
        default=Classification.confidential,
        description="Least classification of a product with a PII column.",
    )
    explicit_consumers_from: Classification = Field(
        default=Classification.confidential,
        description="From this classification up, a product lists its consumers and is never open to the mesh.",
    )
    classifications: dict[Classification, ClassificationPolicy] = Field(
        default_factory=dict, description="Thresholds per classification (missing ones take the defaults)."
    )
    vocabulary: dict[PolysemeName, Polyseme] = Field(
        default_factory=dict, description="The polysemes: identifiers shared across domains, by column name."
    )
    naming: Naming = Field(default_factory=Naming, description="Naming and documentation conventions.")
    images: Images = Field(default_factory=Images, description="What counts as a pinned job image.")
    noncurrent_version_days: Integer = Field(
        default=7,
        ge=1,
        le=365,
        description="Days a version of an object is kept once it stops being current (replaced, deleted, or expired at the "
        "product's retention) before it is deleted for good: the longest any byte outlives its product's `retention_days`.",
    )
    headroom: Number = Field(
        default=0.8,
        gt=0,
        le=1,
        description="The share of every AWS limit the mesh may use (LIM-010 warns past it); agreements are packed to stay below it.",
    )
    platform_owners: tuple[Handle, ...] = Field(
        default=(),
        description="The platform team's handles on the code host (`@org/team`): `meshplane codeowners` makes them the reviewers "
        "of everything no domain owns (the program, governance, stacks, the workflows).",
    )
    quality: dict[Environment, QualityStandard] = Field(
        default_factory=dict,
        description="The quality rules required per environment (MESH-009): in prod, say, a `rowCount` rule of every active product.",
    )
    rules: dict[RuleId, RuleSetting] = Field(
        default_factory=dict, description="Mode of each rule per environment (rules not listed keep their severity)."
    )

    _source: object = PrivateAttr(default=None)

    @property
    def open_classifications(self) -> frozenset[Classification]:
        return frozenset(self.open_to_mesh)

    @property
    def source(self):
        """Where the federation was read from (a `meshplane.declarations.mesh.Source`), or None for the defaults."""
        return self._source

    def policy_for(self, classification: Classification) -> ClassificationPolicy:
        return self.classifications.get(classification) or ClassificationPolicy()

    def severity_of(self, rule_id: str, env: Environment, default: Severity) -> Severity:
        """The rule's severity in `env`: the environment's mode, else the rule-wide mode, else `default`."""
        setting = self.rules.get(rule_id)
        mode = setting and (setting.environments.get(env) or setting.mode)
        return mode.severity if mode else default

    def located(self, source) -> "Federation":
        """The same decisions, remembering the file (a `meshplane.declarations.mesh.Source`) they were read from."""
        self._source = source
        return self


def read_federation(path: Path | str = DEFAULT_PATH) -> Federation:
    """Read the federation's file (defaults when it does not exist); raise MeshError on any problem of its schema.

    That every rule it names exists is governance's to say (`meshplane.governance.load_federation`).
    """
    from meshplane.declarations.loader import read_spec

    path = Path(path)
    if not path.exists():
        misnamed = sorted(p for p in path.parent.glob("*") if p.name.lower() in (path.name.lower(), path.with_suffix(".yml").name.lower())) if path.parent.is_dir() else []
        if misnamed:  # the federation's decisions would be lost in silence: the defaults would apply
            shown = display_path(misnamed[0], path.parent)
            raise MeshError([Problem(shown, 1, f"the federation's file is read as {path.name}: rename it (its decisions are not read)")])
        return Federation()
    federation, source = read_spec(path, Federation)
    return federation.located(source)

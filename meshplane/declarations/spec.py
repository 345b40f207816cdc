"""The declarations domain teams write: one model per file kind, every field described.

These models are the single source of truth for defaults: the loader, the JSON Schemas under
`schemas/` and the docs all derive from them.
"""

from __future__ import annotations

import datetime
import re
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from meshplane.cloud import aws_inputs as aws
from meshplane.cloud import cron, dqdl, quality_sql

NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
ADDRESS_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*/[a-z][a-z0-9]*(-[a-z0-9]+)*$"
INPUT_PATTERN = ADDRESS_PATTERN.removesuffix("$") + r"(@[1-9][0-9]{0,2})?$"  # an address, pinned to a major version
HANDLE_PATTERN = r"^@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$"  # a code host's user or team
COLUMN_PATTERN = r"^[a-z][a-z0-9_]*$"
CONTRACTS_FOLDER = "contracts"  # in a domain's folder: the ODCS contracts its products may take their schema from
CONTRACT_PATTERN = rf"^{CONTRACTS_FOLDER}/[a-z0-9][a-z0-9._-]*\.ya?ml$"

# scalars are never coerced: an integer field refuses true, 1.5 and "30"; a boolean one anything but true and false
Integer = Annotated[int, Strict()]
Boolean = Annotated[bool, Strict()]
Number = Annotated[float, Strict()]  # a whole number is a number too



def _iso_day(value: object) -> object:
    if isinstance(value, datetime.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise PydanticCustomError("day", "expected a day, YYYY-MM-DD, got {got}", {"got": repr(value)})


Day = Annotated[datetime.date, BeforeValidator(_iso_day)]  # a day written out, never a number read as a timestamp

Name = Annotated[str, Field(pattern=NAME_PATTERN, min_length=2, max_length=40)]
Email = Annotated[
    str,
    Field(pattern=aws.EMAIL_PATTERN, max_length=aws.EMAIL_MAX, json_schema_extra={"format": "email"}),
]

def _not_reserved_tag(value: str) -> str:
    if value.lower().startswith(aws.TAG_RESERVED_PREFIX):
        raise ValueError(f"{value!r} starts with 'aws:', which AWS reserves in tags")
    return value


# a value every resource of the product carries as a tag: AWS's tag rules
TagValue = Annotated[
    str,
    AfterValidator(_not_reserved_tag),
    Field(pattern=aws.TAG_VALUE_PATTERN, max_length=aws.TAG_VALUE_MAX, json_schema_extra={"not": {"pattern": "^[aA][wW][sS]:"}}),
]
# Glue's multi-line text (a table's or database's description): no control character but tab and line breaks
GLUE_TEXT = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F]*$"
GlueDescription = Annotated[str, Field(min_length=1, max_length=aws.GLUE_DESCRIPTION_MAX, pattern=GLUE_TEXT)]  # a table's or database's
PII_MARK = " [pii]"  # what a column's Glue comment adds to its description


def _bucket_suffix(value: str) -> str:
    """A product's (oldest) name ends its bucket's name: none that S3 reserves for a bucket's end."""
    reserved = next((s for s in aws.BUCKET_RESERVED_SUFFIXES if value.endswith(s)), None)
    if reserved:
        raise ValueError(f"{value!r} ends with {reserved!r}: it would end the product's S3 bucket name, and S3 reserves that ending")
    return value


ProductName = Annotated[Name, AfterValidator(_bucket_suffix), Field(json_schema_extra={"not": {"pattern": "-s3alias$"}})]


def _schedule(value: str) -> str:
    wrong = cron.problem(value)
    if wrong:
        raise ValueError(wrong)
    return value


Schedule = Annotated[str, AfterValidator(_schedule), Field(json_schema_extra={"pattern": cron.PATTERN})]

# what a pattern asks for, in words: a value that does not match is told this, not the expression
PATTERN_WORDS = {
    NAME_PATTERN: "a name of lowercase letters and digits in words joined by single hyphens, starting with a letter",
    ADDRESS_PATTERN: "a product's address, `<domain>/<product>`",
    INPUT_PATTERN: "a product's address, `<domain>/<product>` or `<domain>/<product>@<major>`",
    COLUMN_PATTERN: "a column name: lowercase letters, digits and underscores, starting with a letter",
    aws.EMAIL_PATTERN: "an e-mail address (letters, digits and . _ + - before the @: AWS allows no other mark in a tag)",
    aws.EKS_CLUSTER_PATTERN: "an EKS cluster's name: letters, digits, _ and -, starting with a letter or a digit",
    aws.TAG_VALUE_PATTERN: "a tag's value: letters, digits, spaces and _ . : / = + - @ (AWS allows no other mark in a tag)",
    aws.GLUE_SINGLE_LINE: "one line (Glue refuses a line break or a control character in a column comment)",
    GLUE_TEXT: "text without control characters (Glue refuses them in a description)",
}
Address = Annotated[
    str,
    Field(pattern=ADDRESS_PATTERN, description="A product's address: `<domain>/<product>`."),
]
InputRef = Annotated[
    str,
    Field(
        pattern=INPUT_PATTERN,
        description="An upstream product's address, `<domain>/<product>`, reading its output port's major version 1; "
        "`<domain>/<product>@<major>` reads another major version.",
    ),
]
Handle = Annotated[str, Field(pattern=HANDLE_PATTERN, description="A code host's user (`@user`) or team (`@org/team`).")]


def located(message: str, *at: str | int) -> PydanticCustomError:
    """A model's error about one of its fields: the loader shows it at that field's line."""
    return PydanticCustomError("located", "{message}", {"message": message, "at": at})


def located_all(title: str, errors: list[tuple]) -> ValidationError:
    """Several errors of one model, each about one of its fields (`(message, *at)`): each at that field's line."""
    details = [InitErrorDetails(type=PydanticCustomError("located", "{message}", {"message": message}), loc=tuple(at), input=None) for message, *at in errors]
    return ValidationError.from_exception_data(title, details)


class Spec(BaseModel):
    """Base of every declaration: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Kind(str, Enum):
    source_aligned = "source-aligned"
    aggregate = "aggregate"
    consumer_aligned = "consumer-aligned"


class Classification(str, Enum):
    """Ordered from least to most sensitive."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"

    @property
    def rank(self) -> int:
        return list(Classification).index(self)


class Format(str, Enum):
    parquet = "parquet"
    json = "json"
    csv = "csv"


SCALAR_TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp")  # and decimal(p,s)
STRUCT, ARRAY = "struct", "array"  # a column holding fields of its own, a column holding a list of elements
DECIMAL_MAX = 38  # Glue's (and Hive's, Spark's, Athena's) largest decimal precision
DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")
_DIGITS = r"([0-9]|[1-2][0-9]|3[0-8])"
DECIMAL_PATTERN = rf"^decimal\(([1-9]|[1-2][0-9]|3[0-8]),{_DIGITS}\)$"  # the scale is at most the precision: checked in code
SCALAR_WORDS = f"{', '.join(SCALAR_TYPES)} or decimal(p,s) (precision p 1 to {DECIMAL_MAX}, scale s 0 to p)"
TYPE_WORDS = f"{', '.join(SCALAR_TYPES)}, decimal(p,s) (precision p 1 to {DECIMAL_MAX}, scale s 0 to p), {STRUCT} (with `fields`) or {ARRAY} (with `items`)"


def decimal(precision: int, scale: int) -> str:
    return f"decimal({precision},{scale})"


def decimal_of(column_type: str) -> tuple[int, int] | None:
    """(precision, scale) of a `decimal(p,s)` type, else None."""
    found = DECIMAL.fullmatch(column_type)
    return (int(found[1]), int(found[2])) if found else None


def _column_type(value: object, nested: bool = True) -> object:
    if not isinstance(value, str):
        return value  # the str field says what it expects
    if value in SCALAR_TYPES or (nested and value in (STRUCT, ARRAY)):
        return value
    digits = decimal_of(value)
    if digits is not None and 1 <= digits[0] <= DECIMAL_MAX and 0 <= digits[1] <= digits[0]:
        return value
    if digits is not None:
        raise PydanticCustomError("column_type", "{got}: a decimal's precision is 1 to {max} and its scale 0 to its precision",
                                  {"got": value, "max": DECIMAL_MAX})  # fmt: skip
    words = TYPE_WORDS if nested else SCALAR_WORDS
    raise PydanticCustomError("column_type", "expected a column type: {types}; got {got}", {"types": words, "got": repr(value)})


_TYPE_SCHEMA = [{"enum": list(SCALAR_TYPES)}, {"type": "string", "pattern": DECIMAL_PATTERN}]
# a column's type as Glue stores it: a scalar, decimal(p,s), or (for columns and their fields) struct or array
ColumnType = Annotated[
    str, BeforeValidator(_column_type), Field(json_schema_extra={"anyOf": [*_TYPE_SCHEMA, {"enum": [STRUCT, ARRAY]}]})
]
ScalarType = Annotated[
    str, BeforeValidator(lambda v: _column_type(v, nested=False)), Field(json_schema_extra={"anyOf": _TYPE_SCHEMA})
]


class Engine(str, Enum):
    kubernetes = "kubernetes"
    spark = "spark"


class Status(str, Enum):
    """Where a product is in its life: only an active or deprecated product promises its contract to consumers."""

    draft = "draft"  # being built: readable by agreed consumers, but its schema may change without a new version
    active = "active"
    deprecated = "deprecated"  # still served; its consumers are warned, with the date it will be retired
    retired = "retired"  # no longer served: no grants, no job; its data is kept unless both destruction keys are turned


class PortStatus(str, Enum):
    """An earlier major version of the output port, kept beside the current one."""

    deprecated = "deprecated"  # still written and served until its deprecation date
    retired = "retired"  # no longer written or served; its bucket and table keep the data


class Environment(str, Enum):
    dev = "dev"
    staging = "staging"
    prod = "prod"
    local = "local"


class QualityType(str, Enum):
    """ODCS v3.2's kinds of quality rule."""

    library = "library"  # one of the standard's metrics, measured by meshplane (Glue Data Quality and `meshplane test`)
    sql = "sql"  # one SELECT over `${table}` returning a number
    text = "text"  # words for people: kept and exported, not evaluated
    custom = "custom"  # another engine's rule (Soda, Great Expectations): kept and exported, not evaluated


class QualityMetric(str, Enum):
    """ODCS v3.2's library metrics."""

    rowCount = "rowCount"
    nullValues = "nullValues"
    missingValues = "missingValues"
    invalidValues = "invalidValues"
    duplicateValues = "duplicateValues"


class QualityUnit(str, Enum):
    rows = "rows"
    percent = "percent"


class QualitySeverity(str, Enum):
    error = "error"  # a failed rule fails `meshplane test` (exit 1) and is a failed evaluation
    warning = "warning"  # reported, never a failure


class QualityDimension(str, Enum):
    """ODCS v3.2's data quality dimensions."""

    accuracy = "accuracy"
    completeness = "completeness"
    conformity = "conformity"
    consistency = "consistency"
    coverage = "coverage"
    timeliness = "timeliness"
    uniqueness = "uniqueness"


QUALITY_OPERATORS = dqdl.OPERATORS  # ODCS's eight comparison operators (a rule has exactly one), each as DQDL writes it
MEASURED = (QualityType.library, QualityType.sql)  # the kinds meshplane evaluates
ScalarValue = Annotated[str | Integer | Number | Boolean, Field(json_schema_extra={"type": ["string", "number", "boolean"]})]


def _scalar(value: object) -> object:
    if isinstance(value, (list, tuple, dict)):
        raise ValueError(f"expected a text, a number or true/false, got {'a list' if not isinstance(value, dict) else 'a mapping'}")
    return value


Comparable = Annotated[ScalarValue, BeforeValidator(_scalar)]  # what mustBe / mustNotBe compare: one value, no list


def _compiles(pattern: str) -> str:
    """A pattern the rules will match with is checked where it is written, not where a rule first uses it."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    return pattern


RegularExpression = Annotated[str, AfterValidator(_compiles), Field(json_schema_extra={"format": "regex"})]


class QualityArguments(Spec):
    """A library metric's arguments (ODCS v3.2)."""

    validValues: tuple[ScalarValue, ...] | None = Field(
        default=None, min_length=1, description="invalidValues: the values a column may hold (of the column's type); any other is invalid."
    )
    pattern: RegularExpression | None = Field(
        default=None, min_length=1, description="invalidValues: a regular expression every value of a string column matches."
    )
    missingValues: tuple[ScalarValue | None, ...] | None = Field(
        default=None, min_length=1, description="missingValues: the values that count as missing besides null (such as '' or 'N/A')."
    )
    properties: tuple[Annotated[str, Field(pattern=COLUMN_PATTERN)], ...] | None = Field(
        default=None,
        min_length=1,
        description="duplicateValues on the port: the columns whose values together must not repeat.",
        json_schema_extra={"uniqueItems": True},
    )


class AuthoritativeDefinition(Spec):
    url: str = Field(min_length=1, description="Where the definition is.")
    type: str = Field(min_length=1, description="What kind of definition it is (businessDefinition, implementation, ...).")
    description: str | None = Field(default=None, description="What it says.")
    id: str | None = Field(default=None, description="Its identifier.")


class CustomProperty(Spec):
    property: str = Field(min_length=1, description="The property's name.")
    value: object = Field(description="Its value.", json_schema_extra={})
    description: str | None = Field(default=None, description="What it means.")
    id: str | None = Field(default=None, description="Its identifier.")


_BETWEEN = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"}}


def _pair(value: tuple[float, ...]) -> tuple[float, ...]:
    if len(value) != 2:
        raise ValueError(f"expected a list of 2 numbers, smallest first, got {len(value)}")
    return value


Pair = Annotated[tuple[Number, ...], AfterValidator(_pair)]  # two numbers, smallest first


class QualityRule(Spec):
    """A quality rule in ODCS v3.2's vocabulary (`DataQuality`), on the port or on a column."""

    id: str | None = Field(default=None, min_length=1, description="The rule's stable identifier.")
    name: str | None = Field(default=None, min_length=1, description="The rule's name, shown with its result.")
    description: str | None = Field(default=None, min_length=1, description="What the rule checks, for people.")
    type: QualityType = Field(
        default=QualityType.library,
        description="library (a metric), sql (one SELECT over `${table}`), text (words, not evaluated) or custom "
        "(another engine's rule, not evaluated).",
    )
    metric: QualityMetric | None = Field(
        default=None, description="library: rowCount, nullValues, missingValues, invalidValues or duplicateValues."
    )
    arguments: QualityArguments | None = Field(default=None, description="library: the metric's arguments.")
    query: str | None = Field(
        default=None,
        min_length=1,
        description="sql: one SELECT returning one number, reading only `${table}` (and `${column}`, on a column): no other "
        "table, no table function, no other statement.",
    )
    engine: str | None = Field(default=None, min_length=1, description="custom: the engine that runs it (soda, great-expectations...).")
    implementation: str | dict[str, object] | None = Field(default=None, description="custom: the rule in that engine's terms.")
    mustBe: Comparable | None = Field(
        default=None, description="The measure equals this (=): a number, or for a sql rule whose query returns one, a string or a boolean."
    )
    mustNotBe: Comparable | None = Field(
        default=None, description="The measure differs from this (!=): a number, or for a sql rule, a string or a boolean."
    )
    mustBeGreaterThan: Number | None = Field(default=None, description="The measure is above this (>).")
    mustBeGreaterOrEqualTo: Number | None = Field(default=None, description="The measure is at least this (>=).")
    mustBeLessThan: Number | None = Field(default=None, description="The measure is below this (<).")
    mustBeLessOrEqualTo: Number | None = Field(default=None, description="The measure is at most this (<=).")
    mustBeBetween: Pair | None = Field(
        default=None, description="The measure is between these two numbers, both included, smallest first.", json_schema_extra=_BETWEEN
    )
    mustNotBeBetween: Pair | None = Field(
        default=None, description="The measure is outside these two numbers, smallest first.", json_schema_extra=_BETWEEN
    )
    unit: QualityUnit = Field(default=QualityUnit.rows, description="What the operator's numbers count: rows, or percent of the rows.")
    severity: QualitySeverity = Field(default=QualitySeverity.error, description="error: a failure fails the product; warning: reported.")
    dimension: QualityDimension | None = Field(default=None, description="The quality dimension it measures.")
    businessImpact: str | None = Field(default=None, min_length=1, description="What a failure costs (operational, regulatory...).")
    method: str | None = Field(default=None, min_length=1, description="How it is checked (reconciliation...).")
    schedule: Schedule | None = Field(
        default=None, description="When it is evaluated, a cron expression (as `job.schedule`); by default after each run of the job."
    )
    scheduler: str | None = Field(default=None, pattern="^cron$", description="What reads `schedule`: cron.")
    tags: tuple[str, ...] = Field(default=(), description="Tags.")
    authoritativeDefinitions: tuple[AuthoritativeDefinition, ...] = Field(default=(), description="Where the rule is defined.")
    customProperties: tuple[CustomProperty, ...] = Field(default=(), description="Further properties, carried through.")

    model_config = {
        **Spec.model_config,
        "json_schema_extra": {
            "allOf": [
                {  # library (the default) and sql: exactly one operator
                    "if": {"anyOf": [{"not": {"required": ["type"]}}, {"properties": {"type": {"enum": ["library", "sql"]}}}]},
                    "then": {"oneOf": [{"required": [op]} for op in QUALITY_OPERATORS]},
                    "else": {"not": {"anyOf": [{"required": [op]} for op in QUALITY_OPERATORS]}},
                },
                {
                    "if": {"anyOf": [{"not": {"required": ["type"]}}, {"properties": {"type": {"const": "library"}}}]},
                    "then": {"required": ["metric"], "not": {"anyOf": [{"required": ["query"]}, {"required": ["engine"]}]},
                             "properties": {"mustBe": {"type": "number"}, "mustNotBe": {"type": "number"}}},  # a metric counts
                },
                {"if": {"properties": {"unit": {"const": "percent"}}, "required": ["unit"]},
                 "then": {"properties": {"mustBe": {"type": "number"}, "mustNotBe": {"type": "number"}}}},
                {"if": {"properties": {"type": {"const": "sql"}}, "required": ["type"]},
                 "then": {"required": ["query"], "not": {"anyOf": [{"required": ["metric"]}, {"required": ["arguments"]}]}}},
                {"if": {"properties": {"type": {"const": "custom"}}, "required": ["type"]}, "then": {"required": ["engine", "implementation"]}},
                {"if": {"properties": {"type": {"const": "text"}}, "required": ["type"]}, "then": {"required": ["description"]}},
                {"if": {"properties": {"metric": {"const": "invalidValues"}}, "required": ["metric"]},
                 "then": {"required": ["arguments"], "properties": {"arguments": {"anyOf": [{"required": ["validValues"]}, {"required": ["pattern"]}]}}}},
                {"if": {"properties": {"metric": {"const": "rowCount"}}, "required": ["metric"]},
                 "then": {"not": {"properties": {"unit": {"const": "percent"}}, "required": ["unit"]}}},
            ]
        },
    }  # fmt: skip

    @property
    def operator(self) -> tuple[str, float | tuple[float, float]] | None:
        """(ODCS's name of the rule's one operator, its value), or None for text and custom rules."""
        return next(((op, getattr(self, op)) for op in QUALITY_OPERATORS if getattr(self, op) is not None), None)

    @property
    def measured(self) -> bool:
        """Whether meshplane evaluates it (library and sql rules); text and custom rules are reported "not evaluated"."""
        return self.type in MEASURED

    @model_validator(mode="after")
    def _consistent(self) -> "QualityRule":
        wrong: list[tuple] = []
        given = [op for op in QUALITY_OPERATORS if getattr(self, op) is not None]
        kind = self.type.value
        if self.measured and not given:
            wrong.append((f"a {kind} rule has exactly one operator: {', '.join(QUALITY_OPERATORS)}",))
        for op in given[1:] if self.measured else given:
            why = f"a rule has one operator, and this one has {given[0]} too" if self.measured else f"a {kind} rule is not measured"
            wrong.append((f"{why}: drop {op}", op))
        for op in ("mustBeBetween", "mustNotBeBetween"):
            pair = getattr(self, op)
            if pair is not None and not pair[0] < pair[1]:
                wrong.append((f"[{pair[0]:g}, {pair[1]:g}]: the smallest number first, and two different numbers", op))
        wanted = {"library": ("metric",), "sql": ("query",), "custom": ("engine", "implementation"), "text": ("description",)}[kind]
        wrong += [(f"a {kind} rule needs `{key}`",) for key in wanted if getattr(self, key) is None]
        foreign = {"metric": "library", "arguments": "library", "query": "sql", "engine": "custom", "implementation": "custom"}
        wrong += [(f"only a {owner} rule has `{key}` (this is a {kind} rule)", key)
                  for key, owner in foreign.items() if owner != kind and getattr(self, key) is not None]  # fmt: skip
        if self.query is not None and kind == "sql":
            problem = quality_sql.problem(self.query)
            if problem:
                wrong.append((problem, "query"))
        wrong += self._metric_fits()
        wrong += [(f"{value!r} is not a number: {why}", op) for op, value, why in self._compared()]
        if self.unit is QualityUnit.percent:
            numbers = [v for op in given for v in (getattr(self, op) if isinstance(getattr(self, op), tuple) else [getattr(self, op)])]
            if any(dqdl.is_number(v) and not 0 <= v <= 100 for v in numbers):
                wrong.append((f"a percentage is 0 to 100: {given[0]} says {numbers}", given[0]))
        if self.scheduler is not None and self.schedule is None:
            wrong.append(("a scheduler reads a `schedule`: add one, or drop the scheduler", "scheduler"))
        if wrong:
            raise located_all(type(self).__name__, wrong)
        return self

    def _compared(self) -> list[tuple[str, object, str]]:
        """mustBe and mustNotBe take any value in ODCS 3.2.0 (`DataQualityOperators`): a string or a boolean is compared
        where the measure can be one, a sql rule's value; a library metric counts (rows or percent), so it is a number."""
        found = []
        for op in ("mustBe", "mustNotBe"):
            value = getattr(self, op)
            if value is None or dqdl.is_number(value):
                continue
            if self.type is QualityType.library:
                found.append((op, value, f"{self.metric.value if self.metric else 'a library metric'} counts {self.unit.value}"))
            elif self.unit is QualityUnit.percent:
                found.append((op, value, "a percentage is a number (a sql rule compared with a string or a boolean counts rows)"))
        return found

    def _metric_fits(self) -> list[tuple]:
        metric, args = self.metric, self.arguments or QualityArguments()
        if metric is None:
            return []
        wrong = []
        if metric is QualityMetric.rowCount and self.unit is QualityUnit.percent:
            wrong.append(("rowCount counts rows: its unit is rows", "unit"))
        if metric is QualityMetric.invalidValues and args.validValues is None and args.pattern is None:
            wrong.append(("invalidValues needs `arguments` with `validValues` or a `pattern`", "metric"))
        if metric is QualityMetric.invalidValues and args.validValues is not None and args.pattern is not None:
            wrong.append(("invalidValues takes `validValues` or a `pattern`, not both", "arguments", "pattern"))
        owners = {"validValues": QualityMetric.invalidValues, "pattern": QualityMetric.invalidValues,
                  "missingValues": QualityMetric.missingValues, "properties": QualityMetric.duplicateValues}  # fmt: skip
        wrong += [(f"only {owner.value} takes `{key}` (this rule measures {metric.value})", "arguments", key)
                  for key, owner in owners.items() if getattr(args, key) is not None and owner is not metric]  # fmt: skip
        return wrong


class Element(Spec):
    """An array column's element: its type, and its own fields (a struct) or elements (an array)."""

    type: ColumnType = Field(description=f"Its type, as the catalog stores it: {TYPE_WORDS}.")
    description: str | None = Field(
        default=None, min_length=1, description="What it holds, for its readers (the catalog's page and the exported contract show it)."
    )
    fields: tuple[StructField, ...] = Field(default=(), description="type struct: its fields, in order, each once.")
    items: Element | None = Field(default=None, description="type array: what each element of the list is.")

    @model_validator(mode="after")
    def _shape(self) -> "Element":
        if self.type == STRUCT and not self.fields:
            raise located("a struct lists its `fields`", "type")
        if self.type != STRUCT and self.fields:
            raise located(f"only a struct has `fields` (this is {self.type})", "fields")
        if self.type == ARRAY and self.items is None:
            raise located("an array says what its elements are: `items: {type: ...}`", "type")
        if self.type != ARRAY and self.items is not None:
            raise located(f"only an array has `items` (this is {self.type})", "items")
        seen: set[str] = set()
        for i, member in enumerate(self.fields):
            if member.name in seen:
                raise located(f"field {member.name!r} is listed twice", "fields", i, "name")
            seen.add(member.name)
        return self

    @property
    def glue_type(self) -> str:
        """The type as Glue (and Hive, Athena, Spark) spell it: `struct<a:string,b:array<int>>`."""
        if self.type == STRUCT:
            return f"struct<{','.join(f'{f.name}:{f.glue_type}' for f in self.fields)}>"
        if self.items is not None:
            return f"array<{self.items.glue_type}>"
        return self.type

    @property
    def holds_pii(self) -> bool:
        """Whether it, or anything nested in it, holds personal data."""
        return any(f.holds_pii for f in self.fields) or (self.items is not None and self.items.holds_pii)


class StructField(Element):
    """A field of a struct column."""

    name: str = Field(pattern=COLUMN_PATTERN, max_length=128, description="Field name (snake_case).")
    pii: Boolean = Field(default=False, description="True when the field holds personal data.")
    nullable: Boolean = Field(default=True, description="False promises every value a value for this field.")

    @property
    def holds_pii(self) -> bool:
        return self.pii or super().holds_pii


class Column(StructField):
    description: str = Field(
        min_length=1,
        max_length=aws.GLUE_COMMENT_MAX - len(PII_MARK),
        pattern=aws.GLUE_SINGLE_LINE,
        description="What the column holds, for its readers: one line, its Glue comment (255 characters with ' [pii]').",
    )
    pii: Boolean = Field(default=False, description="True when the column holds personal data.")
    nullable: Boolean = Field(
        default=True,
        description="False promises every row a value; making a non-nullable column nullable again breaks its consumers.",
    )
    polyseme: str | None = Field(
        default=None,
        pattern=COLUMN_PATTERN,
        description="The shared identifier this column carries across domains (from the federation's vocabulary).",
    )
    quality: tuple[QualityRule, ...] = Field(
        default=(),
        description="Quality rules on this column (ODCS v3.2): nullValues, missingValues, invalidValues, duplicateValues, or "
        "sql over `${table}` and `${column}`.",
    )

    @model_validator(mode="after")
    def _column_rules(self) -> "Column":
        wrong = []
        for i, rule in enumerate(self.quality):
            if rule.metric is QualityMetric.rowCount:
                wrong.append(("rowCount counts the port's rows: put it in the port's `quality`", "quality", i, "metric"))
            if rule.arguments is not None and rule.arguments.properties is not None:
                wrong.append(("a column's rule is about its column: name several columns in the port's `quality`",
                              "quality", i, "arguments", "properties"))  # fmt: skip
        if wrong:
            raise located_all(type(self).__name__, wrong)
        return self


Element.model_rebuild()  # an element's fields are struct fields, defined after it


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


class OutputPort(Spec):
    version: Integer = Field(
        default=1,
        ge=1,
        le=999,
        description="The port's major version. A change that breaks consumers is published as a new major version, with the "
        "old one kept in `previous_outputs` (each version has its own bucket and table).",
    )
    format: Format = Field(default=Format.parquet, description="File format of the product's data.")
    columns: tuple[Column, ...] = Field(
        default=(),
        min_length=1,
        description="The schema of the output port (unless it is taken from `contract`).",
        json_schema_extra=_no_default,
    )
    partitions: tuple[Column, ...] = Field(
        default=(), description="Partition keys (columns of their own, as in the catalog)."
    )
    quality: tuple[QualityRule, ...] = Field(default=(), description="Quality rules on the port's data (ODCS v3.2).")
    contract: str | None = Field(
        default=None,
        pattern=CONTRACT_PATTERN,
        description="An Open Data Contract Standard (v3) file in the domain's `contracts/` folder, such as "
        "`contracts/play-events.odcs.yaml`: the port's columns and partitions are taken from its one schema object.",
    )
    quality: tuple[QualityRule, ...] = Field(
        default=(),
        description="Quality rules on the port (ODCS v3.2): rowCount, duplicateValues over `arguments.properties`, or sql "
        "over `${table}`; a column's own rules sit on the column.",
    )

    model_config = {**Spec.model_config, "json_schema_extra": {"oneOf": [{"required": ["columns"]}, {"required": ["contract"]}]}}

    @model_validator(mode="after")
    def _one_schema_source(self) -> "OutputPort":
        if self.contract is not None and (self.columns or self.partitions):
            raise ValueError("the port takes its schema from `contract` or declares `columns` and `partitions`, not both")
        if self.contract is not None and self.quality:
            raise located("the port takes its quality rules from its `contract` (its `quality` arrays): write them there", "quality")
        if self.contract is None and not self.columns:
            raise ValueError("the port declares its `columns`, or takes them from an ODCS `contract`")
        return self

    @model_validator(mode="after")
    def _port_rules(self) -> "OutputPort":
        wrong = []
        for i, rule in enumerate(self.quality):
            if rule.metric in (QualityMetric.nullValues, QualityMetric.missingValues, QualityMetric.invalidValues):
                wrong.append((f"{rule.metric.value} measures one column: put the rule in that column's `quality`", "quality", i, "metric"))
            if rule.metric is QualityMetric.duplicateValues and (rule.arguments is None or rule.arguments.properties is None):
                wrong.append(("duplicateValues on the port names its columns in `arguments.properties` (on a column, put it "
                              "in the column's `quality`)", "quality", i, "metric"))  # fmt: skip
            if rule.query is not None and quality_sql.COLUMN in rule.query:
                wrong.append(("`${column}` is a column's rule's column: this rule is the port's", "quality", i, "query"))
        if wrong:
            raise located_all(type(self).__name__, wrong)
        return self

    @model_validator(mode="after")
    def _flat_where_it_must_be(self) -> "OutputPort":
        for i, column in enumerate(self.partitions):
            if column.type in (STRUCT, ARRAY):
                raise located(f"a partition key holds one value per folder ({SCALAR_WORDS}), not a {column.type}", "partitions", i, "type")
        if self.format is Format.csv:
            for i, column in enumerate(self.columns):
                if column.type in (STRUCT, ARRAY):
                    raise located(f"a CSV file holds one value per column: {'an' if column.type == ARRAY else 'a'} {column.type} column needs parquet or json", "columns", i, "type")
        return self

    @model_validator(mode="after")
    def _unique_columns(self) -> "OutputPort":
        """Each repeated name at its own line: the second column (or partition) that takes it, and any after."""
        first: dict[str, str] = {}
        repeats = []
        for key, listed in (("columns", self.columns), ("partitions", self.partitions)):
            for i, column in enumerate(listed):
                if column.name in first:
                    repeats.append((f"column {column.name!r} is declared twice in this port (first as its {first[column.name]})", key, i, "name"))
                first.setdefault(column.name, f"{key[:-1]} {i + 1}")
        if repeats:
            raise located_all(type(self).__name__, repeats)
        return self


class Deprecation(Spec):
    """When a deprecated product (or an earlier port version) stops being served, and what replaces it."""

    date: Day = Field(description="The day it is retired (YYYY-MM-DD); its consumers are warned until then.")
    replaced_by: Address | None = Field(
        default=None, description="The product consumers should move to (a product's earlier port is replaced by its current one)."
    )


class PreviousOutput(OutputPort):
    """An earlier major version of the output port, kept beside the current one until its consumers have moved."""

    version: Integer = Field(ge=1, le=999, description="The major version this port was published as.")
    status: PortStatus = Field(
        default=PortStatus.deprecated, description="deprecated: still written and served; retired: kept as data only."
    )
    deprecation: Deprecation = Field(description="When this version is retired; its consumers are warned until then.")

    @model_validator(mode="after")
    def _replaced_by_current(self) -> "PreviousOutput":
        if self.deprecation.replaced_by is not None:
            raise located("an earlier port version is replaced by the product's current `output`: drop it", "deprecation", "replaced_by")
        return self


class ServiceLevels(Spec):
    freshness_hours: Number = Field(gt=0, le=8760, description="Maximum age of the newest data, in hours.")
    availability: Number = Field(gt=0, le=100, description="Availability objective of the output port, in percent.")


class Resources(Spec):
    cpu: str = Field(default="500m", pattern=r"^[0-9]+(\.[0-9]+)?m?$", description="CPU request and limit.")
    memory: str = Field(default="1Gi", pattern=r"^[0-9]+(Mi|Gi)$", description="Memory request and limit.")


class Job(Spec):
    image: str = Field(
        min_length=3,
        pattern=r"^[a-z0-9][a-z0-9.\-/:_@]*$",
        description="Container image of the job that produces the product (pin it: digest or immutable tag).",
    )
    schedule: Schedule = Field(
        default="0 3 * * *",
        description="Cron schedule of the job: five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12, day of week 0-6) "
        "or @hourly, @daily, @weekly, @monthly.",
    )
    engine: Engine = Field(default=Engine.kubernetes, description="Kubernetes CronJob, or Spark on Kubernetes.")
    resources: Resources = Field(default_factory=Resources, description="Resources of each pod.")
    replicas: Integer = Field(default=1, ge=1, le=100, description="Pods (kubernetes) or executors (spark).")
    suspended: Boolean = Field(default=False, description="Suspend the schedule (no new runs).")


class Override(Spec):
    """Only what makes sense to vary between environments."""

    retention_days: Integer | None = Field(default=None, ge=1, le=3650, description="Retention in this environment.")
    schedule: Schedule | None = Field(default=None, description="Job schedule in this environment (as `job.schedule`).")
    replicas: Integer | None = Field(default=None, ge=1, le=100, description="Job replicas in this environment.")
    resources: Resources | None = Field(default=None, description="Job resources in this environment.")
    suspended: Boolean | None = Field(default=None, description="Suspend the job in this environment.")


class Suppression(Spec):
    rule: str = Field(pattern=r"^[A-Z]+-[0-9]{3}$", description="ID of the governance rule suppressed.")
    reason: str = Field(min_length=10, description="Why the rule does not apply (required, reviewed).")


class Product(Spec):
    """One data product: `domains/<domain>/products/<name>.yaml`."""

    name: ProductName = Field(description="Product name, unique in its domain; its address is `<domain>/<name>`.")
    description: GlueDescription = Field(
        description="What the product offers and to whom: its Glue table's description (2048 characters at most).",
    )
    owner: TagValue = Field(
        min_length=1,
        description="The product owner's e-mail address (a person or a team): a tag on its resources, so letters, digits, spaces "
        "and _ . : / = + - @ only, 256 at most (MESH-001 asks for an e-mail address).",
    )
    kind: Kind = Field(description="Source-aligned, aggregate or consumer-aligned.")
    classification: Classification = Field(description="Sensitivity of the product's data.")
    status: Status = Field(default=Status.active, description="draft, active, deprecated (with `deprecation`) or retired.")
    deprecation: Deprecation | None = Field(
        default=None, description="For a deprecated or retired product: when it is (or was) retired and what replaces it."
    )
    output: OutputPort = Field(description="The output port: major version, format, schema, partitions.")
    previous_outputs: tuple[PreviousOutput, ...] = Field(
        default=(),
        description="Earlier major versions of the output port still kept beside the current one, each with its deprecation date.",
    )
    declassification: str | None = Field(
        default=None,
        min_length=20,
        description="Why the product is classified below an input it reads (classification flows along lineage): "
        "what was removed or aggregated, and who decided.",
    )
    inputs: tuple[InputRef, ...] = Field(
        default=(),
        description="Upstream products read, by address (`<domain>/<product>`, or `<domain>/<product>@<major>`), each once.",
        json_schema_extra={"uniqueItems": True},
    )
    consumers: tuple[str, ...] = Field(
        default=(),
        description="Domains (`<domain>`) or products (`<domain>/<product>`) this product agrees to serve, each once.",
        json_schema_extra={"uniqueItems": True, "items": {"type": "string", "pattern": f"{NAME_PATTERN[:-1]}(/{NAME_PATTERN[1:-1]})?$"}},
    )
    service_levels: ServiceLevels | None = Field(default=None, description="Freshness and availability objectives.")
    retention_days: Integer = Field(default=365, ge=1, le=3650, description="Days an object is kept before expiry.")
    job: Job = Field(description="The job that produces the product.")
    environments: dict[Environment, Override] = Field(
        default_factory=dict, description="Per-environment overrides (precedence: defaults < product < environment)."
    )
    previous_names: tuple[ProductName, ...] = Field(
        default=(),
        description="Earlier names, oldest first, each once: a rename keeps the data (physical names stay the oldest name's).",
        json_schema_extra={"uniqueItems": True},
    )
    destroy_data: Boolean = Field(
        default=False,
        description="Second key for destroying data: effective only where the stack also allows data destruction.",
    )
    suppressions: tuple[Suppression, ...] = Field(default=(), description="Advisory governance rules suppressed, with reasons.")

    @field_validator("consumers")
    @classmethod
    def _consumer_syntax(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not (re.match(NAME_PATTERN, item) or re.match(ADDRESS_PATTERN, item)):
                raise ValueError(f"consumer {item!r} is neither a domain name nor a `<domain>/<product>` address")
        return value

    @model_validator(mode="after")
    def _lifecycle(self) -> "Product":
        if self.status is Status.deprecated and self.deprecation is None:
            raise located("a deprecated product says when it is retired: add `deprecation: {date: YYYY-MM-DD}`", "status")
        if self.deprecation is not None and self.status in (Status.draft, Status.active):
            raise located(f"only a deprecated or retired product has one: set `status: deprecated` (it is {self.status.value})", "deprecation")
        return self

    @model_validator(mode="after")
    def _older_versions(self) -> "Product":
        seen: set[int] = set()
        for i, port in enumerate(self.previous_outputs):
            if port.version >= self.output.version:
                raise located(f"{port.version} is not older than the current output's version {self.output.version}", "previous_outputs", i, "version")
            if port.version in seen:
                raise located(f"{port.version} is listed twice", "previous_outputs", i, "version")
            seen.add(port.version)
        return self

    @model_validator(mode="after")
    def _no_self_rename(self) -> "Product":
        if self.name in self.previous_names:
            raise ValueError(f"previous_names repeats the current name {self.name!r}")
        return self


class Domain(Spec):
    """A business domain: `domains/<domain>/domain.yaml`."""

    name: Name = Field(description="Domain name; must equal its folder's name.")
    description: GlueDescription = Field(
        description="The business capability the domain serves: its Glue database's description (2048 characters at most).",
    )
    team: str = Field(min_length=1, max_length=200, description="The team that owns the domain's data products.")
    contact: Email = Field(description="E-mail address of the owning team; a tag on the domain's resources.")
    code_owners: tuple[Handle, ...] = Field(
        default=(),
        description="The owning team's handles on the code host (`@org/team`, `@user`): `meshplane codeowners` makes them "
        "the required reviewers of the domain's folder.",
        json_schema_extra={"uniqueItems": True},
    )

    @model_validator(mode="after")
    def _owners_once(self) -> "Domain":
        first: dict[str, int] = {}
        for i, handle in enumerate(self.code_owners):
            if handle in first:
                raise located(f"{handle!r} is listed twice (first as item {first[handle] + 1})", "code_owners", i)
            first[handle] = i
        return self

"""A product's catalog entry: its table in its domain's Glue database, and its location registered with Lake Formation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components import tokens
from components.spec import Child

FORMER_PARENT = "meshplane:index:ProductCatalog"
FORMATS = {
    "parquet": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    ),
    "json": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.openx.data.jsonserde.JsonSerDe",
    ),
    "csv": (
        "org.apache.hadoop.mapred.TextInputFormat",
        "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
    ),
}


@dataclass(frozen=True)
class CatalogColumn:
    name: str
    type: str
    comment: str
    parameters: Mapping[str, str] = field(default_factory=dict)  # what the port's contract says of it (primary key, ...)


@dataclass(frozen=True)
class ProductCatalogArgs:
    database: str
    table: str
    location: str  # s3://bucket/
    bucket_arn: str  # registered with Lake Formation, which reads it for the queries it authorises
    lakeformation_role: str  # the role it reads with (the domain's)
    format: str  # a key of FORMATS
    columns: Sequence[CatalogColumn]
    partitions: Sequence[CatalogColumn] = ()
    description: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)  # owner, classification, SLOs, inputs


def _column(c: CatalogColumn) -> dict:
    return {"name": c.name, "type": c.type, "comment": c.comment, **({"parameters": dict(c.parameters)} if c.parameters else {})}


def catalog_children(args: ProductCatalogArgs) -> list[Child]:
    input_format, output_format, serde = FORMATS[args.format]
    table = {
        "database_name": args.database,
        "name": args.table,
        "description": args.description,
        "table_type": "EXTERNAL_TABLE",
        "parameters": {"classification": args.format, "EXTERNAL": "TRUE", **args.parameters},
        "storage_descriptor": {
            "location": args.location,
            "inputFormat": input_format,
            "outputFormat": output_format,
            "serDeInfo": {"serializationLibrary": serde},
            "columns": [_column(c) for c in args.columns],
        },
        "partition_keys": [_column(c) for c in args.partitions],
    }
    return [
        Child(tokens.TABLE, "table", table, stateful=True, after=["bucket"]),
        Child(tokens.LF_RESOURCE, "data-location", {"arn": args.bucket_arn, "role_arn": args.lakeformation_role}, after=["bucket"]),
    ]

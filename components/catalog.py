"""ProductCatalog: the product's entry in its domain's Glue database (schema, location, metadata)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws

from components.base import DataProtection, Quantum

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


@dataclass(frozen=True)
class ProductCatalogArgs:
    database: pulumi.Input[str]
    table: str
    location: str  # s3://bucket/
    format: str  # a key of FORMATS
    columns: Sequence[CatalogColumn]
    partitions: Sequence[CatalogColumn] = ()
    description: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)  # owner, classification, SLOs, inputs
    protection: DataProtection = DataProtection.protected


class ProductCatalog(Quantum):
    TOKEN = "meshplane:index:ProductCatalog"

    table_name: pulumi.Output[str]

    def __init__(self, name: str, args: ProductCatalogArgs, previous: Sequence[str] = (), opts: pulumi.ResourceOptions | None = None):
        super().__init__(self.TOKEN, name, previous, opts)
        input_format, output_format, serde = FORMATS[args.format]
        table = aws.glue.CatalogTable(
            self.child_name("table"),
            database_name=args.database,
            name=args.table,
            description=args.description,
            table_type="EXTERNAL_TABLE",
            parameters={"classification": args.format, "EXTERNAL": "TRUE", **args.parameters},
            storage_descriptor={
                "location": args.location,
                "input_format": input_format,
                "output_format": output_format,
                "ser_de_info": {"serialization_library": serde},
                "columns": [{"name": c.name, "type": c.type, "comment": c.comment} for c in args.columns],
            },
            partition_keys=[{"name": c.name, "type": c.type, "comment": c.comment} for c in args.partitions],
            opts=self.child("table", args.protection),
        )
        self.table_name = table.name
        self.register_outputs({"table_name": self.table_name})

"""Major versions of an output port, and the lifecycle, as the program provisions them.

Each version has its own bucket and table (version 1 keeps the names it always had), its own agreements
(a consumer reads the version it pins), and the job writes every served version; a retired version or
product keeps its data and loses its grants (and, for a product, its job).
"""

from __future__ import annotations

import json

import portkit
import pytest
from test_inventory_offline import differences

from components import tokens
from meshplane.registrations.offline import offline
from meshplane.registrations.project import open_project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return open_project(portkit.write(tmp_path_factory.mktemp("versions") / "project"), stack="prod")


@pytest.fixture(scope="module")
def resources(project):
    return [r for r in offline(project).resources if r.custom]


def named(resources, product: str, suffix: str):
    (found,) = [r for r in resources if r.name == f"{product}-{suffix}"]
    return found


def test_the_offline_inventory_is_the_engines(project):
    assert differences(project) == []


def test_each_version_has_its_own_bucket_and_table_and_version_1_keeps_its_names(resources):
    assert named(resources, "producer/events", "bucket").inputs["bucket"] == "gen-producer-events"
    assert named(resources, "producer/events", "table").inputs["name"] == "events"
    assert named(resources, "producer/events", "v2/bucket").inputs["bucket"] == "gen-producer-events--v2"
    v2 = named(resources, "producer/events", "v2/table").inputs
    assert v2["name"] == "events__v2"
    assert v2["storageDescriptor"]["location"] == "s3://gen-producer-events--v2/"
    assert [c["type"] for c in v2["storageDescriptor"]["columns"]] == ["string", "bigint"]
    assert [c["type"] for c in named(resources, "producer/events", "table").inputs["storageDescriptor"]["columns"]] == ["string", "int"]
    assert v2["parameters"]["port_version"] == "2"
    for version in ("bucket", "v2/bucket", "table", "v2/table"):
        assert named(resources, "producer/events", version).protect  # prod keeps data, of every version


def test_a_consumer_reads_the_version_it_pins(resources):
    v1 = named(resources, "producer/events", "to/reader-a/on-v1/access-point").inputs
    v2 = named(resources, "producer/events", "v2/to/reader-b/on-v2/access-point").inputs
    assert (v1["bucket"], v2["bucket"]) == ("gen-producer-events", "gen-producer-events--v2")
    assert not [r for r in resources if r.name in ("producer/events-to/reader-b/on-v2/access-point", "producer/events-v2/to/reader-a/on-v1/access-point")]
    env = {e["name"]: e["value"] for e in named(resources, "reader-b/on-v2", "job").inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["INPUT_PRODUCER_EVENTS"].endswith(f":accesspoint/{v2['name']}")
    reads = json.loads(named(resources, "reader-b/on-v2", "job-reads/reads").inputs["policy"])["Statement"][0]["Resource"]
    assert "arn:aws:s3:::gen-producer-events--v2" in reads and "arn:aws:s3:::gen-producer-events" not in reads


def test_the_job_writes_every_served_version(resources):
    policy = json.loads(named(resources, "producer/events", "job-policy").inputs["policy"])
    own = next(s for s in policy["Statement"] if s["Sid"] == "OwnList")["Resource"]
    assert own == ["arn:aws:s3:::gen-producer-events", "arn:aws:s3:::gen-producer-events--v2"]
    grants = [r for r in resources if r.product == "producer/events" and r.name.endswith("job-key-grant")]
    assert sorted(g.inputs["constraints"][0]["encryptionContextSubset"]["aws:s3:arn"] for g in grants) == [
        "arn:aws:s3:::gen-producer-events", "arn:aws:s3:::gen-producer-events--v2",
    ]  # fmt: skip
    env = {e["name"]: e["value"] for e in named(resources, "producer/events", "job").inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert (env["OUTPUT_LOCATION"], env["OUTPUT_TABLE"]) == ("s3://gen-producer-events--v2/", "gen_producer.events__v2")
    assert (env["OUTPUT_LOCATION_V1"], env["OUTPUT_TABLE_V1"]) == ("s3://gen-producer-events/", "gen_producer.events")


def test_a_retired_version_keeps_its_data_and_loses_its_grants_and_writer(resources):
    assert named(resources, "producer/old-events", "bucket").protect
    assert named(resources, "producer/old-events", "table").protect
    mine = {r.name.removeprefix("producer/old-events-") for r in resources if r.product == "producer/old-events"}
    assert "job-key-grant" not in mine and "v2/job-key-grant" in mine
    assert not [n for n in mine if n.startswith("to/")]  # nobody reads version 1
    policy = json.loads(named(resources, "producer/old-events", "job-policy").inputs["policy"])
    assert next(s for s in policy["Statement"] if s["Sid"] == "OwnList")["Resource"] == "arn:aws:s3:::gen-producer-old-events--v2"


def test_a_retired_product_keeps_its_data_and_loses_its_job_and_grants(resources):
    mine = {r.type for r in resources if r.product == "producer/gone"}
    assert tokens.BUCKET in mine and tokens.TABLE in mine
    assert not mine & {tokens.ROLE, tokens.ROLE_POLICY, tokens.CRONJOB, tokens.SERVICE_ACCOUNT, tokens.POD_IDENTITY, tokens.ACCESS_POINT, tokens.KEY_GRANT}
    assert named(resources, "producer/gone", "bucket").protect


def test_the_program_exports_the_current_versions_table(project):
    from meshplane.registrations import engine

    outputs = engine.run(project).outputs["products"]
    assert outputs["producer/events"]["table"] == "gen_producer.events__v2"
    assert outputs["producer/gone"]["job_role"] is None


MONITORS = (tokens.BUCKET_METRIC, tokens.METRIC_ALARM, tokens.DQ_RULESET, tokens.SCHEDULE)


def own(resources, product: str) -> list:
    """A product's cloud resources besides its agreements: what it makes for its consumers and its domain's quality role
    (`to/...`), and the slots that name its inputs (`job-reads/...`)."""
    suffixes = [r.name.removeprefix(f"{product}-") for r in resources if r.product == product and not r.is_provider]
    return [r for r, suffix in zip([r for r in resources if r.product == product and not r.is_provider], suffixes)
            if "to/" not in suffix and not suffix.startswith("job-reads/")]  # fmt: skip


def test_a_one_version_product_has_at_most_20_resources_and_each_served_version_at_most_5_monitors(resources):
    one = own(resources, "reader-a/on-v1")
    assert len(one) == 19  # 15 before its monitors: the request metrics of its writes, the freshness alarm, the ruleset and its schedule
    assert sorted(r.name.removeprefix("reader-a/on-v1-") for r in one if r.type in MONITORS) == [
        "freshness", "quality", "quality-schedule", "writes"]  # fmt: skip
    two = [r for r in own(resources, "producer/events") if r.type in MONITORS]
    assert len([r for r in two if r.name.startswith("producer/events-v2/")]) == 4
    assert len(two) == 8  # version 1 is still served (deprecated): it keeps its monitors
    # a version no longer served is watched by nothing: its data is kept, nobody writes it
    assert not [r for r in own(resources, "producer/old-events") if r.type in MONITORS and not r.name.startswith("producer/old-events-v2/")]
    assert not [r for r in own(resources, "producer/gone") if r.type in MONITORS]


def test_the_quality_role_reads_each_served_version_as_a_consumer_does(resources):
    role = "arn:aws:iam::100000000000:role/gen-producer-quality"
    points = [r for r in resources if r.type == tokens.ACCESS_POINT and r.name.endswith("to/producer.quality/access-point")]
    assert sorted(r.name for r in points) == ["producer/events-to/producer.quality/access-point", "producer/events-v2/to/producer.quality/access-point",
                                              "producer/old-events-v2/to/producer.quality/access-point"]  # fmt: skip
    assert all(role in r.inputs["policy"] for r in points)
    grant = named(resources, "producer/events", "v2/to/producer.quality/key-grant").inputs
    assert (grant["granteePrincipal"], grant["operations"]) == (role, ["Decrypt", "Encrypt", "GenerateDataKey"])  # it also writes its results
    assert named(resources, "producer/events", "v2/to/producer.quality/catalog").inputs["principal"] == role
    policy = json.loads(named(resources, "producer/events", "v2/policy").inputs["policy"])
    writes = next(s for s in policy["Statement"] if s["Sid"] == "DenyQualityWritesButResults")
    assert writes["NotResource"] == "arn:aws:s3:::gen-producer-events--v2/_meshplane/quality/*"

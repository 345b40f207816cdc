"""meshplane: one data product quantum per product, for the stack's environment and domains."""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.domain import DataDomain
from components.product import DataProduct
from meshplane.compose import MANAGED_BY
from meshplane.problems import MeshError
from meshplane.program import load_stack
from meshplane.stack import settings_from, stack_file

config = pulumi.Config("meshplane")
try:
    plan = load_stack(settings_from(config.get, stack_file(pulumi.get_stack())))
except MeshError as exc:
    failure = pulumi.RunError(f"the mesh has problems; nothing is provisioned:\n{exc}")
    failure.problems = exc.problems  # for `meshplane plan` and `up --local`, which run this program in-process
    raise failure from None
settings = plan.settings

endpoint = settings.aws_endpoint  # a local AWS emulator (stacks/Pulumi.local.yaml)
aws_provider = aws.Provider(
    "aws",
    region=settings.region,
    allowed_account_ids=None if endpoint else [settings.account_id],
    default_tags={"tags": {"environment": settings.environment.value, "managed-by": MANAGED_BY}},
    **(
        {
            "endpoints": [{s: endpoint for s in ("s3", "iam", "kms", "glue", "eks", "sts")}],
            "s3_use_path_style": True,
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "access_key": "test",
            "secret_key": "test",
        }
        if endpoint
        else {}
    ),
)
k8s_provider = k8s.Provider(
    "kubernetes",
    context=settings.kube_context,
    render_yaml_to_directory=settings.render_manifests,  # write manifests instead of applying them
)
providers = pulumi.ResourceOptions(providers={"aws": aws_provider, "kubernetes": k8s_provider})

domains = {name: DataDomain(name, args, opts=providers) for name, args in plan.domains}
catalog = {}
for address, args in plan.products:
    domain = domains[address.split("/")[0]]
    product = DataProduct(address, args, opts=pulumi.ResourceOptions.merge(providers, pulumi.ResourceOptions(depends_on=[domain])))
    catalog[address] = {
        "bucket": product.bucket_name,
        "table": pulumi.Output.concat(args.catalog.database, ".", product.table_name),
        "job_role": product.job_role_arn,
        "owner": args.catalog.parameters["owner"],
        "classification": args.catalog.parameters["data_classification"],
        "inputs": [g.producer for g in args.access.grants],
    }

pulumi.export("environment", settings.environment.value)
pulumi.export("products", catalog)

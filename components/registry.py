"""The pulumi-aws / pulumi-kubernetes class behind each resource type a component registers.

The providers' SDKs take most of a second to import, and only a program run registers anything:
commands that work on specs alone (validate, graph, export) never import them.
"""

from __future__ import annotations

from functools import cache

import pulumi

from components import tokens


@cache
def classes() -> dict[str, type[pulumi.CustomResource]]:
    import pulumi_aws as aws
    import pulumi_kubernetes as k8s

    return {
        tokens.BUCKET: aws.s3.Bucket,
        tokens.BUCKET_OWNERSHIP: aws.s3.BucketOwnershipControls,
        tokens.BUCKET_PUBLIC_ACCESS: aws.s3.BucketPublicAccessBlock,
        tokens.BUCKET_ENCRYPTION: aws.s3.BucketServerSideEncryptionConfiguration,
        tokens.BUCKET_VERSIONING: aws.s3.BucketVersioning,
        tokens.BUCKET_LIFECYCLE: aws.s3.BucketLifecycleConfiguration,
        tokens.BUCKET_POLICY: aws.s3.BucketPolicy,
        tokens.ACCESS_POINT: aws.s3.AccessPoint,
        tokens.BUCKET_METRIC: aws.s3.BucketMetric,
        tokens.DQ_RULESET: aws.glue.DataQualityRuleset,
        tokens.METRIC_ALARM: aws.cloudwatch.MetricAlarm,
        tokens.DASHBOARD: aws.cloudwatch.Dashboard,
        tokens.TOPIC: aws.sns.Topic,
        tokens.TOPIC_POLICY: aws.sns.TopicPolicy,
        tokens.TOPIC_SUBSCRIPTION: aws.sns.TopicSubscription,
        tokens.EVENT_RULE: aws.cloudwatch.EventRule,
        tokens.EVENT_TARGET: aws.cloudwatch.EventTarget,
        tokens.SCHEDULE: aws.scheduler.Schedule,
        tokens.KEY: aws.kms.Key,
        tokens.KEY_ALIAS: aws.kms.Alias,
        tokens.KEY_GRANT: aws.kms.Grant,
        tokens.ROLE: aws.iam.Role,
        tokens.ROLE_POLICY: aws.iam.RolePolicy,
        tokens.MANAGED_POLICY: aws.iam.Policy,
        tokens.ROLE_POLICY_ATTACHMENTS_EXCLUSIVE: aws.iam.RolePolicyAttachmentsExclusive,
        tokens.DATABASE: aws.glue.CatalogDatabase,
        tokens.TABLE: aws.glue.CatalogTable,
        tokens.LF_PERMISSIONS: aws.lakeformation.Permissions,
        tokens.LF_RESOURCE: aws.lakeformation.Resource,
        tokens.POD_IDENTITY: aws.eks.PodIdentityAssociation,
        tokens.ORG_POLICY: aws.organizations.Policy,
        tokens.ORG_POLICY_ATTACHMENT: aws.organizations.PolicyAttachment,
        tokens.NAMESPACE: k8s.core.v1.Namespace,
        tokens.SERVICE_ACCOUNT: k8s.core.v1.ServiceAccount,
        tokens.CRONJOB: k8s.batch.v1.CronJob,
        tokens.SCHEDULED_SPARK_APPLICATION: k8s.apiextensions.CustomResource,  # a custom resource: api_version and kind in its props
    }


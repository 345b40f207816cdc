"""The provider resource types meshplane registers and reads, each spelled once.

Components register these through pulumi_aws / pulumi_kubernetes classes; everything that reads an
inventory (governance, plan, up --local, verify) names a type through this module. Each component
class owns its own token (`DataProduct.TOKEN`, ...).
"""

from __future__ import annotations

# S3
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_PUBLIC_ACCESS = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
BUCKET_METRIC = "aws:s3/bucketMetric:BucketMetric"
# the deprecated V2 spellings of the same configurations, which governance still recognises
BUCKET_V2 = "aws:s3/bucketV2:BucketV2"
BUCKET_ENCRYPTION_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
BUCKET_VERSIONING_V2 = "aws:s3/bucketVersioningV2:BucketVersioningV2"

# KMS
KEY = "aws:kms/key:Key"
KEY_ALIAS = "aws:kms/alias:Alias"
KEY_GRANT = "aws:kms/grant:Grant"

# IAM
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive"

# Glue
DATABASE = "aws:glue/catalogDatabase:CatalogDatabase"
TABLE = "aws:glue/catalogTable:CatalogTable"

DQ_RULESET = "aws:glue/dataQualityRuleset:DataQualityRuleset"

# monitoring: CloudWatch, SNS, EventBridge, EventBridge Scheduler
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget"
SCHEDULE = "aws:scheduler/schedule:Schedule"

# Lake Formation
LF_PERMISSIONS = "aws:lakeformation/permissions:Permissions"
LF_RESOURCE = "aws:lakeformation/resource:Resource"

# EKS
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"

# AWS Organizations (the management account): the perimeter
ORG_POLICY = "aws:organizations/policy:Policy"
ORG_POLICY_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"

# Kubernetes
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
CRONJOB = "kubernetes:batch/v1:CronJob"
JOB = "kubernetes:batch/v1:Job"
SPARK_APPLICATION = "kubernetes:sparkoperator.k8s.io/v1beta2:SparkApplication"
SCHEDULED_SPARK_APPLICATION = "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication"

# providers
AWS_PROVIDER = "pulumi:providers:aws"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
PROVIDER_PREFIX = "pulumi:providers:"
KUBERNETES_PREFIX = "kubernetes:"

STATEFUL = (BUCKET, KEY, DATABASE, TABLE)  # what a rename must keep and an environment that keeps data must protect

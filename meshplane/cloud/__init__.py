"""The cloud as meshplane speaks to it, as data and pure functions: the bottom layer, importing only `components`.

`inventory` is the record of one registered resource, as every other package reads it; `aws_inputs` and `cron`
are AWS's and Kubernetes' own input rules (what a call would refuse, said before it); `quotas` is the one table of
AWS limits; `naming` derives every physical name; `documents` reads IAM policy documents out of resource inputs;
`manifests` turns registrations into the Kubernetes objects a cluster receives; `perimeter` writes the organization's
SCP and RCP that keep a domain account's administration to its deployer; `quality_sql` checks a quality rule's SQL
(one SELECT over its own table) and writes it for the engine that runs it, and `dqdl` translates a port's quality
rules into a Glue Data Quality ruleset (and parses that subset of DQDL back).

Other packages import: `inventory`, `aws_inputs`, `cron`, `quotas`, `naming`, `documents`, `manifests`, `perimeter`,
`quality_sql`, `dqdl`.
"""

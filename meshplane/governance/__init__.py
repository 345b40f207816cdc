"""Checking: the federation's global rules as code, tuned by its data file (`governance/federation.yaml`).

A rule (`rule.Rule`) is a pure function over one subject: the mesh (`MESH-*`), one resource or a stack's
resources (`RES-*`), or the quotas' use (`LIM-*`, over `usage` rows). The rules are in `rules/`, one per module;
`registry` finds them and checks the federation's file against them; `evaluate` runs them, applies the
federation's modes and the products' suppressions, and locates every finding at a `path:line`.
`context` is what a mesh rule sees, `baseline` the mesh before the change under review, `storage`,
`workloads` and `limits` the helpers the resource and limit rules share; `schema_governance` says in a product's
JSON Schema what the rules will say of it. The CrossGuard pack under `policies/` calls the same functions.

Other packages import: `evaluate`, `registry`, `baseline`, `usage`, `schema_governance`.
"""

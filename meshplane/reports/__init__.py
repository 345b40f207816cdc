"""What the commands show of one stack or of the mesh, for people and for tools.

`plan` lists every resource `pulumi up` would create, per domain and product; `graph` the lineage with the
grants (Mermaid, dot, JSON); `quota_report` each account's use of every AWS limit; `schema` writes the JSON
Schemas an editor checks declarations with. The open standards (`export/`) and the catalog site (`catalog/`)
are packages of their own.

Other packages import: `plan`, `graph`, `quota_report`, `schema`.
"""

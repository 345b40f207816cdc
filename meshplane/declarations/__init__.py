"""Reading: the files people write, parsed once at the boundary into validated models with their lines.

`yamlsrc` reads YAML keeping every value's line; `spec` holds the models (and `spec_errors` words pydantic's
errors); `loader` reads every domain file under `mesh_tree`'s rules into the cross-file `mesh` (addresses,
lineage, the handshake); `odcs_import` takes a port's schema from an ODCS contract, judged by `odcs_standard`
(the schema of its own version) and typed by `odcs_types`, and `contract_terms` holds it to its product and
says what meshplane states in it; `ids` and `people` are how the open standards name a product and reach its
team; `federation` is the federation's file; `stack_file`, `stack` and `deployments` are the stack files, their
settings and which stacks deploy which domains; `resolve` gives a product's values for an environment;
`shared_names` refuses two declarations meeting in one physical name; `targets` is what a command line names
(the stack of `--env`, `--stack` and `--domain`, every command's default environment); `problems` (every
`path:line` problem) and `suggest` (did-you-mean) are the vocabulary of every refusal.

Other packages import: `problems`, `spec`, `mesh`, `loader`, `federation`, `stack`, `stack_file`,
`deployments`, `resolve`, `shared_names`, `odcs_standard`, `odcs_types`, `odcs_import`, `contract_terms`, `ids`,
`people`, `suggest`, `targets`.
"""

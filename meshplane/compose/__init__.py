"""Deciding: from the mesh to the typed arguments of one stack's components, as pure functions tests read.

This is where the environment matters (through the stack's settings); the components only see the arguments
built here. `stack_plan` composes a stack (`compose`, `StackPlan`); `locate` derives names and ARNs;
`agreements` both sides of every grant; `slots` places a role's side in policy slots that `packing` keeps within
their size; `product` and `domain` build each component's arguments; `tags` the tags and labels; `perimeter` the perimeter of each account of the stack's domains; `monitoring` the monitors' and the quality role's
arguments, names and ARNs.

Other packages import: `stack_plan`, `locate`, `product`, `perimeter`, `monitoring`.
"""

"""The stack's registrations: what one stack's program registers, with the Pulumi engine or without it.

`project` opens the project a command works on, once (its root, mesh, federation and stack); `program` is the
stack's side of `__main__.py`; `engine` runs the real `__main__.py` in-process under Pulumi's mock engine, with
`mockcloud` answering for the cloud and `heap` keeping the collector out of the way; `inventory_build` walks the
same registrations without the engine and `offline` makes them the stack as governance sees it (seconds for
10,000 products); `input_check` holds every registration to AWS's and Kubernetes' input rules; `memo` keeps the
engine's registrations beside a local deployment's state, used again while nothing the program reads has changed.

Other packages import: `project`, `engine`, `offline`, `inventory_build`, `input_check`, `heap`, `memo`.
"""

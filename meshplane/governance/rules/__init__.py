"""The governance rules, one per module; each module defines `RULE` (see `meshplane.governance.rule`).

File names follow the IDs: `mesh_001_owner.py` holds MESH-001. `meshplane.governance.registry`
collects every module here, so adding a rule is adding a file (and its compliant and non-compliant
cases under `tests/governance/cases.py`).
"""

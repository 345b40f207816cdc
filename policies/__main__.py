"""The policy pack's entry point: `PolicyPack(...)` serves the policies and never returns.

Tests import `meshplane_policies` instead; nothing else belongs here.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import PolicyPack  # noqa: E402

from meshplane_policies import PACK_NAME, repository_policies  # noqa: E402

PolicyPack(name=PACK_NAME, policies=repository_policies(), description="meshplane federated governance")

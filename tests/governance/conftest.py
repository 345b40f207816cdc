import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for folder in (HERE, ROOT / "policies"):  # govkit and cases; the policy pack's importable module
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

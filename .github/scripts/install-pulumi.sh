#!/usr/bin/env bash
# The Pulumi CLI at the version the program's SDK is tested with, on the job's PATH.
set -euo pipefail
version="${PULUMI_VERSION:-3.272.0}"
curl -fsSL https://get.pulumi.com | sh -s -- --version "$version"
echo "$HOME/.pulumi/bin" >> "$GITHUB_PATH"

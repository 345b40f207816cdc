#!/usr/bin/env bash
# deploy.sh STACKS_JSON ENVIRONMENT: `pulumi up` for each stack of ENVIRONMENT that `meshplane stacks --changed --format json`
# lists, wave by wave in order. Stacks of one wave that read each other both ways (converges_with) converge in two passes:
# `--continue-on-error` on each first (every principal is created; only grants naming the others' new principals fail),
# then a strict pass. A stack of an emulator is left to `meshplane up --local`. Before a stack's first `pulumi up`, the
# Kubernetes provider gets the stack's cluster as kubeconfig's current context (`aws eks update-kubeconfig`, through the
# role the job assumed).
set -euo pipefail
plan="$1"
environment="$2"
pulumi="${PULUMI:-pulumi}"
aws="${AWS:-aws}"
export MESHPLANE_ENVIRONMENT="$environment"

up() { # up STACK [pulumi up options...]: the stack's cluster credentials, then pulumi up
  local stack="$1"
  shift
  "$aws" eks update-kubeconfig --name "$(jq -r --arg s "$stack" '.stacks[] | select(.stack == $s) | .cluster' "$plan")" \
    --region "$(jq -r --arg s "$stack" '.stacks[] | select(.stack == $s) | .region' "$plan")"
  "$pulumi" up --stack "$stack" --yes --skip-preview --policy-pack policies --non-interactive "$@"
}

waves=$(jq -r --arg env "$environment" '[.stacks[] | select(.environment == $env and (.emulated | not)) | .wave] | unique | .[]' "$plan")
for wave in $waves; do
  mapfile -t stacks < <(jq -r --arg env "$environment" --argjson wave "$wave" \
    '.stacks[] | select(.environment == $env and .wave == $wave and (.emulated | not)) | .stack' "$plan")
  cycle=$(jq -r --arg env "$environment" --argjson wave "$wave" \
    '[.stacks[] | select(.environment == $env and .wave == $wave and (.converges_with | length > 0))] | length' "$plan")
  echo "wave $wave: ${stacks[*]}"
  if [ "$cycle" != "0" ]; then
    for stack in "${stacks[@]}"; do
      up "$stack" --continue-on-error || true
    done
  fi
  for stack in "${stacks[@]}"; do
    up "$stack"
  done
done

#!/usr/bin/env bash
# Prints the recorded-calls venv's path: $RECORDER_VENV, or one per set of pinned requirements in the user's
# cache, so that every clone on a machine shares it (install.sh creates it, check.sh runs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -n "${RECORDER_VENV:-}" ]; then
  echo "$RECORDER_VENV"
  exit 0
fi
hash=$(sha256sum scripts/recorded-calls/requirements.txt | cut -c1-12)
echo "${XDG_CACHE_HOME:-$HOME/.cache}/cdk-parallelcluster-iam/recorder-$hash"

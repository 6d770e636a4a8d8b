#!/usr/bin/env bash
# Installs the recorded-calls suite's Python environment (issue 19) in a venv named after the hash of its
# pinned requirements, in the user's cache (~/.cache/cdk-parallelcluster-iam/recorder-<hash>, or
# $RECORDER_VENV), so that a fresh clone on the same machine reuses it as it reuses npm's and pip's caches:
# aws-parallelcluster 3.16.1 (the pcluster CLI), aws-parallelcluster-node 3.16.1 (the node daemons,
# slurm_plugin) and moto, every package pinned (requirements.txt). The two ParallelCluster packages share
# one venv: pip check finds no conflict between them. A second run with the same pins only checks
# (pip's cache keeps a reinstall quick).
set -euo pipefail
cd "$(dirname "$0")/../.."
REQS=scripts/recorded-calls/requirements.txt
VENV=$(bash scripts/recorded-calls/venv-path.sh)
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQS" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQS"
"$VENV/bin/pip" check
echo "$want" > "$STAMP"
echo "recorded-calls environment installed in $VENV: $("$VENV/bin/pip" show aws-parallelcluster aws-parallelcluster-node moto | sed -n 's/^\(Name\|Version\): //p' | paste -sd' ')"

#!/usr/bin/env bash
# Installs the Python tools the policy linters need into the project's own virtual environment (.venv,
# gitignored): cfn-lint for the templates, parliament for the policies, and aws-parallelcluster (its
# configuration schema, for scripts/schema-check.sh). AWS Batch configurations are checked with the last
# release that had the scheduler, in a venv of its own (.venv/pcluster-3.15.1). Versions are pinned so that a clean
# machine gets what CI was green with. (The deploy test's emulator has its own venv: scripts/integ-local.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check \
  'cfn-lint==1.58.0' \
  'parliament==1.6.4' \
  'aws-parallelcluster==3.16.1'
if [ ! -x .venv/pcluster-3.15.1/bin/python ]; then
  python3 -m venv .venv/pcluster-3.15.1
fi
.venv/pcluster-3.15.1/bin/pip install --quiet --disable-pip-version-check 'aws-parallelcluster==3.15.1'
echo "python tools installed in .venv: $(.venv/bin/cfn-lint --version), parliament $(.venv/bin/pip show parliament | sed -n 's/^Version: //p'), aws-parallelcluster $(.venv/bin/pip show aws-parallelcluster | sed -n 's/^Version: //p') and $(.venv/pcluster-3.15.1/bin/pip show aws-parallelcluster | sed -n 's/^Version: //p')"

#!/usr/bin/env bash
# Installs the Python tools the policy linters need into the project's own virtual environment (.venv,
# gitignored): cfn-lint for the templates, parliament for the policies. Versions are pinned so that a clean
# machine gets what CI was green with. (The deploy test's emulator has its own venv: scripts/integ-local.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check \
  'cfn-lint==1.58.0' \
  'parliament==1.6.4'
echo "python tools installed in .venv: $(.venv/bin/cfn-lint --version), parliament $(.venv/bin/pip show parliament | sed -n 's/^Version: //p')"

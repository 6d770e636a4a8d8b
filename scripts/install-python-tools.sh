#!/usr/bin/env bash
# Installs the Python tools the checks need into the project's own virtual environment (.venv, gitignored):
# cfn-lint and parliament lint the synthesized templates and policies, moto is the local AWS emulator of the
# deploy test. Versions are pinned so that a clean machine gets what CI was green with.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check \
  'cfn-lint==1.58.0' \
  'parliament==1.6.4' \
  'moto[server]==5.2.5'
echo "python tools installed in .venv: $(.venv/bin/cfn-lint --version), parliament $(.venv/bin/pip show parliament | sed -n 's/^Version: //p'), moto $(.venv/bin/pip show moto | sed -n 's/^Version: //p')"

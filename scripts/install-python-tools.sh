#!/usr/bin/env bash
# Installs the Python tools the policy linters need into the project's own virtual environment (.venv,
# gitignored): cfn-lint for the templates, parliament for the policies, and aws-parallelcluster (its
# configuration schema, for scripts/schema-check.sh). AWS Batch configurations are checked with the last
# release that had the scheduler, in a venv of its own (.venv/pcluster-3.15.1). Versions are pinned so that a clean
# machine gets what CI was green with. The deploy test's emulator has its own venv (.venv/integ, from
# integ/emulator-requirements.txt, with a Python >= 3.13), which scripts/integ-local.sh creates when it is missing;
# it is created here too, so that `npx projen ci`, which runs this step in the background during the build, does not
# wait for it later.
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

# The emulator's venv, as scripts/integ-local.sh creates it (the same check, so that script reuses it).
integ_python() {
  local candidate
  for candidate in "${INTEG_PYTHON:-}" python3.14 python3.13 \
    "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.1[3-9]*/bin/python; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
INTEG_VENV=${INTEG_VENV:-.venv/integ}
if [ -x "$INTEG_VENV/bin/python" ] && "$INTEG_VENV/bin/python" -c 'import localstack.runtime.main' >/dev/null 2>&1; then
  echo "the emulator's venv $INTEG_VENV is ready"
elif python=$(integ_python); then
  rm -rf "$INTEG_VENV"
  "$python" -m venv "$INTEG_VENV"
  "$INTEG_VENV/bin/pip" install --quiet --disable-pip-version-check -r integ/emulator-requirements.txt
  echo "the emulator's venv $INTEG_VENV is ready ($("$INTEG_VENV/bin/python" --version))"
else
  echo "no Python >= 3.13 found for the emulator's venv; npx projen integ:local will say how to provide one"
fi

#!/usr/bin/env bash
# Installs the Python tools the policy linters need: cfn-lint for the templates, parliament for the policies, and
# aws-parallelcluster (its configuration schema, for scripts/schema-check.sh). AWS Batch configurations are checked
# with the last release that had the scheduler, in a venv of its own (.venv/pcluster-3.15.1). Versions are pinned so
# that a clean machine gets what CI was green with.
#
# The venv is built once per set of pins (and Python) in the user's cache (scripts/lib/tool-cache.sh), and .venv is
# a symbolic link to it, so a fresh clone on the same machine starts with it at once. A checkout whose .venv is
# a directory of its own (from before the cache) keeps it and gets the pins installed into it.
#
# The deploy test's emulator has a venv of its own, which `npx projen integ:setup` (scripts/integ-local.sh) builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/tool-cache.sh

TOOLS=('cfn-lint==1.58.0' 'parliament==1.6.4' 'aws-parallelcluster==3.16.1')
BATCH_RELEASE='aws-parallelcluster==3.15.1'

install_tools() { # install_tools DIR
  [[ -x $1/bin/python ]] || python3 -m venv "$1"
  "$1/bin/pip" install --quiet --disable-pip-version-check "${TOOLS[@]}"
  [[ -x $1/pcluster-3.15.1/bin/python ]] || python3 -m venv "$1/pcluster-3.15.1"
  "$1/pcluster-3.15.1/bin/pip" install --quiet --disable-pip-version-check "$BATCH_RELEASE"
}

if [[ -d .venv && ! -L .venv ]]; then
  install_tools .venv
else
  venv=$(tool_cache_dir python-tools "$(python3 --version)" "${TOOLS[@]}" "$BATCH_RELEASE")
  tool_cache_build "$venv" install_tools
  ln -sfn "$venv" .venv
fi
echo "python tools in .venv$([[ -L .venv ]] && echo " (-> $(readlink .venv))"): $(.venv/bin/cfn-lint --version), parliament $(.venv/bin/pip show parliament | sed -n 's/^Version: //p'), aws-parallelcluster $(.venv/bin/pip show aws-parallelcluster | sed -n 's/^Version: //p') and $(.venv/pcluster-3.15.1/bin/pip show aws-parallelcluster | sed -n 's/^Version: //p')"

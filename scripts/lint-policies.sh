#!/usr/bin/env bash
# Lints what the library synthesizes with the tools of the field (run by `npx projen lint:policies`):
#   1. synthesizes the example app (examples/app.ts, into example.out/), the ParallelCluster example
#      (examples/cluster.ts: the cluster stack with its provider role) and the fullest configuration
#      (scripts/fullest-app.ts: every construct, every option, one stack per partition), in one process
#      (scripts/lint-apps.ts);
#   2. cfn-lint on every template, against the template's own region;
#   3. parliament on every IAM policy, with tokens resolved to concrete values
#      (scripts/extract-policies.ts): each statement alone, each trust policy, and each role's action set.
# Zero findings are allowed except those listed, with their reasons, in scripts/cfnlintrc.yaml,
# scripts/parliament.yaml and scripts/parliament-roles.yaml; a listed parliament finding that no longer
# occurs fails the run as well, so that the list stays exactly what is kept.
#
# Needs cfn-lint and parliament on PATH (.ci/run installs them from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${LINT_OUT:-lint.out}"
EXAMPLE_OUT="${EXAMPLE_OUT:-example.out}"
# The ParallelCluster example's stack: cfn-lint on the whole template (its nested provider stack is the
# AWS-owned template at a remote URL, which cfn-lint does not fetch) and parliament on its policies, the
# provider role's (the cluster's scoped user policies and the provider-runtime statements) included.
CLUSTER_EXAMPLE_OUT="$OUT/cluster-example"
# transpile-only: the type check is the typecheck step's (tsc --noEmit -p tsconfig.dev.json, every .ts of the repository)
TS_NODE=(npx ts-node --transpile-only --project tsconfig.dev.json)

for tool in cfn-lint parliament; do
  if ! command -v "$tool" >/dev/null; then
    echo "lint-policies: $tool is not on PATH; install it with: pip install cfn-lint==1.58.0 parliament==1.6.4" >&2
    exit 1
  fi
done
# Both tools are run from Python (below) with the interpreter each is installed in: cfn-lint's command line for
# every set of regions in one process, and parliament's through scripts/run-parliament.py (it fixes parliament's
# ignore_locations, and analyzes each distinct document once).
tool_python() { # tool_python TOOL: the interpreter of TOOL's script on PATH
  local python
  python="$(sed -n '1s/^#!//p' "$(command -v "$1")")"
  echo "${python:-python3}"
}
CFN_LINT_PYTHON="$(tool_python cfn-lint)"
PARLIAMENT_PYTHON="$(tool_python parliament)"
# A tool's version from its package metadata: starting the tool for its --version costs about a second of CPU.
tool_version() { # tool_version PYTHON PACKAGE
  "$1" -c 'import importlib.metadata, sys; print(importlib.metadata.version(sys.argv[1]))' "$2"
}

rm -rf "$OUT"
mkdir -p "$OUT"

echo "== synthesize"
# One process for the three apps (scripts/lint-apps.ts): ts-node compiles the library once.
EXAMPLE_OUTDIR="$EXAMPLE_OUT" CLUSTER_EXAMPLE_OUTDIR="$CLUSTER_EXAMPLE_OUT" \
  "${TS_NODE[@]}" scripts/lint-apps.ts "$OUT/fullest" >"$OUT/synth.log"
assemblies=()
for example in "examples/app.ts $EXAMPLE_OUT" "examples/cluster.ts $CLUSTER_EXAMPLE_OUT"; do
  read -r source dir <<<"$example"
  if [ -f "$source" ]; then
    assemblies+=("$dir")
    echo "$source: $dir"
  else
    echo "$source does not exist yet, skipped"
  fi
done
assemblies+=("$OUT/fullest")
echo "fullest configuration: $OUT/fullest"

echo "== cfn-lint $(tool_version "$CFN_LINT_PYTHON" cfn-lint)"
# One line per set of regions: "<regions>|<template path>...". An environment-agnostic stack is linted
# against one region of each partition.
node -e '
  const fs = require("fs"), path = require("path");
  const groups = new Map();
  for (const dir of process.argv.slice(1)) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf-8"));
    for (const a of Object.values(manifest.artifacts || {})) {
      if (a.type !== "aws:cloudformation:stack") continue;
      const region = (a.environment || "").split("/").pop();
      const regions = !region || region === "unknown-region" ? "us-east-1 us-gov-west-1 cn-north-1" : region;
      groups.set(regions, [...(groups.get(regions) || []), path.join(dir, a.properties.templateFile)]);
    }
  }
  for (const [regions, templates] of groups) console.log(regions + "|" + templates.join(" "));
  ' "${assemblies[@]}" >"$OUT/templates.txt"
# cfn-lint's own command line (its Runner, as the cfn-lint script runs it) once per line, all in one process:
# cfn-lint's start-up (about 2 s of CPU: its modules, rules and schemas) is paid once instead of once per line.
# Every line is linted even when one fails, so that one pass shows all the findings to fix.
"$CFN_LINT_PYTHON" - "$OUT/templates.txt" <<'PY'
import sys

from cfnlint.config import ConfigMixIn
from cfnlint.runner.cli import Runner

failed = 0
for line in open(sys.argv[1]):
    regions, templates = line.rstrip("\n").split("|")
    args = ["--config-file", "scripts/cfnlintrc.yaml", "--non-zero-exit-code", "informational"]
    try:
        Runner(ConfigMixIn([*args, "--regions", *regions.split(), "--", *templates.split()])).cli()
    except SystemExit as e:  # cli() always exits, with cfn-lint's exit code
        if e.code:
            print(f"FAILED: cfn-lint findings in {templates} ({regions})", file=sys.stderr)
            failed = 1
            continue
    print("\n".join(f"ok: {template} ({regions})" for template in templates.split()))
sys.exit(failed)
PY
templates="$(cut -d'|' -f2 "$OUT/templates.txt" | wc -w | tr -d ' ')"

echo "== parliament $(tool_version "$PARLIAMENT_PYTHON" parliament)"
"${TS_NODE[@]}" scripts/extract-policies.ts "$OUT/policies" "${assemblies[@]}"
# A finding in a document that several files share must still be reported for each file no ignore entry names.
"$PARLIAMENT_PYTHON" scripts/run-parliament.py --self-test
failed=0
parliament_run() {
  local config="$1" dir="$2" files
  files="$(find "$dir" -name '*.json' | wc -l | tr -d ' ')"
  # Every run goes ahead even when one fails, so that one pass shows all the findings to fix.
  if PARLIAMENT_USED_IGNORES="$OUT/used-ignores.$(basename "$config").txt" \
    "$PARLIAMENT_PYTHON" scripts/run-parliament.py --config "$config" --include-community-auditors \
    --minimum_severity LOW --directory "$dir"; then
    echo "ok: $files files in $dir"
  else
    echo "FAILED: parliament findings in $dir (fix them, or justify them in $config)" >&2
    failed=1
  fi
}
parliament_run scripts/parliament.yaml "$OUT/policies/statements"
parliament_run scripts/parliament.yaml "$OUT/policies/trust"
parliament_run scripts/parliament-roles.yaml "$OUT/policies/roles"
if [ "$failed" -ne 0 ]; then
  exit 1
fi

# A kept finding that no longer occurs must lose its justification: fail on ignore entries that matched
# nothing in any run.
for config in scripts/parliament.yaml scripts/parliament-roles.yaml; do
  touch "$OUT/used-ignores.$(basename "$config").txt"
  "$PARLIAMENT_PYTHON" - "$config" "$OUT/used-ignores.$(basename "$config").txt" <<'PY'
import sys
import yaml

config_file, used_file = sys.argv[1], sys.argv[2]
config = yaml.safe_load(open(config_file)) or {}
used = set(open(used_file).read().splitlines())
unused = [
    f"{issue}, entry {index + 1}: {entry}"
    for issue, settings in config.items()
    for index, entry in enumerate((settings or {}).get("ignore_locations") or [])
    if f"{issue} {index}" not in used
]
if unused:
    print(f"{config_file}: these ignore entries match no finding any more; remove them:", file=sys.stderr)
    print("\n".join(f"  {u}" for u in unused), file=sys.stderr)
    sys.exit(1)
print(f"ok: every ignore entry of {config_file} is still needed")
PY
done

echo "lint-policies: $templates templates and their policies passed cfn-lint and parliament"

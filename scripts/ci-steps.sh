#!/usr/bin/env bash
# Runs the steps of `npx projen ci` in order, each a projen task, and shows where the time goes:
#
#   ci: 14 steps: default, compile, ...
#   [1/14] default                  (the task's own output follows)
#   [1/14] default: ok in 4 s
#   ...
#   ci: time per step                (a table, also printed when a step fails)
#
# Stops at the first step that fails and exits with its status. Each argument is one step: a projen task name,
# optionally followed by arguments for that task (`"test --maxWorkers=2"`). The step list lives in .projenrc.ts.
#
# Usage: bash scripts/ci-steps.sh TASK [TASK ...]
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ $# -eq 0 ]]; then
  echo "usage: bash scripts/ci-steps.sh TASK [TASK ...]" >&2
  exit 2
fi

steps=("$@")
total=${#steps[@]}
names=()
for step in "${steps[@]}"; do names+=("${step%% *}"); done
echo "ci: $total steps: $(IFS=','; echo "${names[*]}" | sed 's/,/, /g')"

# The projen binary of this checkout (no npx lookup per step).
projen=node_modules/.bin/projen
[[ -x $projen ]] || projen="npx projen"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", b - a + 0.5 }'; }

rows=()
start=$(now)
table() {
  echo "ci: time per step"
  local row
  for row in "${rows[@]}"; do echo "  $row"; done
  printf '  %-28s %6s s\n' "total" "$(secs "$start" "$(now)")"
}

i=0
for step in "${steps[@]}"; do
  i=$((i + 1))
  name=${step%% *}
  echo
  echo "[$i/$total] $name"
  t0=$(now)
  # shellcheck disable=SC2086 # a step is a task name and its arguments, split on spaces on purpose
  $projen $step
  rc=$?
  took=$(secs "$t0" "$(now)")
  if [[ $rc -ne 0 ]]; then
    rows+=("$(printf '%-28s %6s s  FAILED (exit %d)' "[$i/$total] $name" "$took" "$rc")")
    echo "[$i/$total] $name: FAILED (exit $rc) after $took s; the steps after it did not run"
    table
    exit "$rc"
  fi
  rows+=("$(printf '%-28s %6s s' "[$i/$total] $name" "$took")")
  echo "[$i/$total] $name: ok in $took s"
done

echo
table
echo "ci: all $total steps passed"

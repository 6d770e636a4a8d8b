#!/usr/bin/env bash
# What changed in ParallelCluster's IAM between the release LATEST was checked against and a new one
# (run by `npx projen upstream:diff <release>`, for example `npx projen upstream:diff 3.17.0`).
#
# Downloads both aws-parallelcluster wheels from PyPI (pip download --no-deps) and lists, file by file,
# the IAM actions and the condition lines added or removed in pcluster/templates/ and
# pcluster/imagebuilder_utils.py, then the limits src/private/pcluster-rules.ts mirrors
# (pcluster/constants.py, pcluster/validators/cluster_validators.py) and the AWS Batch files. Its output is
# the to-do list of the next revision (docs/revisions.md, "Staying current"): each change becomes one
# line of src/policies/revisions.ts that names its release. The user policies are not in the wheel: read
# the upstream PRs of the release for those.
set -euo pipefail
cd "$(dirname "$0")/.."

NEW="${1:-}"
if ! [[ "$NEW" =~ ^3\.[0-9]+\.[0-9]+([a-z]+[0-9]*)?$ ]]; then
  echo "usage: npx projen upstream:diff <release>   (a ParallelCluster 3.x release on PyPI, for example 3.17.0)" >&2
  exit 2
fi
# The one place that records it: LATEST_CHECKED_RELEASE in src/policies/revisions.ts.
OLD="$(sed -n "s/^export const LATEST_CHECKED_RELEASE = '\(.*\)';$/\1/p" src/policies/revisions.ts)"
if [ -z "$OLD" ]; then
  echo "upstream-diff: LATEST_CHECKED_RELEASE not found in src/policies/revisions.ts" >&2
  exit 1
fi
PIP="${PIP:-pip}"
if [ -x .venv/bin/pip ] && [ "$PIP" = pip ]; then PIP=.venv/bin/pip; fi

WORK="${UPSTREAM_DIFF_DIR:-$(mktemp -d)}"
[ -n "${UPSTREAM_DIFF_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
for release in "$OLD" "$NEW"; do
  if [ ! -d "$WORK/$release/pcluster" ]; then
    "$PIP" download --quiet --disable-pip-version-check --no-deps "aws-parallelcluster==$release" -d "$WORK/$release"
    (cd "$WORK/$release" && unzip -q -o ./*.whl)
  fi
done

# IAM action strings ("service:Action") and condition lines of one file, one per line, sorted.
actions() { [ -f "$1" ] && grep -oE "[\"'][a-z0-9-]+:[A-Z*][A-Za-z0-9*]*[\"']" "$1" | tr -d "\"'" | sort -u || true; }
conditions() {
  [ -f "$1" ] && grep -E '"Condition"|conditions=\{|String(Not)?(Equals|Like)|Arn(Like|Equals)|ForAnyValue|ForAllValues|"Null"|"Bool"|ResourceTag|RequestTag|TagKeys|PassedToService|PolicyARN|AWSServiceName' "$1" \
    | sed -E 's/^[[:space:]]+//' | sort -u || true
}
# Lines only in the new file (+) or only in the old one (-).
changes() { diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sed -n 's/^> \(..*\)/  + \1/p; s/^< \(..*\)/  - \1/p' || true; }

files() { (cd "$WORK/$1" && { find pcluster/templates -name '*.py'; echo pcluster/imagebuilder_utils.py; }) | sort; }
echo "# IAM changes in aws-parallelcluster $OLD -> $NEW (pcluster/templates/, pcluster/imagebuilder_utils.py)"
found=0
for file in $(sort -u <(files "$OLD") <(files "$NEW")); do
  a="$(changes "$(actions "$WORK/$OLD/$file")" "$(actions "$WORK/$NEW/$file")")"
  c="$(changes "$(conditions "$WORK/$OLD/$file")" "$(conditions "$WORK/$NEW/$file")")"
  if [ -n "$a$c" ]; then
    found=1
    echo
    echo "## $file"
    [ -z "$a" ] || { echo "actions:"; echo "$a"; }
    [ -z "$c" ] || { echo "condition lines:"; echo "$c"; }
  fi
done
[ "$found" = 1 ] || { echo; echo "No IAM action or condition changed."; }

echo
echo "# Limits (src/private/pcluster-rules.ts mirrors these)"
limits() { grep -hE '^(MAX_NUMBER_OF_[A-Z_]+|NAME_MAX_LENGTH|NAME_REGEX|PCLUSTER_NAME_[A-Z_]+) *=' "$1/pcluster/constants.py" "$1/pcluster/validators/cluster_validators.py" 2>/dev/null | sort -u || true; }
l="$(changes "$(limits "$WORK/$OLD")" "$(limits "$WORK/$NEW")")"
echo "${l:-  unchanged}"

echo
echo "# Files added or removed under pcluster/templates/, pcluster/aws/ and pcluster/schemas/"
tree() { (cd "$1" && find pcluster/templates pcluster/aws pcluster/schemas -name '*.py' | sort); }
t="$(changes "$(tree "$WORK/$OLD")" "$(tree "$WORK/$NEW")")"
echo "${t:-  none}"
echo
echo "Wheels in $WORK (kept when UPSTREAM_DIFF_DIR is set). When the next revision is written, set"
echo "LATEST_CHECKED_RELEASE in src/policies/revisions.ts to $NEW."

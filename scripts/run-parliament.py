"""Runs parliament's own command line with its ignore_locations working, and reports the unused ones.

parliament 1.6.4 reads each `ignore_locations` value through `make_list`, which turns any plain string or
list it is given from YAML into an empty list, so no configured ignore ever matches. This wrapper gives the
CLI a finding filter with the documented semantics (an entry matches when every one of its location keys
fully matches, case-insensitively, one of its regular expressions), then hands over to parliament's `main`.

With PARLIAMENT_USED_IGNORES=<file>, it also appends to <file> the ignore entries that matched a finding,
one `<ISSUE> <index>` per line, so that scripts/lint-policies.sh can fail on an entry that no longer matches
anything: a justification for a finding that is gone must go too.
"""
import os
import re
import sys

import parliament.cli

SEVERITIES = ["MUTE", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
used = set()


def _as_list(value):
    return value if isinstance(value, list) else [value]


def is_finding_filtered(finding, minimum_severity="LOW"):
    if SEVERITIES.index(finding.severity) < SEVERITIES.index(minimum_severity.upper()):
        return True
    for index, entry in enumerate(finding.ignore_locations or []):
        if all(
            any(re.fullmatch(str(pattern).lower(), str(finding.location.get(key, "")).lower()) for pattern in _as_list(patterns))
            for key, patterns in entry.items()
        ):
            used.add(f"{finding.issue} {index}")
            return True
    return False


parliament.cli.is_finding_filtered = is_finding_filtered
status = parliament.cli.main(sys.argv)
record = os.environ.get("PARLIAMENT_USED_IGNORES")
if record:
    with open(record, "a") as out:
        out.writelines(f"{line}\n" for line in sorted(used))
sys.exit(status)

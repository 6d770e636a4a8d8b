"""Runs parliament's own command line with its ignore_locations working.

parliament 1.6.4 reads each `ignore_locations` value through `make_list`, which turns any plain string or
list it is given from YAML into an empty list, so no configured ignore ever matches. This wrapper gives the
CLI a `make_list` that keeps the values, then hands over to parliament's `main` unchanged. Remove it when
parliament fixes the bug (see scripts/lint-policies.sh).
"""
import sys

import parliament.cli


def _make_list(value):
    return value if isinstance(value, list) else [value]


parliament.cli.make_list = _make_list
sys.exit(parliament.cli.main(sys.argv))

"""Runs parliament's own command line with its ignore_locations working, each distinct document analyzed once,
and reports the ignore entries used.

parliament 1.6.4 reads each `ignore_locations` value through `make_list`, which turns any plain string or
list it is given from YAML into an empty list, so no configured ignore ever matches. This wrapper gives the
CLI a finding filter with the documented semantics (an entry matches when every one of its location keys
fully matches, case-insensitively, one of its regular expressions), then hands over to parliament's `main`.

Many files of a directory have the same contents (the fullest configuration has one stack per partition, and
roles repeat statements), and parliament's analysis reads only a file's contents: its path goes only into the
findings' locations. So each distinct content is analyzed once, and each of its files gets its own copies of
the findings, with its own path as the location's `filepath`; the filter then runs on every file's findings
as before, so an ignore entry accepts a finding only in the files whose path it matches. (Giving every
finding its own path also mends parliament's shared default location: a finding it records without a
location otherwise keeps the path of the first file that had one.)

With PARLIAMENT_USED_IGNORES=<file>, it also appends to <file> the ignore entries that matched a finding,
one `<ISSUE> <index>` per line, so that scripts/lint-policies.sh can fail on an entry that no longer matches
anything: a justification for a finding that is gone must go too.

It also looks actions up in parliament's IAM definition through an index (see below), the same results found
without a scan of the whole definition each time.

`run-parliament.py --self-test` checks the above: the index against parliament's scans on a few actions, and a
document planted under two role names, of which an ignore entry names one: the finding must be reported for
the other, and the entry recorded as used.
"""
import functools
import os
import re
import sys
import types

import parliament
import parliament.cli
import parliament.policy
import parliament.statement
from parliament.finding import Finding

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


analyze_policy_string = parliament.cli.analyze_policy_string
analyses = {}


def analyze_once(contents, filepath=None, **options):
    # main passes the same options for every file of a run, so the contents alone name an analysis.
    if contents not in analyses:
        analyses[contents] = analyze_policy_string(contents, filepath, **options).findings
    return types.SimpleNamespace(
        findings=[Finding(f.issue, f.detail, {**f.location, "filepath": filepath}) for f in analyses[contents]]
    )


parliament.cli.is_finding_filtered = is_finding_filtered
parliament.cli.analyze_policy_string = analyze_once

# Most of the analysis is spent looking actions up in parliament's IAM definition, each time by a scan of all
# its services (expand_action matches every privilege of the service with fnmatch): expand_action keeps only
# its last 10,240 results (fewer than one run asks for, counting its three ways of being called) and
# get_privilege_info keeps none. Both depend on their arguments alone, so here they read an index of the
# definition instead, which gives what the scans find, in their order (a prefix can occur twice), and every
# result of expand_action is kept. An action with a wildcard (`*`, `?`, `[`) is still expanded by parliament's
# scan; one without is matched case-insensitively as a whole, which is what fnmatch does with it.
# get_privilege_info still records the service's resources and conditions on the privilege, as parliament's does.
expansions = {}
privileges = {}
for service_info in parliament.iam_definition:
    for privilege_info in service_info["privileges"]:
        key = (service_info["prefix"], privilege_info["privilege"].lower())
        expansions.setdefault(key, []).append({"service": service_info["prefix"], "action": privilege_info["privilege"]})
        privileges.setdefault((service_info["prefix"], privilege_info["privilege"]), (service_info, privilege_info))
prefixes = {service_info["prefix"] for service_info in parliament.iam_definition}
expand_action_by_scan = parliament.expand_action.__wrapped__


@functools.lru_cache(maxsize=None)
def expand_action(action, raise_exceptions=True):
    parts = action.split(":")
    if len(parts) != 2 or any(c in action for c in "*?["):
        return expand_action_by_scan(action, raise_exceptions)
    prefix, name = parts[0].lower(), parts[1].lower()
    if prefix not in prefixes and raise_exceptions:
        raise parliament.UnknownPrefixException("Unknown prefix {}".format(parts[0]))
    if (prefix, name) not in expansions and raise_exceptions:
        raise parliament.UnknownActionException("Unknown action {}:{}".format(parts[0], parts[1]))
    return [dict(expansion) for expansion in expansions.get((prefix, name), [])]


for module in (parliament, parliament.policy, parliament.statement):
    module.expand_action = expand_action


get_privilege_info_by_scan = parliament.statement.get_privilege_info


def get_privilege_info(service, action):
    if (service, action) not in privileges:
        raise parliament.UnknownActionException("Unknown action {}:{}".format(service, action))
    service_info, privilege_info = privileges[(service, action)]
    privilege_info["service_resources"] = service_info["resources"]
    privilege_info["service_conditions"] = service_info["conditions"]
    return privilege_info


parliament.statement.get_privilege_info = get_privilege_info


def outcome(function, *args):
    try:
        return function(*args)
    except Exception as e:  # the exception parliament raises is part of what must be the same
        return (type(e), str(e))


def self_test():
    import contextlib
    import io
    import json
    import tempfile

    # The index gives what parliament's scans give: an action in two services of one prefix, other cases, unknowns.
    lookups = [
        (function, by_scan, args)
        for function, by_scan, cases in (
            (expand_action, expand_action_by_scan, [
                (action, raise_exceptions)
                for action in ("s3:GetObject", "S3:getOBJECT", "apigateway:GET", "iam:PassRole", "iam:Pass*",
                               "ec2:NoSuchAction", "nosuchservice:Get", "s3:Get:Object")
                for raise_exceptions in (True, False)
            ]),
            (get_privilege_info, get_privilege_info_by_scan, [
                ("s3", "GetObject"), ("apigateway", "GET"), ("s3", "getobject"), ("nosuchservice", "Get"),
            ]),
        )
        for args in cases
    ]
    differ = [args for function, by_scan, args in lookups if outcome(function, *args) != outcome(by_scan, *args)]
    if differ:
        print("run-parliament.py self-test failed: the index differs from parliament's scan for", differ, file=sys.stderr)
        return 1

    statement = {"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    with tempfile.TemporaryDirectory() as tmp:
        for role in ("Kept", "Other"):
            with open(os.path.join(tmp, f"Stack.{role}RolePolicy.Read.json"), "w") as out:
                json.dump(statement, out)
        config = os.path.join(tmp, "config.yaml")
        with open(config, "w") as out:
            out.write("RESOURCE_STAR:\n  ignore_locations:\n    - filepath: '.*/stack\\.keptrolepolicy\\.read\\.json'\n")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = parliament.cli.main(["parliament", "--config", config, "--minimum_severity", "LOW", "--directory", tmp])
    reported = printed.getvalue().splitlines()
    if (
        status != 1
        or len(analyses) != 1
        or used != {"RESOURCE_STAR 0"}
        or len(reported) != 1
        or "Stack.OtherRolePolicy.Read.json" not in reported[0]
    ):
        print(f"run-parliament.py self-test failed: status {status}, used {sorted(used)}, reported:", *reported, sep="\n", file=sys.stderr)
        return 1
    print(
        "run-parliament.py self-test: the index looks actions up as parliament does, and a finding in a document"
        " shared by two files is reported for the file no ignore entry names"
    )
    return 0


if sys.argv[1:] == ["--self-test"]:
    sys.exit(self_test())
status = parliament.cli.main(sys.argv)
record = os.environ.get("PARLIAMENT_USED_IGNORES")
if record:
    with open(record, "a") as out:
        out.writelines(f"{line}\n" for line in sorted(used))
sys.exit(status)

#!/usr/bin/env python3
"""Load complete ParallelCluster configuration files with pcluster's own schema, offline.

    python scripts/pcluster-schema-check.py --kind cluster|image FILE... [--refused REASON FILE]...
                                            [--kind cluster|image FILE... [--refused REASON FILE]...]...

Each FILE is a complete ParallelCluster configuration (YAML) of the kind last given. It is loaded the way
`pcluster` loads it (`ClusterSchema(cluster_name=...).load(...)` for clusters,
`ImageBuilderSchema().load(...)` for images, after pcluster's own `parse_config`), with the
`aws-parallelcluster` package installed in this Python (scripts/install-python-tools.sh pins it). One line
per file: `ok` or `FAIL` and pcluster's messages.

A file given with `--refused REASON` is broken on purpose (the check's self-test): it must fail to load,
and pcluster's messages must name REASON. Its line is `refused as expected: FILE (REASON)`, or `FAIL` when
it loads (then the check cannot fail) or is refused for another reason.

All of one release's files go in one run, so pcluster is imported once (about 1.5 s of CPU a process).
The exit status is non-zero when any file fails.

Offline: a fake region and fake credentials are set, and any AWS API call pcluster would make is refused
and reported as a failure (the guard only raises; it changes no validation result that needs no call).
"""
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_ACCESS_KEY_ID"] = "AKIAOFFLINEOFFLINE00"
os.environ["AWS_SECRET_ACCESS_KEY"] = "offline"
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


class AwsCallRefused(Exception):
    """pcluster tried to call AWS while loading a configuration."""


def _refuse_aws_calls():
    import botocore.client

    def refuse(self, operation_name, api_params):  # noqa: ARG001
        raise AwsCallRefused(f"{self.meta.service_model.service_name}:{operation_name} (the schema check runs offline)")

    botocore.client.BaseClient._make_api_call = refuse


def _load(kind, text):
    from marshmallow import ValidationError
    from pcluster.models.common import parse_config
    from pcluster.schemas.cluster_schema import ClusterSchema
    from pcluster.schemas.imagebuilder_schema import ImageBuilderSchema

    try:
        data = parse_config(text)
    except Exception as e:  # noqa: BLE001 - pcluster's own parse error is a failure of the file
        return f"not a configuration: {e}"
    try:
        if kind == "cluster":
            ClusterSchema(cluster_name="schema-check").load(data)
        else:
            ImageBuilderSchema().load(data)
    except ValidationError as e:
        messages = e.messages
        return str(sorted(messages.items()) if isinstance(messages, dict) else messages)
    except AwsCallRefused as e:
        return f"pcluster called AWS: {e}"
    return None


USAGE = "usage: pcluster-schema-check.py --kind cluster|image FILE... [--refused REASON FILE]... [--kind ...]"


def _usage(message):
    print(f"{USAGE}\n{message}", file=sys.stderr)
    sys.exit(2)


def _parse(argv):
    """The files to load, in order, as (path, kind, reason): reason is what a refused file's messages must name."""
    checks = []
    kind = None
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if arg == "--kind":
            kind = next(args, None)
            if kind not in ("cluster", "image"):
                _usage(f"--kind takes cluster or image, not {kind}")
        elif kind is None:
            _usage(f"--kind must come before {arg}")
        elif arg == "--refused":
            reason, path = next(args, None), next(args, None)
            if not reason or path is None:
                _usage("--refused takes a REASON and a FILE")
            checks.append((path, kind, reason))
        elif arg.startswith("-"):
            _usage(f"unknown option {arg}")
        else:
            checks.append((arg, kind, None))
    if not checks:
        _usage("no FILE given")
    return checks


def main():
    checks = _parse(sys.argv[1:])
    _refuse_aws_calls()
    from pcluster.utils import get_installed_version

    version = get_installed_version()
    failures = 0
    for path, kind, reason in checks:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as e:
            error = str(e)
        else:
            error = _load(kind, text)
        schema = f"aws-parallelcluster {version} {kind} schema"
        if reason is None and error is None:
            print(f"ok   {path} ({schema})")
        elif reason is None:
            print(f"FAIL {path} ({schema}): {error}")
            failures += 1
        elif error is None:
            print(f"FAIL {path} ({schema}): loads, but it is broken on purpose: the check cannot fail")
            failures += 1
        elif reason not in error:
            print(f"FAIL {path} ({schema}): refused, but not for {reason}: {error}")
            failures += 1
        else:
            print(f"refused as expected: {path} ({reason})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

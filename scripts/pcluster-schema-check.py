#!/usr/bin/env python3
"""Load complete ParallelCluster configuration files with pcluster's own schema, offline.

    python scripts/pcluster-schema-check.py --kind cluster|image FILE...

Each FILE is a complete ParallelCluster configuration (YAML). It is loaded the way `pcluster` loads it
(`ClusterSchema(cluster_name=...).load(...)` for clusters, `ImageBuilderSchema().load(...)` for images,
after pcluster's own `parse_config`), with the `aws-parallelcluster` package installed in this Python
(scripts/install-python-tools.sh pins it). One line per file: `ok` or `FAIL` and pcluster's messages. The
exit status is non-zero when any file fails.

Offline: a fake region and fake credentials are set, and any AWS API call pcluster would make is refused
and reported as a failure (the guard only raises; it changes no validation result that needs no call).
"""
import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=["cluster", "image"], required=True)
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args()

    _refuse_aws_calls()
    from pcluster.utils import get_installed_version

    version = get_installed_version()
    failures = 0
    for path in args.files:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as e:
            print(f"FAIL {path}: {e}")
            failures += 1
            continue
        error = _load(args.kind, text)
        if error is None:
            print(f"ok   {path} (aws-parallelcluster {version} {args.kind} schema)")
        else:
            print(f"FAIL {path} (aws-parallelcluster {version} {args.kind} schema): {error}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Records every AWS call ParallelCluster's own code makes (issue 19).

Runs, in-process against moto (mock_aws), the `pcluster` CLI of aws-parallelcluster 3.16.1 as the user, and the
node daemons of aws-parallelcluster-node 3.16.1 (slurm_plugin) as the node each runs on (daemons.py), and records each botocore call
(role, service, operation, region, parameters). Each call is mapped to the IAM requests it needs
(iam_map.py), normalized (random IDs, timestamps, account, partition, cluster name become stable placeholders),
and written to test/fixtures/recorded-calls.json, which test/proof/recorded-calls.test.ts simulates against the
library's roles.

Usage: "$(bash scripts/recorded-calls/venv-path.sh)"/bin/python scripts/recorded-calls/record.py [--out FILE]
"""
import argparse
import io
import json
import logging
import os
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

# Fake credentials and a fixed region before boto3 is imported anywhere.
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "MOTO_ACCOUNT_ID": "123456789012",
    # pcluster's own log file goes to a temporary place.
    "PCLUSTER_LOG_FILE": os.path.join(os.environ.get("TMPDIR", "/tmp"), "recorded-calls-pcluster.log"),
})

import botocore.client  # noqa: E402
from moto import mock_aws  # noqa: E402

import iam_map  # noqa: E402
from normalize import Normalizer  # noqa: E402
import world  # noqa: E402

ACCOUNT = "123456789012"
REGION = "us-east-1"
CLUSTER = "hpc-prod"
IMAGE = "hpc-image-1"


class Recorder:
    """Wraps BaseClient._make_api_call: every call is recorded under the current role and step."""

    def __init__(self):
        self.calls = []
        self.role = None
        self.step = None
        self.hooks = {}
        self.validator_errors = []  # (service, operation) -> function(params) -> params actually sent to moto
        # Every step run, in order, with its role: a step that made no call is part of the recording too.
        self.step_roles = {}
        self._original = botocore.client.BaseClient._make_api_call

    def install(self):
        recorder = self

        def _make_api_call(client, operation_name, api_params):
            service = client.meta.service_model.service_name
            region = client.meta.region_name
            record = None
            if recorder.role is not None:
                record = {
                    "role": recorder.role,
                    "step": recorder.step,
                    "service": service,
                    "operation": operation_name,
                    "region": region,
                    "params": _jsonable(api_params),
                }
                try:
                    record["iam"] = iam_map.requests_for(service, operation_name, api_params, region)
                except Exception as error:  # noqa: BLE001 a call the map does not know is a finding, not a crash
                    record["iam"] = []
                    record["iamMapError"] = f"{type(error).__name__}: {error}"
                recorder.calls.append(record)
            hook = recorder.hooks.get((service, operation_name))
            sent = hook(api_params) if hook else api_params
            try:
                response = recorder._original(client, operation_name, sent)
            except Exception as error:  # noqa: BLE001 the outcome is part of the recording
                if record is not None:
                    record["error"] = getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__)
                raise
            return response

        botocore.client.BaseClient._make_api_call = _make_api_call

    def as_role(self, role, step):
        self.role = role
        self.step = step
        if step is not None:
            self.step_roles.setdefault(step, role)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return "<bytes>"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "read"):
        return "<stream>"
    return str(value)


def keep_going_past_moto_limits(recorder):
    """Validators run (their calls are recorded), but ERROR results are kept in the recording instead of
    stopping the command: with moto, several fail for what moto lacks (key pair types, dry-run RunInstances
    with block devices, FSx network interfaces), not for anything about permissions."""
    from pcluster.config.common import Resource
    from pcluster.validators.common import FailureLevel

    original = Resource.validate

    def validate(self, suppressors=None, context=None, nested=False):
        failures = original(self, suppressors, context, nested)
        if nested:
            return failures
        kept = []
        for failure in failures:
            if failure.level.value >= FailureLevel.ERROR.value:
                recorder.validator_errors.append({"step": recorder.step, "validator": failure.validator_type,
                                                  "message": failure.message})
            else:
                kept.append(failure)
        return kept

    Resource.validate = validate


def parse_cli_spec_once():
    """Each pcluster command parses the package's OpenAPI specification (pcluster.cli.model.package_spec) to
    build its argument parser, with PyYAML's pure-Python loader: about a third of the recording's CPU time
    for 24 commands. It is a file of the installed package and involves no AWS call, so it is parsed once here
    and each command gets a copy of its own, as a fresh process would."""
    import copy

    import pcluster.cli.model as model

    spec = model.package_spec()
    model.package_spec = lambda: copy.deepcopy(spec)


def pcluster(recorder, step, args):
    """Runs one pcluster CLI command in-process as the user; returns its JSON output (or the error)."""
    import pcluster.cli.entrypoint as entrypoint
    from pcluster.aws.aws_api import AWSApi

    from pcluster.aws.common import Cache

    # pcluster caches clients and answers per process: each command starts afresh, as a CLI run does.
    AWSApi._instance = None
    Cache.clear_all()
    recorder.as_role("user", step)
    out, err = io.StringIO(), io.StringIO()
    result = None
    try:
        with redirect_stdout(out), redirect_stderr(err):
            result = entrypoint.run(args)
    except SystemExit as e:
        result = {"exit": e.code, "stdout": out.getvalue()[-400:]}
    except Exception as e:  # noqa: BLE001
        result = {"exception": type(e).__name__, "data": getattr(e, "data", str(e))}
    finally:
        recorder.as_role(None, None)
    return result


def dump(fixture):
    """One array element a line: reviewable, and a drift shows as the lines that changed."""
    lines = ["{"]
    keys = list(fixture)
    for n, key in enumerate(keys):
        items = fixture[key]
        lines.append(f"  {json.dumps(key)}: [")
        lines.extend(f"    {json.dumps(item, sort_keys=True)}{',' if i < len(items) - 1 else ''}" for i, item in enumerate(items))
        lines.append("  ]" + ("," if n < len(keys) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(ROOT, "test", "fixtures", "recorded-calls.json"))
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    started = time.time()
    recorder = Recorder()
    recorder.install()
    keep_going_past_moto_limits(recorder)
    parse_cli_spec_once()
    outcomes = {}
    with mock_aws():
        w = world.World(ACCOUNT, REGION, CLUSTER, IMAGE)
        w.create()
        import commands

        commands.run_cli(recorder, w, pcluster, outcomes, HERE)
        try:
            import daemons

            daemons.run(recorder, w, outcomes)
        except ImportError:
            pass
    normalizer = Normalizer(w)
    fixture = iam_map.build_fixture(recorder, outcomes, normalizer, w)
    os.makedirs(os.path.dirname(options.out), exist_ok=True)
    with open(options.out, "w") as f:
        f.write(dump(fixture))
    print(f"recorded {len(recorder.calls)} calls in {time.time() - started:.1f} s -> {os.path.relpath(options.out, ROOT)}")
    if options.verbose:
        for step, outcome in outcomes.items():
            print(step, json.dumps(outcome)[:600])


if __name__ == "__main__":
    main()

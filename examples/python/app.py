#!/usr/bin/env python3
"""The example app in Python: the same cluster IAM as examples/app.ts, synthesized offline.

A Slurm cluster with a CPU and a GPU queue, FSx for Lustre with an S3 data repository, custom AMI builds,
in permissions-boundary mode. Written the way a Python CDK user writes it: props as keyword arguments,
``IamAccessMode.permissions_boundary(...)`` as a static factory. scripts/bindings-check.sh requires its
cloud assembly (template, config fragments, permissions report) to be identical to the TypeScript one, so
keep this file, examples/app.ts and examples/java in step.

Run it from the repository root (docs/bindings.md has the full commands)::

    npx projen compile && npx projen package:python
    python3 -m venv examples/python/.venv
    examples/python/.venv/bin/pip install -r examples/python/requirements.txt dist/python/*.whl
    examples/python/.venv/bin/python examples/python/app.py

Outputs go to ``$EXAMPLE_OUTDIR``, or ``example-python.out`` without it.
"""
import os
import re

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_parallelcluster_iam import IamAccessMode, ParallelClusterIam, PermissionsReport

OUTDIR = os.environ.get("EXAMPLE_OUTDIR", "example-python.out")
app = cdk.App(outdir=OUTDIR)
# A fixed environment, so that every ARN is known at synthesis and the configuration file is written.
stack = cdk.Stack(
    app, "ParallelClusterIamExample", env=cdk.Environment(account="111122223333", region="us-east-1")
)

# The organisation's permissions boundary: anything, except managing IAM users and access keys and
# leaving the organisation. A real one usually comes from a platform team: import it by name with
# iam.ManagedPolicy.from_managed_policy_name(stack, "Boundary", "HpcBoundary").
boundary = iam.ManagedPolicy(
    stack,
    "Boundary",
    managed_policy_name="HpcBoundary",
    description="Permissions boundary of every ParallelCluster role",
    statements=[
        iam.PolicyStatement(sid="AllowEverythingElse", actions=["*"], resources=["*"]),
        iam.PolicyStatement(
            sid="DenyIdentityAdministration",
            effect=iam.Effect.DENY,
            actions=["iam:*User*", "iam:*AccessKey*", "iam:*LoginProfile*", "organizations:*", "account:*"],
            resources=["*"],
        ),
    ],
)

# Software the nodes install at boot, from a bucket the organisation already has.
software = s3.Bucket.from_bucket_name(stack, "SoftwareBucket", "example-hpc-software")
software_read = iam.ManagedPolicy(
    stack,
    "SoftwareRead",
    managed_policy_name="parallelcluster-software-read",
    statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=[software.arn_for_objects("*")])],
)

cluster = ParallelClusterIam(
    stack,
    "Cluster",
    slurm_queues=["cpu", "gpu"],
    login_node_pools=["login"],
    iam_access_mode=IamAccessMode.permissions_boundary(boundary),
    enable_fsx_lustre=True,
    fsx_data_repository_buckets=[s3.Bucket.from_bucket_name(stack, "DataRepository", "example-hpc-data")],
    enable_image_builder=True,
    additional_iam_policies=[software_read],
    secrets=[secretsmanager.Secret.from_secret_name_v2(stack, "SlurmDbPassword", "hpc/slurmdbd-password")],
)

assembly = app.synth()

artifact = assembly.get_stack_by_name(stack.stack_name)
print(f"Synthesized {stack.stack_name} (account {stack.account}, {stack.region}) into {OUTDIR}/")
print(f"  CloudFormation template:  {os.path.join(OUTDIR, artifact.template_file)}")
for label, suffix in [
    ("cluster config fragment", "pcluster-config.yaml"),
    ("image config fragment", "pcluster-image-config.yaml"),
    ("IAM permissions report", "iam-report.md"),
]:
    name = f"{artifact.id}.{suffix}"
    where = os.path.join(OUTDIR, name) if os.path.exists(os.path.join(assembly.directory, name)) else "(not written)"
    print(f"  {label + ':':<25} {where}")
print()

# What each role gets against IAM's quotas, as the TypeScript example prints it.
summaries = PermissionsReport.summarize(cluster)


def label(construct_path: str) -> str:
    return re.sub(r"/(Role|Resource)$", "", construct_path.replace(f"{cluster.node.path}/", ""))


rows = [
    [
        label(s.construct_path),
        f"{s.managed_policy_count} / 10",
        str(s.customer_managed_policy_count),
        "-" if s.largest_policy_size == 0
        else f"{s.largest_policy_size} / 6144 ({round(100 * s.largest_policy_size / 6144)}%)",
    ]
    for s in summaries
]
header = ["Role", "Managed policies", "Customer policies", "Largest policy vs quota"]
widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
for cells in [header, ["-" * w for w in widths], *rows]:
    print(("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths))).rstrip())
largest = max(summaries, key=lambda s: s.largest_policy_size)
print()
print(
    f"  {len(summaries)} roles, {sum(s.customer_managed_policy_count for s in summaries)} customer managed policy "
    f"attachments; the largest is {largest.largest_policy_size} of 6144 characters ({label(largest.construct_path)})."
)

#!/usr/bin/env python3
"""The Python side of the bindings check (scripts/bindings-check.sh).

The same configuration as examples/compare/app-ts.ts, written the way a Python CDK user writes it: props
as keyword arguments, ``IamAccessMode.permissions_boundary(...)`` as a static factory. The template it
synthesizes must be identical to the TypeScript and Java ones, so keep the three apps in step.

Run it (from the repository root, after ``npx projen package:python``)::

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r examples/python/requirements.txt dist/python/cdk_parallelcluster_iam-*.whl
    CDK_OUTDIR=cdk.out.python python examples/python/app.py

Outputs go to ``$CDK_OUTDIR`` (read by ``App`` itself), or ``cdk.out`` without it.
"""
import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

from cdk_parallelcluster_iam import IamAccessMode, ParallelClusterUserRole

ACCOUNT = "123456789012"
app = cdk.App()

# Commercial partition, permissions-boundary mode, every optional feature.
stack = cdk.Stack(app, "BindingsUserRole", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
boundary = iam.ManagedPolicy.from_managed_policy_name(stack, "Boundary", "parallelcluster-boundary")
user = ParallelClusterUserRole(
    stack,
    "User",
    assumed_by=iam.AccountPrincipal(ACCOUNT),
    role_name="ParallelClusterUser",
    iam_access_mode=IamAccessMode.permissions_boundary(boundary),
    enable_fsx_lustre=True,
    fsx_data_repository_buckets=[s3.Bucket.from_bucket_name(stack, "FsxData", "example-fsx-data")],
    enable_image_builder=True,
    secrets=[secretsmanager.Secret.from_secret_name_v2(stack, "SlurmDbPassword", "slurmdb-password")],
    additional_iam_policies=[iam.ManagedPolicy.from_managed_policy_name(stack, "Extra", "parallelcluster-extra-s3")],
    custom_roles=[iam.Role.from_role_name(stack, "CustomHead", "custom-head-node")],
    iam_path="/hpc/",
)
cdk.CfnOutput(stack, "UserRoleArn", value=user.role_arn)
cdk.CfnOutput(stack, "IamAccessMode", value=user.iam_access_mode.name)

# China partition with every default: no keyword arguments at all.
china = cdk.Stack(app, "BindingsUserRoleChina", env=cdk.Environment(account=ACCOUNT, region="cn-north-1"))
cdk.CfnOutput(china, "UserRoleArn", value=ParallelClusterUserRole(china, "User").role_arn)

app.synth()

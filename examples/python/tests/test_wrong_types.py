"""What a Python user sees when they pass the wrong thing to the library.

Two layers check types: the generated Python code (typeguard) checks classes, primitives and enums before
the call leaves Python and raises ``TypeError``; the jsii kernel (Node.js) checks interface types such as
``IManagedPolicy`` and the elements of lists, which Python cannot check, and raises ``RuntimeError`` with the
expected and the failing value. Either way the message names the argument, the expected type and what was
passed. The library's own synth-time validation reaches Python as ``RuntimeError`` with its message intact.

Run by scripts/bindings-check.sh in the venv that has the built wheel installed.
"""
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam

from cdk_parallelcluster_iam import IamAccessMode, ParallelClusterIam, ParallelClusterUserRole, Scheduler


@pytest.fixture()
def stack() -> cdk.Stack:
    return cdk.Stack(cdk.App(), "Test", env=cdk.Environment(account="123456789012", region="us-east-1"))


def test_a_string_where_iam_access_mode_is_expected_is_a_clear_type_error(stack):
    # The mode is a class with static factories, not a string: the message says which argument and type.
    with pytest.raises(TypeError, match=re.escape(
        "type of argument iam_access_mode must be one of (cdk_parallelcluster_iam.IamAccessMode, NoneType); "
        "got str instead"
    )):
        ParallelClusterUserRole(stack, "User", iam_access_mode="privileged")


def test_a_string_where_a_bool_is_expected_is_a_type_error(stack):
    with pytest.raises(TypeError, match=re.escape(
        "type of argument enable_fsx_lustre must be one of (bool, NoneType); got str instead"
    )):
        ParallelClusterUserRole(stack, "User", enable_fsx_lustre="yes")


def test_a_misspelt_keyword_argument_is_a_type_error(stack):
    # Props are keyword arguments, so Python itself rejects an unknown one instead of ignoring it.
    with pytest.raises(TypeError, match="unexpected keyword argument 'enable_fsx'"):
        ParallelClusterUserRole(stack, "User", enable_fsx=True)


def test_an_arn_string_where_a_policy_is_expected_is_rejected_by_the_jsii_kernel(stack):
    # A common mistake: passing the boundary's ARN instead of an IManagedPolicy. Interfaces are checked
    # by the jsii kernel, which names the method, the parameter, the expected type and the failing value.
    with pytest.raises(RuntimeError) as raised:
        IamAccessMode.permissions_boundary("arn:aws:iam::123456789012:policy/boundary")
    message = str(raised.value)
    assert "Passed to parameter boundary of static method cdk-parallelcluster-iam.IamAccessMode.permissionsBoundary" in message
    assert "Unable to deserialize value as aws-cdk-lib.aws_iam.IManagedPolicy" in message
    assert "Failing value is a string" in message


def test_a_bucket_name_in_a_list_of_buckets_is_rejected_with_its_index(stack):
    with pytest.raises(RuntimeError) as raised:
        ParallelClusterUserRole(stack, "User", enable_fsx_lustre=True, fsx_data_repository_buckets=["my-bucket"])
    message = str(raised.value)
    assert "Key 'fsxDataRepositoryBuckets'" in message
    assert "Index 0: Unable to deserialize value as aws-cdk-lib.aws_s3.IBucket" in message


def test_a_string_where_an_enum_is_expected_is_a_type_error(stack):
    # Enums are Python enums with the TypeScript member names, not the strings ParallelCluster's YAML uses.
    assert [m.name for m in Scheduler] == ["SLURM", "AWS_BATCH"]
    with pytest.raises(TypeError, match=re.escape(
        "type of argument scheduler must be one of (cdk_parallelcluster_iam.Scheduler, NoneType); got str instead"
    )):
        ParallelClusterIam(stack, "Cluster", scheduler="slurm")


def test_a_single_queue_name_instead_of_a_list_is_rejected_by_the_jsii_kernel(stack):
    # A str is a Sequence[str] to Python's checks, so this one reaches the kernel, which says what it wanted.
    with pytest.raises(RuntimeError) as raised:
        ParallelClusterIam(stack, "Cluster", slurm_queues="cpu")
    message = str(raised.value)
    assert "Key 'slurmQueues': Unable to deserialize value as array<string>" in message
    assert "Value is not an array" in message


def test_enums_and_maps_come_back_as_python_values(stack):
    cluster = ParallelClusterIam(stack, "Cluster", scheduler=Scheduler.SLURM, slurm_queues=["cpu", "gpu"])
    assert cluster.scheduler == Scheduler.SLURM
    assert sorted(cluster.compute_node_roles) == ["cpu", "gpu"]
    assert cluster.queue_names == ["cpu", "gpu"]


def test_the_librarys_own_validation_message_reaches_python_unchanged(stack):
    # The messages name props as TypeScript spells them (iamPath is iam_path here).
    with pytest.raises(RuntimeError, match=re.escape(
        "iamPath 'parallelcluster' is not a valid IAM path: it must start and end with '/'"
    )):
        ParallelClusterUserRole(stack, "User", iam_path="parallelcluster")
    with pytest.raises(RuntimeError, match=re.escape("Slurm queue name 'CPU' is invalid")):
        ParallelClusterIam(stack, "Cluster", slurm_queues=["CPU"])


def test_permissions_boundary_mode_carries_its_policy(stack):
    boundary = iam.ManagedPolicy.from_managed_policy_name(stack, "Boundary", "parallelcluster-boundary")
    mode = IamAccessMode.permissions_boundary(boundary)
    assert mode.name == "permissionsBoundary"
    assert mode.grants_iam_rights is True
    assert IamAccessMode.restricted().grants_iam_rights is False
    assert stack.resolve(mode.boundary.managed_policy_arn) == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":iam::123456789012:policy/parallelcluster-boundary",
    ]]}

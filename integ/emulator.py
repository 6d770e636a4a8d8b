"""Starts the local AWS emulator of the deploy test: LocalStack's core, in host mode.

LocalStack 4.14's CloudFormation handlers for IAM fall short of CloudFormation in three places that
this library's stacks hit; they are completed here, following the CloudFormation resource
specification, so that what the test reads back is what CloudFormation would have done:

- AWS::IAM::ManagedPolicy create drops `Path` and `Description` (both create-only properties);
- AWS::IAM::ManagedPolicy update is not implemented: LocalStack logs a warning and keeps the old
  document, so an update that changes a policy would pass unnoticed. CloudFormation updates the
  document in place (a new default policy version) and replaces the policy when a create-only
  property changes;
- AWS::IAM::Role update replaces the role (a new name and ARN) when its managed policies or trust
  policy change, and ignores a changed permissions boundary or description. CloudFormation updates
  all of these in place ("Update requires: No interruption") and replaces only for `RoleName` or
  `Path`.

Custom resources (`Custom::<name>`, `AWS::CloudFormation::CustomResource`) have no handler at all in
LocalStack 4.14's core: the engine finds no resource provider for them ("No resource provider found for
\"Custom::PclusterCluster\" ... LocalStack Pro") and, with CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES at its default,
creates them as no-ops that send no request and have no attributes ("Deployment of resource type
Custom::PclusterCluster succeeded, but will fail in upcoming LocalStack releases"); with that setting off, it
refuses the change set ("Unsupported resources detected"). CloudFormation's protocol for custom resources
whose ServiceToken is an SNS topic is completed here (Lambda service tokens would need Docker to run the function):
each create, update and delete publishes the request to the topic, with every scalar of the properties as a
string, the previous properties on update and a pre-signed S3 PUT URL as ResponseURL, and waits for the
response there (SUCCESS with PhysicalResourceId and Data, whose keys Fn::GetAtt then reads, or FAILED with a
Reason; LocalStack's engine reads a dotted attribute name such as `headNode.instanceId` as a path, so Data is
kept in that shape). LocalStack's SNS delivers to HTTP subscribers from its own process, so the deploy test's stand-in
provider (integ/stand-in-provider.ts) is a local HTTP server.

One value is corrected: LocalStack resolves the pseudo parameter `AWS::URLSuffix` to its own host name
(`localhost.localstack.cloud`); in the `aws` partition it is `amazonaws.com`, which the library's EC2
trust principals (`ec2.` + the URL suffix) must show.

Nothing else is changed: requests still go through LocalStack's CloudFormation engine and IAM API.
See docs/deploy-test.md.
"""
from __future__ import annotations

import json
import os
import time
import uuid

import boto3
from botocore.config import Config

from localstack.services.cloudformation import provider_utils as util
from localstack.services.cloudformation.engine import template_deployer, template_utils
from localstack.services.cloudformation.engine.v2 import change_set_model_executor, change_set_model_preproc
from localstack.services.cloudformation.engine.v2.change_set_resource_support_checker import (
    ChangeSetResourceSupportChecker,
)
from localstack.services.cloudformation.resource_provider import (
    OperationStatus,
    ProgressEvent,
    ResourceProvider,
    ResourceProviderExecutor,
)
from localstack.utils.catalog.common import CloudFormationResourcesSupportAtRuntime
from localstack.services.iam.resource_providers.aws_iam_managedpolicy import IAMManagedPolicyProvider
from localstack.services.iam.resource_providers.aws_iam_role import IAMRoleProvider

# The `aws` partition's URL suffix (AWS::URLSuffix).
AWS_URL_SUFFIX = "amazonaws.com"

# IAM keeps at most five versions of a managed policy.
MAX_POLICY_VERSIONS = 5


def _document(value) -> str:
    return value if isinstance(value, str) else json.dumps(util.remove_none_values(value))


def _sync_attachments(iam, policy_arn: str, old: dict, new: dict) -> None:
    for key, attach, detach, name in (
        ("Roles", iam.attach_role_policy, iam.detach_role_policy, "RoleName"),
        ("Users", iam.attach_user_policy, iam.detach_user_policy, "UserName"),
        ("Groups", iam.attach_group_policy, iam.detach_group_policy, "GroupName"),
    ):
        before, after = set(old.get(key) or []), set(new.get(key) or [])
        for entity in sorted(before - after):
            detach(**{name: entity, "PolicyArn": policy_arn})
        for entity in sorted(after - before):
            attach(**{name: entity, "PolicyArn": policy_arn})


def managed_policy_create(self, request):
    model = request.desired_state
    iam = request.aws_client_factory.iam
    if not model.get("ManagedPolicyName"):
        model["ManagedPolicyName"] = util.generate_default_name(request.stack_name, request.logical_resource_id)
    args = {"PolicyName": model["ManagedPolicyName"], "PolicyDocument": _document(model["PolicyDocument"])}
    if model.get("Path"):
        args["Path"] = model["Path"]
    if model.get("Description"):
        args["Description"] = model["Description"]
    model["Id"] = iam.create_policy(**args)["Policy"]["Arn"]
    _sync_attachments(iam, model["Id"], {}, model)
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=model)


def managed_policy_update(self, request):
    old, new = request.previous_state, request.desired_state
    iam = request.aws_client_factory.iam
    # An unnamed policy keeps the name generated at creation: only a name given in the template counts.
    if (new.get("ManagedPolicyName") and new["ManagedPolicyName"] != old.get("ManagedPolicyName")) or any(
        (old.get(key) or None) != (new.get(key) or None) for key in ("Path", "Description")
    ):
        # A create-only property changed: replace (the new policy first, as CloudFormation does).
        new.pop("Id", None)
        created = managed_policy_create(self, request)
        self.delete(request)
        return created
    arn = new["Id"] = old["Id"]
    new["ManagedPolicyName"] = old.get("ManagedPolicyName")
    if json.loads(_document(old["PolicyDocument"])) != json.loads(_document(new["PolicyDocument"])):
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        if len(versions) >= MAX_POLICY_VERSIONS:
            oldest = min((v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"])
            iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=_document(new["PolicyDocument"]), SetAsDefault=True)
    _sync_attachments(iam, arn, old, new)
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=new)


_original_role_update = IAMRoleProvider.update


def role_update(self, request):
    old, new = request.previous_state, request.desired_state
    if (new.get("RoleName") and new.get("RoleName") != old.get("RoleName")) or (new.get("Path") or "/") != (old.get("Path") or "/"):
        return _original_role_update(self, request)  # create-only properties: LocalStack replaces
    iam = request.aws_client_factory.iam
    name = new["RoleName"] = old["RoleName"]
    new["Arn"], new["RoleId"] = old.get("Arn"), old.get("RoleId")
    if json.loads(_document(old["AssumeRolePolicyDocument"])) != json.loads(_document(new["AssumeRolePolicyDocument"])):
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=_document(new["AssumeRolePolicyDocument"]))
    if old.get("Description") != new.get("Description") or old.get("MaxSessionDuration") != new.get("MaxSessionDuration"):
        iam.update_role(RoleName=name, Description=new.get("Description") or "",
                        MaxSessionDuration=int(new.get("MaxSessionDuration") or 3600))
    if old.get("PermissionsBoundary") != new.get("PermissionsBoundary"):
        if new.get("PermissionsBoundary"):
            iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=new["PermissionsBoundary"])
        else:
            iam.delete_role_permissions_boundary(RoleName=name)
    before, after = old.get("ManagedPolicyArns") or [], new.get("ManagedPolicyArns") or []
    for arn in [a for a in before if a not in after]:
        iam.detach_role_policy(RoleName=name, PolicyArn=arn)
    for arn in [a for a in after if a not in before]:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    old_inline = {p["PolicyName"]: p["PolicyDocument"] for p in old.get("Policies") or []}
    new_inline = {p["PolicyName"]: p["PolicyDocument"] for p in new.get("Policies") or []}
    for policy_name in old_inline.keys() - new_inline.keys():
        iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
    for policy_name, document in new_inline.items():
        if old_inline.get(policy_name) != document:
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=_document(document))
    return ProgressEvent(status=OperationStatus.SUCCESS, resource_model=new)


# Custom resources: CloudFormation's protocol for SNS service tokens (see the module's docstring).
CUSTOM_RESOURCE_RESPONSES = "integ-custom-resource-responses"
# How long a custom resource waits for its response (CloudFormation waits up to an hour).
CUSTOM_RESOURCE_TIMEOUT_SECONDS = 60
# By (stack name, logical id): the physical id the provider returned and the properties it was last sent. An
# update request carries those as OldResourceProperties, a delete request both; LocalStack hands the handler
# the resource's model (the answered Data) there instead.
_custom_resources: dict[tuple[str, str], dict] = {}


def _is_custom_resource(resource_type: str | None) -> bool:
    return bool(resource_type) and (resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource")


def _as_strings(value):
    """CloudFormation passes a custom resource's properties with every scalar as a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return {key: _as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_strings(item) for item in value]
    return value


def _attribute_paths(data: dict) -> dict:
    """A response's Data as LocalStack's engine reads attributes: it takes the dots of an attribute name
    (`headNode.instanceId`, a key of Data for CloudFormation) as a path into the resource's model."""
    model: dict = {}
    for key, value in data.items():
        *parents, last = key.split(".")
        node = model
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return model


def _loopback_s3():
    """An S3 client of this emulator on its loopback address, for URLs that the provider can reach."""
    endpoint = "http://" + os.environ.get("GATEWAY_LISTEN", "127.0.0.1:4566").split(",")[0]
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


class SnsCustomResourceProvider(ResourceProvider):
    SCHEMA = {
        "typeName": "AWS::CloudFormation::CustomResource",
        "primaryIdentifier": ["/properties/PhysicalResourceId"],
        "createOnlyProperties": [],
        "additionalProperties": True,
        "properties": {},
    }

    def _request(self, request, request_type: str, deployed: dict | None):
        properties = dict(request.desired_state or {}) if request_type != "Delete" else dict(deployed["Properties"])
        token = properties.get("ServiceToken")
        if not (isinstance(token, str) and token.startswith("arn:") and token.split(":")[2] == "sns"):
            return None, f"ServiceToken {token!r} is not an SNS topic ARN: the emulator delivers custom resource requests through SNS only"
        s3 = _loopback_s3()
        try:
            s3.create_bucket(Bucket=CUSTOM_RESOURCE_RESPONSES)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass
        request_id = str(uuid.uuid4())
        stack_id = request.aws_client_factory.cloudformation.describe_stacks(StackName=request.stack_name)["Stacks"][0]["StackId"]
        event = {
            "RequestType": request_type,
            "ServiceToken": token,
            "ResponseURL": s3.generate_presigned_url(
                "put_object", Params={"Bucket": CUSTOM_RESOURCE_RESPONSES, "Key": request_id}, ExpiresIn=7200,
            ),
            "StackId": stack_id,
            "RequestId": request_id,
            "LogicalResourceId": request.logical_resource_id,
            "ResourceType": request.resource_type,
            "ResourceProperties": _as_strings(properties),
        }
        if deployed is not None:
            event["PhysicalResourceId"] = deployed["PhysicalResourceId"]
        if request_type == "Update":
            event["OldResourceProperties"] = _as_strings(deployed["Properties"])
        request.aws_client_factory.sns.publish(TopicArn=token, Message=json.dumps(event))
        deadline = time.monotonic() + CUSTOM_RESOURCE_TIMEOUT_SECONDS
        while True:
            try:
                body = s3.get_object(Bucket=CUSTOM_RESOURCE_RESPONSES, Key=request_id)["Body"].read()
                break
            except s3.exceptions.NoSuchKey:
                if time.monotonic() > deadline:
                    return None, f"no response from the custom resource provider within {CUSTOM_RESOURCE_TIMEOUT_SECONDS} s"
                time.sleep(0.2)
        response = json.loads(body)
        if response.get("Status") != "SUCCESS":
            return None, f"Received response status [FAILED] from custom resource. Message returned: {response.get('Reason')}"
        if response.get("RequestId") != request_id or response.get("LogicalResourceId") != request.logical_resource_id:
            return None, f"the response does not answer request {request_id} of {request.logical_resource_id}: {response}"
        return response, None

    def _answer(self, request, request_type: str):
        key = (request.stack_name, request.logical_resource_id)
        deployed = _custom_resources.get(key)
        if request_type != "Create" and deployed is None:
            if request_type == "Delete":  # never created (its create failed): nothing to delete
                return ProgressEvent(status=OperationStatus.SUCCESS, resource_model={})
            return ProgressEvent(status=OperationStatus.FAILED, resource_model={}, message="update of a custom resource that was never created")
        response, error = self._request(request, request_type, deployed)
        if error is not None:
            return ProgressEvent(status=OperationStatus.FAILED, resource_model={}, message=error)
        if request_type == "Delete":
            _custom_resources.pop(key, None)
            return ProgressEvent(status=OperationStatus.SUCCESS, resource_model={})
        physical_id = response.get("PhysicalResourceId")
        if not physical_id:
            return ProgressEvent(status=OperationStatus.FAILED, resource_model={}, message="the response has no PhysicalResourceId")
        _custom_resources[key] = {"PhysicalResourceId": physical_id, "Properties": dict(request.desired_state or {})}
        # Fn::GetAtt reads the response's Data, and only that.
        return ProgressEvent(
            status=OperationStatus.SUCCESS, resource_model={**_attribute_paths(response.get("Data") or {}), "PhysicalResourceId": physical_id},
        )

    def create(self, request):
        return self._answer(request, "Create")

    def update(self, request):
        return self._answer(request, "Update")

    def delete(self, request):
        return self._answer(request, "Delete")


_original_try_load_resource_provider = ResourceProviderExecutor.try_load_resource_provider


def try_load_resource_provider(resource_type):
    if _is_custom_resource(resource_type):
        return SnsCustomResourceProvider()
    return _original_try_load_resource_provider(resource_type)


_original_resource_support_status = ChangeSetResourceSupportChecker._resource_support_status


def resource_support_status(self, resource_type):
    if _is_custom_resource(resource_type):
        return CloudFormationResourcesSupportAtRuntime.AVAILABLE
    return _original_resource_support_status(self, resource_type)


# INTEG_UNPATCHED=1 runs LocalStack as released, to show what the completions are for.
if os.environ.get("INTEG_UNPATCHED") != "1":
    IAMManagedPolicyProvider.create = managed_policy_create
    IAMManagedPolicyProvider.update = managed_policy_update
    IAMRoleProvider.update = role_update
    ResourceProviderExecutor.try_load_resource_provider = staticmethod(try_load_resource_provider)
    ChangeSetResourceSupportChecker._resource_support_status = resource_support_status
    # Its default CloudFormation engine (v2) and the legacy one each keep a copy of the value.
    for module, name in (
        (change_set_model_preproc, "_AWS_URL_SUFFIX"),
        (change_set_model_executor, "_AWS_URL_SUFFIX"),
        (template_utils, "AWS_URL_SUFFIX"),
        (template_deployer, "AWS_URL_SUFFIX"),
    ):
        setattr(module, name, AWS_URL_SUFFIX)

if __name__ == "__main__":
    from localstack.runtime.main import main

    main()

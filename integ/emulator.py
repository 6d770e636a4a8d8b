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

One value is corrected: LocalStack resolves the pseudo parameter `AWS::URLSuffix` to its own host name
(`localhost.localstack.cloud`); in the `aws` partition it is `amazonaws.com`, which the library's EC2
trust principals (`ec2.` + the URL suffix) must show.

Nothing else is changed: requests still go through LocalStack's CloudFormation engine and IAM API.
See docs/deploy-test.md.
"""
from __future__ import annotations

import json
import os

from localstack.services.cloudformation import provider_utils as util
from localstack.services.cloudformation.engine import template_deployer, template_utils
from localstack.services.cloudformation.engine.v2 import change_set_model_executor, change_set_model_preproc
from localstack.services.cloudformation.resource_provider import OperationStatus, ProgressEvent
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


# INTEG_UNPATCHED=1 runs LocalStack as released, to show what the completions are for.
if os.environ.get("INTEG_UNPATCHED") != "1":
    IAMManagedPolicyProvider.create = managed_policy_create
    IAMManagedPolicyProvider.update = managed_policy_update
    IAMRoleProvider.update = role_update
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

"""Maps one recorded botocore call to the IAM requests it makes (action, resource ARN, request context).

Called by the recorder BEFORE the call reaches moto, so the resource's tags and existence are read from moto's
state as they were when the call was made (aws:ResourceTag, aws:ResourceAccount). Context keys that do not
apply to an action are dropped by the test (test/support/recorded-calls.ts), not here.
"""
import json

ACCOUNT = "123456789012"

# botocore service name -> IAM service prefix
PREFIX = {
    "efs": "elasticfilesystem",
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "resourcegroupstaggingapi": "tag",
    "resource-groups": "resource-groups",
    "cloudwatch": "cloudwatch",
    "logs": "logs",
}

# Calls that need no permission.
NO_PERMISSION = {("sts", "GetCallerIdentity")}

S3_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
}


def arn(region, service, resource, account=ACCOUNT):
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _tags_context(tags, prefix="aws"):
    """aws:RequestTag/* and aws:TagKeys of a Tags parameter (list of Key/Value or a dict)."""
    if not tags:
        return {}
    pairs = tags.items() if isinstance(tags, dict) else [(t["Key"], t["Value"]) for t in tags]
    ctx = {f"aws:RequestTag/{k}": v for k, v in pairs}
    ctx["aws:TagKeys"] = sorted(k for k, _ in pairs)
    return ctx


def _resource_tags(tags, keys=("aws",)):
    ctx = {}
    for k, v in tags.items():
        if k.startswith("aws:"):
            continue  # aws:* tags are never condition keys users can set
        for prefix in keys:
            ctx[f"{prefix}:ResourceTag/{k}"] = v
    return ctx


# ---- moto state ----
def _stack(region, name):
    from moto.cloudformation.models import cloudformation_backends

    stacks = cloudformation_backends[ACCOUNT][region].stacks
    for stack in stacks.values():
        if (stack.name == name or stack.stack_id == name) and stack.status != "DELETE_COMPLETE":
            return stack
    return None


def _bucket_exists(bucket):
    from moto.s3.models import s3_backends

    return bucket in s3_backends[ACCOUNT]["aws"].buckets


def _instance_tags(region, instance_id):
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][region]
    return {t["key"]: t["value"] for t in backend.describe_tags(filters={"resource-id": [instance_id]})}


def _image_tags(region, image_id):
    return _instance_tags(region, image_id)


def _role_arn(name):
    from moto.iam.models import iam_backends

    role = iam_backends[ACCOUNT]["global"].get_role(name)
    return role.arn


# ---- the mapping ----
def requests_for(service, operation, params, region):
    """The IAM requests of one call: a list of {action, resource, context}."""
    if (service, operation) in NO_PERMISSION:
        return []
    if service == "s3":
        return _s3(operation, params, region)
    prefix = PREFIX.get(service, service)
    action = f"{prefix}:{operation}"
    own = {"aws:ResourceAccount": ACCOUNT}

    def one(resource, context=None):
        return [{"action": action, "resource": resource, "context": context or {}}]

    if service == "cloudformation":
        name = params.get("StackName")
        if not name:
            return one("*")
        stack = _stack(region, name)
        stack_arn = stack.stack_id if stack else arn(region, "cloudformation", f"stack/{name}/*")
        context = dict(own) if stack else {}
        if stack:
            context.update(_resource_tags(stack.tags))
        if operation in ("CreateStack", "UpdateStack"):
            context.update(_tags_context(params.get("Tags")))
        return one(stack_arn, context)
    if service == "dynamodb":
        tables = [params["TableName"]] if "TableName" in params else sorted(params.get("RequestItems", {}))
        return [{"action": action, "resource": arn(region, "dynamodb", f"table/{t}"), "context": own} for t in tables]
    if service == "route53" and params.get("HostedZoneId"):
        zone = f"arn:aws:route53:::hostedzone/{params['HostedZoneId'].split('/')[-1]}"
        if operation == "ChangeResourceRecordSets":
            # The condition keys Route 53 sets for a record change (Service Authorization Reference,
            # Amazon Route 53): the record names normalized (lower case, no final dot), actions and types.
            changes = params.get("ChangeBatch", {}).get("Changes", [])
            sets = [c.get("ResourceRecordSet", {}) for c in changes]
            return one(zone, {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": sorted({r.get("Name", "").lower().rstrip(".") for r in sets}),
                "route53:ChangeResourceRecordSetsActions": sorted({c.get("Action") for c in changes}),
                "route53:ChangeResourceRecordSetsRecordTypes": sorted({r.get("Type") for r in sets}),
            })
        return one(zone)
    if service == "logs":
        group = params.get("logGroupName")
        if operation == "GetLogEvents":
            return one(arn(region, "logs", f"log-group:{group}:log-stream:{params['logStreamName']}"), own)
        if group:
            return one(arn(region, "logs", f"log-group:{group}"), own)
        return one("*")
    if service == "iam":
        if "RoleName" in params:
            return one(_role_arn(params["RoleName"]), own)
        if "InstanceProfileName" in params:
            return one(arn("", "iam", f"instance-profile/{params['InstanceProfileName']}"), own)
        return one("*")
    if service == "ec2":
        return _ec2(operation, params, region, action, own)
    if service == "efs":
        fs = params.get("FileSystemId")
        if fs:
            return one(arn(region, "elasticfilesystem", f"file-system/{fs}"), own)
        if "MountTargetId" in params:
            return one(arn(region, "elasticfilesystem", f"file-system/{_efs_of_mount_target(region, params['MountTargetId'])}"), own)
        return one("*")
    if service == "fsx" and operation == "DescribeFileSystems" and params.get("FileSystemIds"):
        return [{"action": action, "resource": arn(region, "fsx", f"file-system/{fs}"), "context": own}
                for fs in params["FileSystemIds"]]
    return one("*")


def _launch_template(region, spec):
    """The launch template's ID and its latest data, from moto's state."""
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][region]
    name = spec.get("LaunchTemplateName")
    for template in backend.launch_templates.values():
        if template.id == spec.get("LaunchTemplateId") or template.name == name:
            return template.id, template.latest_version().data
    return spec.get("LaunchTemplateId") or name, {}


def _efs_of_mount_target(region, mount_target_id):
    from moto.efs.models import efs_backends

    return efs_backends[ACCOUNT][region].mount_targets_by_id[mount_target_id].file_system_id


def _ec2(operation, params, region, action, own):
    if operation.startswith("Describe") and operation != "DescribeImageAttribute":
        return [{"action": action, "resource": "*", "context": {}}]
    out = []

    def add(resource, context=None):
        out.append({"action": action, "resource": resource, "context": context or {}})

    if operation == "TerminateInstances":
        for i in params.get("InstanceIds", []):
            add(arn(region, "ec2", f"instance/{i}"), {**own, **_resource_tags(_instance_tags(region, i), ("aws", "ec2"))})
    elif operation == "GetConsoleOutput":
        i = params["InstanceId"]
        add(arn(region, "ec2", f"instance/{i}"), {**own, **_resource_tags(_instance_tags(region, i), ("aws", "ec2"))})
    elif operation in ("DeregisterImage", "DescribeImageAttribute"):
        image = params["ImageId"]
        add(f"arn:aws:ec2:{region}::image/{image}", _resource_tags(_image_tags(region, image), ("aws", "ec2")))
    elif operation == "DeleteSnapshot":
        add(f"arn:aws:ec2:{region}::snapshot/{params['SnapshotId']}")
    elif operation == "RunInstances":
        tags = {}
        for spec in params.get("TagSpecifications", []):
            if spec.get("ResourceType") == "instance":
                tags.update({t["Key"]: t["Value"] for t in spec["Tags"]})
        add(arn(region, "ec2", "instance/*"), _tags_context(tags))
        if params.get("ImageId"):
            add(f"arn:aws:ec2:{region}::image/{params['ImageId']}")
        for ni in params.get("NetworkInterfaces", []) or [{}]:
            subnet = ni.get("SubnetId") or params.get("SubnetId")
            if subnet:
                add(arn(region, "ec2", f"subnet/{subnet}"), own)
            for sg in ni.get("Groups", []) + params.get("SecurityGroupIds", []):
                add(arn(region, "ec2", f"security-group/{sg}"), own)
        add(arn(region, "ec2", "network-interface/*"))
        add(arn(region, "ec2", "volume/*"))
        if params.get("KeyName"):
            add(arn(region, "ec2", f"key-pair/{params['KeyName']}"), own)
        if params.get("LaunchTemplate"):
            lt_id, data = _launch_template(region, params["LaunchTemplate"])
            add(arn(region, "ec2", f"launch-template/{lt_id}"), own)
            if data.get("ImageId") and not params.get("ImageId"):
                add(f"arn:aws:ec2:{region}::image/{data['ImageId']}")
            for ni in data.get("NetworkInterfaces", []):
                if ni.get("SubnetId"):
                    add(arn(region, "ec2", f"subnet/{ni['SubnetId']}"), own)
        profile = (params.get("IamInstanceProfile") or {}).get("Arn") or (params.get("IamInstanceProfile") or {}).get("Name")
        if profile:
            out.append({"action": "iam:PassRole", "resource": profile, "context": {"iam:PassedToService": "ec2.amazonaws.com"}})
    elif operation == "CreateFleet":
        add(arn(region, "ec2", "fleet/*"), _tags_context({}))
        for config in params.get("LaunchTemplateConfigs", []):
            lt_id, data = _launch_template(region, config.get("LaunchTemplateSpecification", {}))
            add(arn(region, "ec2", f"launch-template/{lt_id}"), own)
            if data.get("ImageId"):
                add(f"arn:aws:ec2:{region}::image/{data['ImageId']}")
            for override in config.get("Overrides", []):
                if override.get("SubnetId"):
                    add(arn(region, "ec2", f"subnet/{override['SubnetId']}"), own)
        add(arn(region, "ec2", "instance/*"))
    elif operation in ("CreateTags", "DeleteTags"):
        for r in params.get("Resources", []):
            add(arn(region, "ec2", f"instance/{r}" if r.startswith("i-") else f"image/{r}"))
    else:
        add("*")
    return out


def _s3(operation, params, region):
    bucket = params.get("Bucket")
    action = "s3:" + S3_ACTIONS.get(operation, operation.replace("Object", "Object"))
    exists = bucket is not None and _bucket_exists(bucket)
    own = {"aws:ResourceAccount": ACCOUNT} if exists else {}
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if operation in ("GetObject", "HeadObject"):
        action = "s3:GetObjectVersion" if params.get("VersionId") else "s3:GetObject"
        return [{"action": action, "resource": f"{bucket_arn}/{params['Key']}", "context": own}]
    if operation == "PutObject":
        return [{"action": "s3:PutObject", "resource": f"{bucket_arn}/{params['Key']}", "context": own}]
    if operation == "DeleteObject":
        action = "s3:DeleteObjectVersion" if params.get("VersionId") else "s3:DeleteObject"
        return [{"action": action, "resource": f"{bucket_arn}/{params['Key']}", "context": own}]
    if operation == "DeleteObjects":
        out = []
        for obj in params.get("Delete", {}).get("Objects", []):
            action = "s3:DeleteObjectVersion" if obj.get("VersionId") else "s3:DeleteObject"
            out.append({"action": action, "resource": f"{bucket_arn}/{obj['Key']}", "context": own})
        return out
    if operation == "CopyObject":
        source = params["CopySource"]
        source = f"{source['Bucket']}/{source['Key']}" if isinstance(source, dict) else source
        return [{"action": "s3:PutObject", "resource": f"{bucket_arn}/{params['Key']}", "context": own},
                {"action": "s3:GetObject", "resource": f"arn:aws:s3:::{source}", "context": own}]
    if operation == "CreateBucket":
        return [{"action": "s3:CreateBucket", "resource": bucket_arn, "context": {}}]
    return [{"action": action, "resource": bucket_arn if bucket else "*", "context": own}]


def canonical(request):
    return json.dumps(request, sort_keys=True)


def build_fixture(recorder, outcomes, normalizer, w):
    """The committed recording: commands, every call (one line each), and the distinct IAM requests per role."""
    calls = [normalizer.call(c) for c in recorder.calls]
    steps = list(dict.fromkeys([*recorder.step_roles, *(c["step"] for c in calls)]))
    # Within a step, validators run concurrently: calls are sorted for a stable file.
    ordered = []
    for step in steps:
        ordered.extend(sorted((c for c in calls if c["step"] == step), key=canonical))
    requests = {}
    for c in ordered:
        for r in c.pop("iam"):
            key = canonical({"role": c["role"], **r})
            entry = requests.setdefault(key, {"role": c["role"], **r, "steps": []})
            if c["step"] not in entry["steps"]:
                entry["steps"].append(c["step"])
    commands = []
    for step in steps:
        outcome = outcomes.get(step)
        role = recorder.step_roles.get(step) or next(c["role"] for c in ordered if c["step"] == step)
        commands.append({"step": step, "role": role,
                         "calls": sum(1 for c in ordered if c["step"] == step),
                         "outcome": normalizer.outcome(outcome)})
    return {
        "commands": commands,
        "validatorErrors": sorted({canonical(normalizer.value(v)): normalizer.value(v) for v in recorder.validator_errors}.values(), key=canonical),
        "calls": ordered,
        "requests": sorted(requests.values(), key=lambda r: (r["role"], r["action"], r["resource"], canonical(r["context"]))),
    }


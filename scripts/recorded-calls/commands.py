"""The pcluster CLI commands the recorder runs as the user, in order (record.py)."""
import json
import re
import os

from world import env_path

# moto cannot deploy ParallelCluster's templates (custom resources, Lambda-backed steps, launch templates
# of node types it lacks): CreateStack and UpdateStack are RECORDED with pcluster's own parameters, and moto
# is sent a stand-in template; world.stand_in_* creates what the stack would have made.


def _template_of(params):
    """pcluster's own template (from moto's S3 directly: not a recorded call)."""
    import yaml
    from moto.s3.models import s3_backends

    if "TemplateBody" in params:
        text = params["TemplateBody"]
    else:
        match = re.match(r"https://([^.]+)\.s3\.[^/]+/(.+)$", params["TemplateURL"])
        backend = s3_backends["123456789012"]["aws"]
        text = backend.get_object(match.group(1), match.group(2)).value.decode()
    try:
        return json.loads(text)
    except ValueError:
        return yaml.load(text, Loader=_CfnLoader)


class _CfnLoader(__import__("yaml").SafeLoader):
    pass


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _stand_in_stack(vpc_id):
    def hook(params):
        """pcluster's template keeps its Parameters (describe-cluster reads them back) and loses its Resources
        but the security groups update-cluster looks up."""
        template = _template_of(params)
        sg = {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "stand-in", "VpcId": vpc_id}}
        stand_in = {"Parameters": template.get("Parameters", {}),
                    "Resources": {"HeadNodeSecurityGroup": sg, "ComputeSecurityGroup": sg}}
        sent = {k: v for k, v in params.items() if k not in ("TemplateURL", "TemplateBody")}
        sent["TemplateBody"] = json.dumps(stand_in)
        return sent

    return hook


def _no_deny_policy(params):
    """moto enforces bucket policies and reads aws:SecureTransport as false: the bucket gets pcluster's policy
    without its Deny statements (the call is recorded as pcluster made it)."""
    policy = json.loads(params["Policy"])
    policy["Statement"] = [s for s in policy["Statement"] if s.get("Effect") != "Deny"]
    return {**params, "Policy": json.dumps(policy)}


def run_cli(recorder, w, pcluster, outcomes, here):
    recorder.hooks[("cloudformation", "CreateStack")] = _stand_in_stack(w.ids["VpcId"])
    recorder.hooks[("cloudformation", "UpdateStack")] = _stand_in_stack(w.ids["VpcId"])
    recorder.hooks[("s3", "PutBucketPolicy")] = _no_deny_policy
    cluster_config = w.render(os.path.join(here, "cluster-config.yaml"), env_path("recorded-cluster-config.yaml"))
    image_config = w.render(os.path.join(here, "image-config.yaml"), env_path("recorded-image-config.yaml"))
    c = ["--cluster-name", w.cluster]
    r = ["--region", w.region]

    def run(step, args):
        outcomes[step] = pcluster(recorder, step, args + r)
        return outcomes[step]

    created = run("create-cluster", ["create-cluster", *c, "--cluster-configuration", cluster_config])
    stack_id = created.get("cluster", {}).get("cloudformationStackArn") if isinstance(created, dict) else None
    if not stack_id:
        raise SystemExit(f"create-cluster failed: {created}")
    stand_in = w.stand_in_cluster(stack_id)
    run("describe-cluster", ["describe-cluster", *c])
    run("list-clusters", ["list-clusters"])
    updated = _updated_config(cluster_config)
    run("update-compute-fleet STOP_REQUESTED", ["update-compute-fleet", *c, "--status", "STOP_REQUESTED"])
    w.set_fleet_status("STOPPED")  # what the head node's clustermgtd does once the nodes are down
    run("describe-compute-fleet", ["describe-compute-fleet", *c])
    run("update-cluster --dryrun", ["update-cluster", *c, "--cluster-configuration", updated, "--dryrun", "true"])
    run("update-cluster", ["update-cluster", *c, "--cluster-configuration", updated])
    w.set_stack_status("UPDATE_COMPLETE")
    run("update-compute-fleet START_REQUESTED", ["update-compute-fleet", *c, "--status", "START_REQUESTED"])
    run("describe-cluster-instances", ["describe-cluster-instances", *c])
    run("list-cluster-log-streams", ["list-cluster-log-streams", *c])
    run("get-cluster-log-events", ["get-cluster-log-events", *c, "--log-stream-name", stand_in["stream"]])
    run("get-cluster-stack-events", ["get-cluster-stack-events", *c])
    run("export-cluster-logs", ["export-cluster-logs", *c, "--bucket", w.export_bucket()])
    run("delete-cluster-instances", ["delete-cluster-instances", *c, "--force", "true"])
    run("list-official-images", ["list-official-images"])

    i = ["--image-id", w.image]
    run("build-image", ["build-image", *i, "--image-configuration", image_config])
    config_key = next(c["params"]["Key"] for c in reversed(recorder.calls)
                      if c["operation"] == "PutObject" and c["params"]["Key"].endswith("/configs/image-config.yaml"))
    w.stand_in_image(next(c["params"]["Bucket"] for c in reversed(recorder.calls) if c["operation"] == "PutObject"
                          and c["params"]["Key"] == config_key), config_key.rsplit("/configs/", 1)[0])
    run("describe-image", ["describe-image", *i])
    run("list-images", ["list-images", "--image-status", "AVAILABLE"])
    run("list-image-log-streams", ["list-image-log-streams", *i])
    run("get-image-log-events", ["get-image-log-events", *i, "--log-stream-name", "3.16.1/1"])
    run("get-image-stack-events", ["get-image-stack-events", *i])
    run("export-image-logs", ["export-image-logs", *i, "--bucket", w.export_bucket()])
    run("delete-image", ["delete-image", *i])

    run("delete-cluster", ["delete-cluster", *c])


def _updated_config(path):
    """The cluster configuration with a larger Spot queue and a longer scale-down idle time."""
    with open(path) as f:
        text = f.read()
    text = text.replace("ScaledownIdletime: 10", "ScaledownIdletime: 20").replace("MaxCount: 10", "MaxCount: 20")
    target = path.replace(".yaml", "-updated.yaml")
    with open(target, "w") as f:
        f.write(text)
    return target

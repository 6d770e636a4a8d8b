"""The node daemons' AWS paths (aws-parallelcluster-node 3.16.1, slurm_plugin), run as the head node.

Slurm (scontrol updates) is stubbed, not the AWS calls: slurm_resume's InstanceManager launches nodes of the
on-demand queue by RunInstances and of the Spot queue by CreateFleet (the launch templates the cluster stack
would have made are created first), stores the node-to-instance assignments in DynamoDB and the node hostnames
in Route 53; clustermgtd's reads (cluster instances, their health) and its terminations. (The compute fleet
status goes through the cookbook's shell scripts, get-compute-fleet-status.sh, outside the wheel: not recorded.)
Each path runs on its own; its outcome is kept in the recording.
"""
from botocore.config import Config

STEPS = []


def _launch_templates(w):
    ec2 = w.ec2
    for queue, cr in (("ondemand", "c5"), ("spot", "mixed")):
        ec2.create_launch_template(
            LaunchTemplateName=f"{w.cluster}-{queue}-{cr}",
            LaunchTemplateData={"ImageId": w.ids["OfficialAmi"], "InstanceType": "c5.2xlarge",
                                "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": w.ids["SubnetId"]}],
                                "TagSpecifications": [{"ResourceType": "instance", "Tags": [
                                    {"Key": "parallelcluster:cluster-name", "Value": w.cluster},
                                    {"Key": "parallelcluster:node-type", "Value": "Compute"},
                                    {"Key": "parallelcluster:queue-name", "Value": queue},
                                    {"Key": "parallelcluster:compute-resource-name", "Value": cr}]}]})


def _fleet_config(w):
    networking = {"SubnetIds": [w.ids["SubnetId"]]}
    return {
        "ondemand": {"c5": {"Api": "run-instances", "CapacityType": "on-demand", "AllocationStrategy": "lowest-price",
                            "Instances": [{"InstanceType": "c5.2xlarge"}], "Networking": networking}},
        "spot": {"mixed": {"Api": "create-fleet", "CapacityType": "spot", "AllocationStrategy": "capacity-optimized",
                           "Instances": [{"InstanceType": "c5.4xlarge"}, {"InstanceType": "m5.4xlarge"}],
                           "Networking": networking}},
    }


def run(recorder, w, outcomes):
    import slurm_plugin.instance_manager as im
    from slurm_plugin.instance_manager import InstanceManager

    im.update_nodes = lambda *args, **kwargs: None  # scontrol update nodename=... (Slurm, stubbed)
    _launch_templates(w)
    config = Config(retries={"max_attempts": 1})
    zone = w.ids["HostedZoneId"]
    manager = InstanceManager(
        region=w.region, cluster_name=w.cluster, boto3_config=config, table_name=f"parallelcluster-{w.cluster}",
        hosted_zone=zone, dns_domain=f"{w.cluster}.pcluster.", head_node_private_ip="10.0.0.5",
        head_node_hostname="ip-10-0-0-5", fleet_config=_fleet_config(w))

    def step(name, function):
        recorder.as_role("headNode", name)
        try:
            function()
            failed = dict(manager.failed_nodes)
            outcomes[name] = {"exception": "failed nodes", "data": str(failed)} if failed else {"ok": True}
        except Exception as error:  # noqa: BLE001 the outcome is part of the recording
            outcomes[name] = {"exception": type(error).__name__, "data": str(error)[:300]}
        finally:
            recorder.as_role(None, None)

    step("slurm_resume: RunInstances (on-demand queue)", lambda: manager.add_instances(
        node_list=["ondemand-dy-c5-1", "ondemand-dy-c5-2"], launch_batch_size=10, assign_node_batch_size=10,
        terminate_batch_size=10, update_node_address=True))
    step("slurm_resume: CreateFleet (Spot queue)", lambda: manager.add_instances(
        node_list=["spot-dy-mixed-1"], launch_batch_size=10, assign_node_batch_size=10, terminate_batch_size=10,
        update_node_address=True))
    instances = []
    step("clustermgtd: cluster instances", lambda: instances.extend(manager.get_cluster_instances(include_head_node=False)))
    step("clustermgtd: instance health", lambda: manager.get_unhealthy_cluster_instance_status(
        [i.id for i in instances]))
    step("slurm_suspend / clustermgtd: terminate", lambda: manager.delete_instances(
        [i.id for i in instances], terminate_batch_size=10))

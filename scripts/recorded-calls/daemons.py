"""The node daemons' AWS paths (aws-parallelcluster-node 3.16.1), each recorded as the role of the node it runs on.

Slurm (scontrol, scontrol reservations), the shell (shutdown, cat of shared files) and the cookbook's scripts
are stubbed or given temporary files; the AWS calls go to moto. Each path runs on its own; its outcome is kept.

Which module of the wheel calls AWS (grep `boto3.client`, `boto3.resource`, `Session().client`, `.client(`),
and where it runs. The wheel's entry points (aws_parallelcluster_node-3.16.1.dist-info/entry_points.txt) are five:
`clustermgtd`, `slurm_fleet_status_manager`, `slurm_resume`, `slurm_suspend` run on the head node (Slurm's
ResumeProgram / SuspendProgram run by slurmctld; clustermgtd publishes its events as "HeadNode",
clustermgtd.py:445, slurm_resume likewise, resume.py:247; aws-parallelcluster 3.16.1 shows clustermgtd,
slurm_resume and slurm_suspend under "Head Node Logs", filtered by the head node's IP,
templates/cw_dashboard_builder.py:667-692); `computemgtd` runs on every compute node (computemgtd.py:39: its
configuration is shared by all compute nodes; it reads the node's own Slurm name and terminates the node):

- slurm_plugin/instance_manager.py (head node): RunInstances / CreateFleet through fleet_manager.py,
  DescribeInstances, DynamoDB BatchWriteItem (node assignments) and BatchGetItem (get_compute_node_instances),
  Route 53 ChangeResourceRecordSets, TerminateInstances, DescribeInstanceStatus (health checks: EC2 status and
  scheduled events come from the same call);
- slurm_plugin/fleet_manager.py (head node): RunInstances, CreateFleet, DescribeInstances of the fleet's instances;
- slurm_plugin/console_logger.py (head node, clustermgtd): GetConsoleOutput of unhealthy static nodes;
- slurm_plugin/capacity_block_manager.py with aws/ec2.py (head node, clustermgtd): DescribeCapacityReservations;
- slurm_plugin/fleet_status_manager.py (head node): terminate_all_compute_nodes on STOP_REQUESTED.

Paths that make NO AWS call (recorded as steps with no calls, so that a call appearing in a later release shows
as drift):
- computemgtd (compute node): `_is_self_node_down` asks Slurm (`get_nodes_info`, scontrol), `_self_terminate`
  runs `sudo shutdown -h now` (computemgtd.py:129-135): the node terminates itself through the OS, no API call
  (the compute launch templates' shutdown behaviour is `terminate`, aws-parallelcluster 3.16.1
  templates/queues_stack.py:315); the module imports no boto3.
- slurm_suspend (head node): suspend.py only checks clustermgtd's heartbeat file; clustermgtd terminates.
- the compute fleet status (clustermgtd's ComputeFleetStatusManager, clustermgtd.py:97-140, and
  slurm_fleet_status_manager's `_get_computefleet_status`): read and written through the cookbook's
  `get-compute-fleet-status.sh` / `update-compute-fleet-status.sh` and a status file, outside the wheel: the
  wheel makes no DynamoDB call for it (the table's COMPUTE_FLEET item; the hand matrix keeps the head node's
  dynamodb:GetItem / UpdateItem for the cookbook).
- login nodes: none of the five entry points runs on a login node, and no module of the wheel imports boto3 for
  one: a login node's user data only runs the cookbook (aws-parallelcluster 3.16.1,
  resources/login_node/user_data.sh:145-153, cinc-client), so its calls come from the cookbook, outside the
  wheel; the hand matrix (test/support/pcluster-calls.ts, loginNode rows) keeps them. No step runs as loginNode.
- the compute nodes' other calls (the cookbook's, from resources/compute_node/user_data.sh:155-164) are likewise
  outside the wheel and stay in the hand matrix (computeNode rows).
"""
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import types
from datetime import datetime, timedelta, timezone

from botocore.config import Config

CAPACITY_BLOCK = "cr-0123456789abcdef0"


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


def _capacity_block_fleet_config(w):
    """The fleet configuration with a compute resource on a capacity block (clustermgtd's CapacityBlockManager)."""
    config = _fleet_config(w)
    config["gpu"] = {"cb": {"Api": "create-fleet", "CapacityType": "capacity-block", "AllocationStrategy": "lowest-price",
                            "Instances": [{"InstanceType": "p5.48xlarge"}], "CapacityReservationId": CAPACITY_BLOCK,
                            "Networking": {"SubnetIds": [w.ids["SubnetId"]]}}}
    return config


def _write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(recorder, w, outcomes):
    import slurm_plugin.capacity_block_manager as cbm
    import slurm_plugin.clustermgtd as clustermgtd
    import slurm_plugin.computemgtd as computemgtd
    import slurm_plugin.fleet_status_manager as fsm
    import slurm_plugin.instance_manager as im
    import slurm_plugin.suspend as suspend
    from slurm_plugin.capacity_block_manager import CapacityBlockManager
    from slurm_plugin.common import TIMESTAMP_FORMAT
    from slurm_plugin.instance_manager import InstanceManager
    from slurm_plugin.slurm_resources import StaticNode

    # Slurm, stubbed (not AWS): scontrol updates of nodes, partitions and reservations.
    im.update_nodes = lambda *args, **kwargs: None
    clustermgtd.reset_nodes = lambda *args, **kwargs: None
    fsm.update_all_partitions = lambda *args, **kwargs: None
    for name in ("is_slurm_reservation", "create_slurm_reservation", "update_slurm_reservation",
                 "delete_slurm_reservation"):
        setattr(cbm, name, lambda *args, **kwargs: False)
    cbm.get_slurm_reservations_info = lambda *args, **kwargs: []

    # moto launches MinCount instances where EC2 launches up to MaxCount when it has the capacity: moto is sent
    # MinCount = MaxCount (the call is recorded as made), so that every node gets an instance as in EC2.
    recorder.hooks[("ec2", "RunInstances")] = lambda params: {**params, "MinCount": params.get("MaxCount", 1)}
    _launch_templates(w)
    config = Config(retries={"max_attempts": 1})
    zone = w.ids["HostedZoneId"]
    table = f"parallelcluster-{w.cluster}"
    manager = InstanceManager(
        region=w.region, cluster_name=w.cluster, boto3_config=config, table_name=table,
        hosted_zone=zone, dns_domain=f"{w.cluster}.pcluster.", head_node_private_ip="10.0.0.5",
        head_node_hostname="ip-10-0-0-5", fleet_config=_fleet_config(w))
    work = tempfile.mkdtemp(prefix="recorded-calls-daemons-")  # the daemons' configuration and state files
    no_logging_config = os.path.join(work, "no-logging.conf")  # the daemons' own fileConfig fails: default logging

    def step(name, function, role="headNode", instance_manager=manager):
        recorder.as_role(role, name)
        try:
            function()
            failed = dict(instance_manager.failed_nodes) if instance_manager else {}
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

    # clustermgtd's capacity blocks: the reservation's state from EC2 decides the Slurm reservation.
    blocks = CapacityBlockManager(region=w.region, fleet_config=_capacity_block_fleet_config(w), boto3_config=config)
    step("clustermgtd: capacity blocks", lambda: blocks.get_reserved_nodenames(
        [StaticNode("gpu-st-cb-1", "gpu-st-cb-1", "gpu-st-cb-1", "IDLE+CLOUD+MAINTENANCE+RESERVED", "gpu")]),
        instance_manager=None)

    # clustermgtd's static node replacement, from its own configuration file: console output of the unhealthy
    # nodes (instance IDs from Slurm, or from the DynamoDB table for a node Slurm has none for), terminate, relaunch.
    fleet_file = _write(work, "fleet-config.json", json.dumps(_fleet_config(w)))
    clustermgtd_conf = _write(work, "parallelcluster_clustermgtd.conf", "\n".join([
        "[clustermgtd]", f"region = {w.region}", f"cluster_name = {w.cluster}", f"dynamodb_table = {table}",
        "head_node_private_ip = 10.0.0.5", "head_node_hostname = ip-10-0-0-5",
        f"heartbeat_file_path = {os.path.join(work, 'clustermgtd_heartbeat')}", f"fleet_config_file = {fleet_file}",
        f"run_instances_overrides = {os.path.join(work, 'none.json')}",
        f"create_fleet_overrides = {os.path.join(work, 'none.json')}",
        f"hosted_zone = {zone}", f"dns_domain = {w.cluster}.pcluster.", "compute_console_wait_time = 0",
        "compute_console_logging_max_sample_size = 2", f"logging_config = {no_logging_config}", ""]))
    cluster_manager = clustermgtd.ClusterManager(clustermgtd.ClustermgtdConfig(clustermgtd_conf))
    static_instance = next((i for i in instances), None)
    # The node whose instance Slurm does not know: clustermgtd looks it up in the table (as slurm_resume stored it).
    boto3_table = manager._table
    boto3_table.put_item(Item={"Id": "ondemand-st-c5-2", "InstanceId": static_instance.id if static_instance else "i-0",
                               "HeadNodePrivateIp": "10.0.0.5", "HeadNodeHostname": "ip-10-0-0-5"})
    unhealthy = [
        StaticNode("ondemand-st-c5-1", "10.0.0.9", "ondemand-st-c5-1", "DOWN+CLOUD", "ondemand", instance=static_instance),
        StaticNode("ondemand-st-c5-2", "10.0.0.10", "ondemand-st-c5-2", "DOWN+CLOUD", "ondemand"),
    ]
    futures = []

    def replace_static_nodes():
        executor = cluster_manager._task_executor
        queue = executor.queue_task

        def queue_and_keep(task):
            future = queue(task)
            futures.append(future)
            return future

        executor.queue_task = queue_and_keep
        cluster_manager._handle_unhealthy_static_nodes(unhealthy)
        concurrent.futures.wait([f for f in futures if f is not None], timeout=60)

    step("clustermgtd: static node replacement", replace_static_nodes,
         instance_manager=cluster_manager._instance_manager)
    cluster_manager.shutdown()

    step("slurm_suspend / clustermgtd: terminate", lambda: manager.delete_instances(
        [i.id for i in instances], terminate_batch_size=10))

    # slurm_fleet_status_manager, STOP_REQUESTED: partitions INACTIVE (Slurm) and every compute node terminated
    # (here the static nodes relaunched above).
    fsm_conf = _write(work, "parallelcluster_slurm_fleet_status_manager.conf", "\n".join([
        "[slurm_fleet_status_manager]", f"region = {w.region}", f"cluster_name = {w.cluster}",
        f"logging_config = {no_logging_config}", ""]))
    status_file = _write(work, "computefleet-status.json", json.dumps({"status": "STOP_REQUESTED"}))
    step("slurm_fleet_status_manager: STOP_REQUESTED", lambda: fsm._manage_fleet_status_transition(
        fsm.SlurmFleetManagerConfig(fsm_conf), status_file), instance_manager=None)

    # slurm_suspend (SuspendProgram) on the head node, clustermgtd's heartbeat current: no AWS call.
    heartbeat = os.path.join(work, "clustermgtd_heartbeat")
    with open(heartbeat, "w") as f:
        f.write(datetime.now(tz=timezone.utc).strftime(TIMESTAMP_FORMAT))
    suspend_conf = _write(work, "parallelcluster_slurm_suspend.conf", "\n".join([
        "[slurm_suspend]", f"clustermgtd_heartbeat_file_path = {heartbeat}", f"logging_config = {no_logging_config}",
        ""]))

    def run_suspend():
        argv, env = sys.argv, os.environ.get("CONFIG_FILE")
        sys.argv, os.environ["CONFIG_FILE"] = ["slurm_suspend", "ondemand-dy-c5-1"], suspend_conf
        try:
            suspend.main()
        finally:
            sys.argv = argv
            os.environ.pop("CONFIG_FILE")
            if env is not None:
                os.environ["CONFIG_FILE"] = env

    step("slurm_suspend (no AWS call)", run_suspend, instance_manager=None)

    # computemgtd on a compute node: clustermgtd's heartbeat has expired and Slurm has the node DOWN, so the
    # node terminates itself. Slurm and the shutdown are stubbed; its own files are real.
    with open(heartbeat, "w") as f:
        f.write((datetime.now(tz=timezone.utc) - timedelta(hours=1)).strftime(TIMESTAMP_FORMAT))
    nodename = _write(work, "slurm_nodename", "ondemand-st-c5-1")
    computemgtd_conf = _write(work, "parallelcluster_computemgtd.conf", "\n".join([
        "[computemgtd]", f"region = {w.region}", f"cluster_name = {w.cluster}",
        f"clustermgtd_heartbeat_file_path = {heartbeat}", f"slurm_nodename_file = {nodename}",
        f"logging_config = {no_logging_config}", ""]))
    shutdowns = []

    class _OneLoop(Exception):
        pass

    def run_computemgtd():
        computemgtd._get_nodes_info_with_retry = lambda nodes: [
            StaticNode(nodes, "10.0.0.9", nodes, "DOWN+CLOUD", "ondemand")]
        computemgtd.run_command = lambda command, *args, **kwargs: shutdowns.append(command)
        computemgtd.time = types.SimpleNamespace(sleep=lambda seconds: None)

        def stop(*args, **kwargs):
            raise _OneLoop()

        computemgtd.sleep_remaining_loop_time = stop
        try:
            computemgtd._run_computemgtd(computemgtd_conf)
        except _OneLoop:
            pass
        if shutdowns != ["sudo shutdown -h now"]:
            raise RuntimeError(f"computemgtd did not terminate its node: {shutdowns}")

    step("computemgtd: self-termination (no AWS call)", run_computemgtd, role="computeNode", instance_manager=None)
    shutil.rmtree(work, ignore_errors=True)
    recorder.hooks.pop(("ec2", "RunInstances"))

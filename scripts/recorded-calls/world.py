"""What exists in the account before ParallelCluster runs, created in moto (not recorded).

Network, key pair, the node roles the configuration names (as a user of this library passes them), an EFS and
an FSx file system, ParallelCluster's official AMI (owned by `amazon`), and the parent image of the build.
Also stands in for what the cluster and image stacks would create where moto cannot deploy them
(`stand_in_cluster`, `stand_in_image`): the head node and a compute node with their tags, the cluster's
DynamoDB table, log groups and streams, the hosted zone, the built AMI with its tags.
"""
import json
import os
import string
import time

import boto3

VERSION = "3.16.1"


class World:
    def __init__(self, account, region, cluster, image):
        self.account = account
        self.region = region
        self.cluster = cluster
        self.image = image
        self.ids = {}
        self.ec2 = boto3.client("ec2", region_name=region)

    # ---- before pcluster ----
    def create(self):
        ec2 = self.ec2
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/20", AvailabilityZone=f"{self.region}a")["Subnet"]["SubnetId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
        sg = ec2.create_security_group(GroupName="hpc", Description="hpc", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": sg}]},
            {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
        ec2.create_key_pair(KeyName="hpc-admin")
        iam = boto3.client("iam")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        roles = {}
        for key, name in (("HeadNodeRoleArn", "HeadNode"), ("ComputeNodeRoleArn", "ComputeNode"),
                          ("LoginNodeRoleArn", "LoginNode"), ("ImageRoleArn", "ImageInstance"),
                          ("ImageCleanupRoleArn", "ImageCleanup")):
            roles[key] = iam.create_role(RoleName=f"ParallelClusterIam-{name}", Path="/parallelcluster/",
                                         AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        efs = boto3.client("efs", region_name=self.region)
        fs = efs.create_file_system(CreationToken="home", Encrypted=True)["FileSystemId"]
        efs.create_mount_target(FileSystemId=fs, SubnetId=subnet, SecurityGroups=[sg])
        fsx = boto3.client("fsx", region_name=self.region)
        fsx_id = fsx.create_file_system(FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=[subnet],
                                        SecurityGroupIds=[sg],
                                        LustreConfiguration={"DeploymentType": "PERSISTENT_2",
                                                             "PerUnitStorageThroughput": 125})["FileSystem"]["FileSystemId"]
        fsx_id = self._rekey_fsx(fsx_id)
        official = self._register_ami(f"aws-parallelcluster-{VERSION}-amzn2023-hvm-x86_64-202611010000 2026-11-01T00-00-00.000Z", owner="amazon")
        parent = self._register_ami("genomics-base-alinux2023", owner=None)
        self.ids.update({"VpcId": vpc, "SubnetId": subnet, "SecurityGroupId": sg, "EfsId": fs, "FsxId": fsx_id,
                         "OfficialAmi": official, "ParentAmi": parent, **roles})

    def _rekey_fsx(self, fsx_id):
        """moto's FSx IDs are 8 hex digits; ParallelCluster's schema wants AWS's 17."""
        from moto.fsx.models import fsx_backends

        backend = fsx_backends[self.account][self.region]
        fs = backend.file_systems.pop(fsx_id)
        fs.file_system_id = "fs-0123456789abcdef1"
        backend.file_systems[fs.file_system_id] = fs
        return fs.file_system_id

    def _register_ami(self, name, owner):
        ec2 = self.ec2
        reservation = ec2.run_instances(ImageId=self._any_moto_ami(), MinCount=1, MaxCount=1, InstanceType="t3.micro")
        instance = reservation["Instances"][0]["InstanceId"]
        ami = ec2.create_image(InstanceId=instance, Name=name)["ImageId"]
        ec2.terminate_instances(InstanceIds=[instance])
        if owner:
            from moto.ec2.models import ec2_backends

            image = ec2_backends[self.account][self.region].amis[ami]
            image.owner_alias = owner
        return ami

    def _any_moto_ami(self):
        # From moto's EC2 backend, not through the API: describe_images serializes every Amazon image moto knows
        # (thousands) into its response, which took a quarter of the recording's time. The backend gives the same
        # first image, by the same filters, in the same order.
        from moto.ec2.models import ec2_backends

        images = ec2_backends[self.account][self.region].describe_images(owners=["amazon"], filters={"architecture": ["x86_64"]})
        return images[0].id

    def render(self, path, target):
        """The configuration file at `path` with the world's IDs in, written to `target`."""
        with open(path) as f:
            text = string.Template(f.read()).substitute(self.ids)
        with open(target, "w") as f:
            f.write(text)
        return target

    # ---- what the cluster stack would have created ----
    def stand_in_cluster(self, stack_id):
        """Head node, a compute and a login node, table, log group, hosted zone, tagged as the stack would tag them."""
        ec2 = self.ec2
        cluster = self.cluster
        common = [{"Key": "parallelcluster:cluster-name", "Value": cluster},
                  {"Key": "parallelcluster:version", "Value": VERSION},
                  {"Key": "aws:cloudformation:stack-name", "Value": cluster},
                  {"Key": "aws:cloudformation:stack-id", "Value": stack_id}]

        def launch(node_type, extra, count=1):
            tags = common + [{"Key": "parallelcluster:node-type", "Value": node_type},
                             {"Key": "Name", "Value": node_type}] + extra
            return [i["InstanceId"] for i in ec2.run_instances(
                ImageId=self.ids["OfficialAmi"], MinCount=count, MaxCount=count, InstanceType="c5.xlarge",
                SubnetId=self.ids["SubnetId"],
                TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])["Instances"]]

        head = launch("HeadNode", [])[0]
        compute = launch("Compute", [{"Key": "parallelcluster:queue-name", "Value": "ondemand"},
                                     {"Key": "parallelcluster:compute-resource-name", "Value": "c5"}])[0]
        login = launch("LoginNode", [{"Key": "parallelcluster:login-nodes-pool", "Value": "login"}])[0]
        ddb = boto3.client("dynamodb", region_name=self.region)
        ddb.create_table(TableName=f"parallelcluster-{cluster}", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
                         Tags=[{"Key": "parallelcluster:cluster-name", "Value": cluster}])
        self.set_fleet_status("RUNNING")
        logs = boto3.client("logs", region_name=self.region)
        stack = boto3.client("cloudformation", region_name=self.region).describe_stacks(StackName=cluster)["Stacks"][0]
        group = next(p["ParameterValue"] for p in stack["Parameters"] if p["ParameterKey"] == "ClusterCWLogGroup")
        logs.create_log_group(logGroupName=group, tags={"parallelcluster:cluster-name": cluster})
        stream = f"ip-10-0-0-1.{head}.slurmctld"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "slurmctld started"}])
        r53 = boto3.client("route53", region_name=self.region)
        zone = r53.create_hosted_zone(Name=f"{cluster}.pcluster.", CallerReference="hpc",
                                      HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": self.region, "VPCId": self.ids["VpcId"]})["HostedZone"]["Id"].split("/")[-1]
        self.ids.update({"ClusterLogStream": stream, "HeadNodeId": head, "ComputeId": compute, "LoginId": login, "ClusterLogGroup": group,
                         "HostedZoneId": zone})
        return {"head": head, "compute": compute, "login": login, "log_group": group, "zone": zone, "stream": stream}

    def set_fleet_status(self, status):
        boto3.client("dynamodb", region_name=self.region).put_item(
            TableName=f"parallelcluster-{self.cluster}", Item={"Id": {"S": "COMPUTE_FLEET"}, "Data": {"M": {
                "status": {"S": status}, "lastStatusUpdatedTime": {"S": "2026-12-01 00:00:00.000000+00:00"}}}})

    def set_stack_status(self, status):
        """moto leaves an updated stack in UPDATE_IN_PROGRESS; CloudFormation would finish it."""
        from moto.cloudformation.models import cloudformation_backends

        for stack in cloudformation_backends[self.account][self.region].stacks.values():
            if stack.name == self.cluster and stack.status != "DELETE_COMPLETE":
                stack.status = status

    def export_bucket(self):
        """The user's own bucket for export-*-logs (not a parallelcluster-* bucket)."""
        if "ExportBucket" not in self.ids:
            s3 = boto3.client("s3", region_name=self.region)
            s3.create_bucket(Bucket="hpc-log-exports")
            self.ids["ExportBucket"] = "hpc-log-exports"
        return self.ids["ExportBucket"]

    # ---- what the image stack would have created ----
    def stand_in_image(self, bucket, image_dir):
        """The built AMI, tagged as ParallelCluster's image test phase tags it, and the build's log group."""
        ec2 = self.ec2
        ami = self._register_ami(f"{self.image} 2026-12-01T00-00-00.000Z", owner=None)
        ec2.create_tags(Resources=[ami], Tags=[
            {"Key": "parallelcluster:image_id", "Value": self.image},
            {"Key": "parallelcluster:image_name", "Value": "genomics-alinux2023"},
            {"Key": "parallelcluster:version", "Value": VERSION},
            {"Key": "parallelcluster:build_config", "Value": f"s3://{bucket}/{image_dir}/configs/image-config.yaml"},
            {"Key": "parallelcluster:build_log", "Value": f"arn:aws:logs:{self.region}:{self.account}:log-group:/aws/imagebuilder/ParallelClusterImage-{self.image}"},
            {"Key": "parallelcluster:s3_bucket", "Value": bucket},
            {"Key": "parallelcluster:s3_image_dir", "Value": image_dir},
            {"Key": "parallelcluster:os", "Value": "alinux2023"},
            {"Key": "parallelcluster:build_status", "Value": "available"},
        ])
        logs = boto3.client("logs", region_name=self.region)
        group = f"/aws/imagebuilder/ParallelClusterImage-{self.image}"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=f"{VERSION}/1")
        logs.put_log_events(logGroupName=group, logStreamName=f"{VERSION}/1",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "build started"}])
        self.ids["BuiltAmi"] = ami
        return ami


def env_path(name):
    return os.path.join(os.environ.get("TMPDIR", "/tmp"), name)

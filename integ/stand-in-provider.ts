/**
 * The stand-in for ParallelCluster's custom resource provider in the cluster deploy test
 * (integ/cluster-deploy.test.ts, docs/deploy-test.md): a local HTTP server that
 *
 * - gives the stand-in provider template (`template()`), which the test puts where the emulator reads
 *   ParallelCluster's (integ/cluster-deploy.test.ts). It takes the same parameters (`CustomLambdaRole`,
 *   `AdditionalIamPolicies`, `CustomBucket`) and gives the same outputs (`ServiceToken`, `LogGroupArn`,
 *   `LambdaLayerArn`); its ServiceToken is an SNS topic with this server as HTTP subscriber;
 * - confirms that subscription, records each custom resource request the emulator publishes to the topic
 *   (integ/emulator.py), and answers it at its pre-signed ResponseURL with the attributes ParallelCluster's
 *   provider returns: the flattened `describe-cluster` output (the names of the 3.16.1 wheel's
 *   DescribeClusterResponseContent, EC2Instance and LoginNodesPool models) and `validationMessages`.
 *
 * It proves CloudFormation's wiring of the cluster stack, not ParallelCluster.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

/** One request the provider received, as CloudFormation sends it, with what the test looks at when it came. */
export interface RecordedRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, any>;
  readonly OldResourceProperties?: Record<string, any>;
  /** What `onRequest` returned for this request (e.g. which resources still existed). */
  readonly observed?: any;
}

/** The attributes the stand-in answers with for a cluster (what `Fn::GetAtt` reads). */
export function standInAttributes(clusterName: string, requestType: string, stackId: string): Record<string, string> {
  const [, partition, , region, account] = stackId.split(':');
  return {
    'clusterName': clusterName,
    'region': region,
    'version': '3.16.1',
    'clusterStatus': requestType === 'Update' ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    'cloudFormationStackStatus': requestType === 'Update' ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    'cloudformationStackArn': `arn:${partition}:cloudformation:${region}:${account}:stack/${clusterName}/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
    'computeFleetStatus': 'RUNNING',
    'scheduler.type': 'slurm',
    'headNode.instanceId': 'i-0123456789abcdef0',
    'headNode.instanceType': 'm6i.xlarge',
    'headNode.state': 'running',
    'headNode.privateIpAddress': '10.0.1.23',
    'loginNodes.0.poolName': 'login',
    'loginNodes.0.status': 'active',
    'loginNodes.0.address': `${clusterName}-login-0123456789.elb.${region}.amazonaws.com`,
    'validationMessages': '[]',
  };
}

export class StandInProvider {
  /** The requests received, in order. */
  public readonly requests: RecordedRequest[] = [];
  /** Problems the server met (a failed confirmation or answer); the test asserts there are none. */
  public readonly errors: string[] = [];
  private readonly server: http.Server;
  private readonly pending = new Set<Promise<void>>();

  /**
   * @param onRequest called with each request before it is answered; what it returns is recorded as `observed`.
   */
  constructor(private readonly onRequest: (request: RecordedRequest) => Promise<any> = async () => undefined) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const work = this.handle(req, Buffer.concat(chunks).toString('utf8'), res)
          .catch((e) => {
            this.errors.push(String(e?.stack ?? e));
            if (!res.headersSent) {
              res.writeHead(500).end();
            }
          });
        this.pending.add(work);
        void work.finally(() => this.pending.delete(work));
      });
    });
  }

  /** Starts listening on a free loopback port. */
  public async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  public async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The stand-in provider template: ParallelCluster's parameters and outputs, an SNS topic as ServiceToken. */
  public template(): any {
    return {
      Description: 'Stand-in for ParallelCluster\'s custom resource provider (integ/stand-in-provider.ts)',
      Parameters: {
        CustomLambdaRole: { Type: 'String', Default: '' },
        AdditionalIamPolicies: { Type: 'String', Default: '' },
        CustomBucket: { Type: 'String', Default: '' },
      },
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic' },
        Subscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'http', Endpoint: `${this.url}/events` },
        },
      },
      Outputs: {
        ServiceToken: { Value: { Ref: 'Topic' } },
        LogGroupArn: { Value: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/pcluster-cfn-stand-in' } },
        LambdaLayerArn: { Value: { 'Fn::Sub': 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:PCLayer-stand-in:1' } },
        // Not an output of ParallelCluster's template: lets the test read the role the provider was given.
        CustomLambdaRole: { Value: { Ref: 'CustomLambdaRole' } },
      },
    };
  }

  private async handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/events') {
      res.writeHead(404).end();
      return;
    }
    const message = JSON.parse(body);
    // SNS waits for the answer to its HTTP POST; the custom resource's answer goes to the ResponseURL.
    res.writeHead(200).end();
    if (message.Type === 'SubscriptionConfirmation') {
      // The emulator names its default external host in SubscribeURL (localhost.localstack.cloud:4566), not
      // the address it listens on: confirm through the endpoint the test talks to.
      const subscribe = new URL(message.SubscribeURL);
      const confirm = await fetch(`${process.env.AWS_ENDPOINT_URL}${subscribe.pathname}${subscribe.search}`);
      if (!confirm.ok) {
        throw new Error(`confirming the SNS subscription failed: ${confirm.status} ${await confirm.text()}`);
      }
      return;
    }
    if (message.Type !== 'Notification') {
      return;
    }
    const request = JSON.parse(message.Message) as RecordedRequest;
    const observed = await this.onRequest(request);
    this.requests.push({ ...request, observed });
    const clusterName = String(request.ResourceProperties.ClusterName);
    const answer = {
      Status: 'SUCCESS',
      // The stand-in uses the cluster's name as physical id.
      PhysicalResourceId: request.PhysicalResourceId ?? clusterName,
      StackId: request.StackId,
      RequestId: request.RequestId,
      LogicalResourceId: request.LogicalResourceId,
      Data: request.RequestType === 'Delete' ? {} : standInAttributes(clusterName, request.RequestType, request.StackId),
    };
    const put = await fetch(request.ResponseURL, { method: 'PUT', body: JSON.stringify(answer), headers: { 'Content-Type': '' } });
    if (!put.ok) {
      throw new Error(`answering ${request.RequestType} at its ResponseURL failed: ${put.status} ${await put.text()}`);
    }
  }
}

import * as fs from 'fs';
import * as path from 'path';
import { RequestContext, actionResourceTypeContextKeys, isWildcardOnlyAction } from './simulate';
import { TestEnvironment } from './stacks';

/*
 * The RECORDED CALLS (issue 19): every AWS call the real `pcluster` 3.16.1 CLI (and the node daemons of
 * aws-parallelcluster-node 3.16.1) made in-process against moto, recorded by scripts/recorded-calls/record.py
 * into test/fixtures/recorded-calls.json, each mapped to the IAM requests it needs (action, resource, the
 * tags and context it carries). Unlike the hand matrix (pcluster-calls.ts), these rows are not written by
 * anyone: they are what ParallelCluster's own code did. This module reads them and fills in the
 * placeholders the recorder normalized (partition, region, account, role ARNs, IDs) for one environment.
 */

export const RECORDED_CALLS_FIXTURE = path.join(__dirname, '..', 'fixtures', 'recorded-calls.json');

/** The cluster and image names the recorder used (renamed to test another cluster's resources). */
export const RECORDED_CLUSTER = 'hpc-prod';
export const RECORDED_IMAGE = 'hpc-image-1';

/** Who made a recorded call. */
export type RecordedRole = 'user' | 'headNode' | 'computeNode' | 'loginNode';

/** One IAM request of the recording (placeholders not yet filled in). */
export interface RecordedRequest {
  readonly role: RecordedRole;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** The recorded commands (or daemon paths) that made it. */
  readonly steps: string[];
}

export interface RecordedCommand {
  readonly step: string;
  readonly role: RecordedRole;
  readonly calls: number;
  /** `ok`, or `error: <message>` (moto's limits, see the fixture's validatorErrors and docs/proof.md). */
  readonly outcome: string;
}

export interface RecordedCall {
  readonly role: RecordedRole;
  readonly step: string;
  readonly service: string;
  readonly operation: string;
  readonly params: unknown;
  readonly error?: string;
  readonly iamMapError?: string;
}

export interface Recording {
  readonly commands: RecordedCommand[];
  readonly validatorErrors: Array<{ step: string; validator: string; message: string }>;
  readonly calls: RecordedCall[];
  readonly requests: RecordedRequest[];
}

let cached: Recording | undefined;

/** The committed recording. */
export function recording(): Recording {
  cached ??= JSON.parse(fs.readFileSync(RECORDED_CALLS_FIXTURE, 'utf-8')) as Recording;
  return cached;
}

/** ARNs of the roles the recorder's configuration named (the library's roles stand in for them). */
export interface RecordedRoleArns {
  readonly headNode: string;
  readonly computeNode: string;
  readonly loginNode: string;
  readonly imageInstance: string;
  readonly imageCleanup: string;
}

export interface FillOptions {
  readonly env: TestEnvironment;
  readonly roleArns: RecordedRoleArns;
  /** Aim the request at another cluster: every `hpc-prod` renamed (images are not the cluster's: kept). */
  readonly otherCluster?: string;
}

/** A recorded request made concrete for one environment. */
export interface ConcreteRequest {
  readonly role: RecordedRole;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  readonly steps: string[];
  /** The request as recorded (placeholders kept): names it in failure lists and KNOWN_DENIED. */
  readonly recorded: RecordedRequest;
}

// IDs moto made, as normalized by scripts/recorded-calls/normalize.py, and their stand-ins here.
const STAND_INS: Array<[RegExp, string]> = [
  [/<uuid>/g, '0a1b2c3d-1111-2222-3333-444455556666'],
  [/-<id>/g, '-0123456789abcdef0'],
  [/<stamp>/g, '202612011200'],
  [/<random>/g, 'abcdefghij012345'],
  [/<hash>/g, '0123456789abcdef'],
  [/<zone>/g, 'Z0123456789ABCDEFGHIJ'],
  [/<time>/g, '2026-12-01T12:00:00Z'],
];

function fill(value: string, opts: FillOptions, names: Record<string, string>): string {
  let s = value.replace(/\$\{(\w+)\}/g, (whole, name: string) => names[name] ?? whole);
  for (const [pattern, replacement] of STAND_INS) {
    s = s.replace(pattern, replacement);
  }
  if (opts.otherCluster) {
    s = s.split(RECORDED_CLUSTER).join(opts.otherCluster);
  }
  return s;
}

/**
 * The recording's IAM requests for `env`: placeholders filled in, context keys that IAM does not set for
 * the action dropped (the recorder adds every tag it knows), the resource `*` for wildcard-only actions.
 */
export function recordedRequests(opts: FillOptions, requests: RecordedRequest[] = recording().requests): ConcreteRequest[] {
  const { env, roleArns } = opts;
  const roleName = (arn: string) => arn.split('/').pop()!;
  const names: Record<string, string> = {
    Partition: env.partition,
    Region: env.region,
    Account: env.account,
    HeadNodeRoleArn: roleArns.headNode,
    ComputeNodeRoleArn: roleArns.computeNode,
    LoginNodeRoleArn: roleArns.loginNode,
    ImageRoleArn: roleArns.imageInstance,
    ImageCleanupRoleArn: roleArns.imageCleanup,
    HeadNodeRoleName: roleName(roleArns.headNode),
    ComputeNodeRoleName: roleName(roleArns.computeNode),
    LoginNodeRoleName: roleName(roleArns.loginNode),
    ImageRoleName: roleName(roleArns.imageInstance),
    ImageCleanupRoleName: roleName(roleArns.imageCleanup),
  };
  const idOf = (name: string) => name.endsWith('Id') || name.endsWith('Ami');
  return requests.map((r) => {
    const filled = (s: string) => fill(s, opts, new Proxy(names, {
      get: (target, key: string) => target[key] ?? (idOf(key) ? standInId(key) : undefined),
    }));
    const resource = isWildcardOnlyAction(r.action) ? '*' : filled(r.resource);
    const applies = actionResourceTypeContextKeys(r.action, resource);
    const context: RequestContext = {};
    for (const [key, value] of Object.entries(r.context)) {
      if (!applies(key) || (resource === '*' && /ResourceTag|ResourceAccount/.test(key))) {
        continue;
      }
      context[filled(key)] = Array.isArray(value) ? value.map(filled) : filled(value);
    }
    // The official AMI is Amazon's: pcluster looks it up with Owners=["amazon"] (pcluster/aws/ec2.py:311), and
    // EC2 gives a launch from it `ec2:Owner` = `amazon` (the recorder, against moto, does not set the key).
    if (r.resource.includes('image/${OfficialAmi}') && applies('ec2:Owner')) {
      context['ec2:Owner'] = 'amazon';
    }
    return { role: r.role, action: r.action, resource, context, steps: r.steps, recorded: r };
  });
}

/** A stable, AWS-shaped ID for a normalized name such as `SubnetId` or `OfficialAmi`. */
export function standInId(name: string): string {
  const prefix: Record<string, string> = {
    SubnetId: 'subnet',
    VpcId: 'vpc',
    SecurityGroupId: 'sg',
    EfsId: 'fs',
    FsxId: 'fs',
    OfficialAmi: 'ami',
    ParentAmi: 'ami',
    BuiltAmi: 'ami',
    HeadNodeId: 'i',
    ComputeId: 'i',
    LoginId: 'i',
    HostedZoneId: 'Z0123',
  };
  return `${prefix[name] ?? name.toLowerCase()}-0123456789abcdef${name.length % 10}`;
}

/** `action on resource context`, with the placeholders of the recording. */
export function describeRecorded(r: { action: string; resource: string; context: Record<string, unknown> }): string {
  const context = Object.keys(r.context).length > 0 ? ` ${JSON.stringify(r.context)}` : '';
  return `${r.action} on ${r.resource}${context}`;
}

import * as fs from 'fs';
import { join } from 'path';
import { App, Aws, CfnParameter, CfnResource, Fn, Lazy, Stack, Stage, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addFullestConfiguration, FULLEST_ACCOUNT, FULLEST_REGIONS } from '../../scripts/fullest-app';
import { ComputeNodeRole } from '../../src';
import { evaluateIntrinsics } from '../../src/private/intrinsics';
import { LibraryRole } from '../../src/private/library-role';
import { DEFAULT_IAM_PATH } from '../../src/private/pcluster-rules';
import {
  INLINE_POLICIES_PER_ROLE_QUOTA,
  LONGEST_PSEUDO_PARAMETERS,
  MANAGED_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICY_SIZE_QUOTA,
  UNKNOWN_REFERENCE_LENGTH,
  policyDocumentSize,
  policyDocumentSizeOf,
  policyJsonSize,
  statementSize,
  unresolvedJsonSize,
} from '../../src/private/policy-size';
import { SizedManagedPolicy, createSizedManagedPolicies } from '../../src/private/sized-policies';
import { TREE_PROPERTIES_CONTEXT } from '../../src/private/tree-properties';
import { validateIamPath, validateRoleName } from '../../src/private/validation';
import { AWS, AWS_CN, agnosticStack, stackIn } from '../support/stacks';

/* Unit tests of the private helpers the constructs are built on. */

describe('evaluateIntrinsics', () => {
  const pseudo = { 'AWS::Partition': 'aws-cn', 'AWS::Region': 'cn-north-1', 'AWS::AccountId': '111122223333' };
  const unknown = jest.fn((expression: any) => `<${JSON.stringify(expression)}>`);
  const evaluate = (value: any) => evaluateIntrinsics(value, pseudo, unknown);

  test('plain values pass through, objects and arrays are walked', () => {
    expect(evaluate('text')).toBe('text');
    expect(evaluate(42)).toBe(42);
    expect(evaluate(null)).toBeNull();
    expect(evaluate({ a: [{ Ref: 'AWS::Region' }, 'x'], b: { c: true } })).toEqual({ a: ['cn-north-1', 'x'], b: { c: true } });
    expect(unknown).not.toHaveBeenCalled();
  });

  test('Ref: pseudo parameters from the table, anything else from the callback', () => {
    expect(evaluate({ Ref: 'AWS::Partition' })).toBe('aws-cn');
    expect(evaluate({ Ref: 'MyBucket' })).toBe('<{"Ref":"MyBucket"}>');
    expect(evaluate({ Ref: 'AWS::URLSuffix' })).toBe('<{"Ref":"AWS::URLSuffix"}>');
  });

  test('Fn::Join, Fn::Select and Fn::Split, nested', () => {
    expect(evaluate({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] }))
      .toBe('arn:aws-cn:iam::111122223333:root');
    expect(evaluate({ 'Fn::Select': [1, { 'Fn::Split': ['-', 'a-b-c'] }] })).toBe('b');
    expect(evaluate({ 'Fn::Join': ['/', [{ 'Fn::Select': [0, ['x', 'y']] }, { 'Fn::GetAtt': ['Role', 'Arn'] }]] }))
      .toBe('x/<{"Fn::GetAtt":["Role","Arn"]}>');
    // A list that is itself unknown cannot be joined: the whole expression goes to the callback.
    expect(evaluate({ 'Fn::Join': [',', { Ref: 'ListParameter' }] })).toBe('<{"Fn::Join":[",",{"Ref":"ListParameter"}]}>');
  });

  test('Fn::Sub of pseudo parameters and references', () => {
    expect(evaluate({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/x' })).toBe('arn:aws-cn:s3:::<{"Ref":"Bucket"}>/x');
    expect(evaluate({ 'Fn::Sub': ['${X}', { X: 'y' }] })).toBe('<{"Fn::Sub":["${X}",{"X":"y"}]}>');
  });

  test.each(['Fn::GetAtt', 'Fn::ImportValue', 'Fn::If', 'Fn::FindInMap', 'Fn::GetAZs', 'Fn::Base64'])('%s goes to the callback', (fn) => {
    expect(evaluate({ [fn]: ['a', 'b'] })).toBe(`<${JSON.stringify({ [fn]: ['a', 'b'] })}>`);
  });

  test('what a CDK stack renders evaluates to plain ARNs', () => {
    const stack = agnosticStack();
    const arn = stack.resolve(stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'parallelcluster/*' }));
    expect(evaluate(arn)).toBe('arn:aws-cn:iam::111122223333:role/parallelcluster/*');
    expect(evaluate(stack.resolve(Fn.join(':', [Aws.PARTITION, Aws.REGION])))).toBe('aws-cn:cn-north-1');
  });
});

describe('policy sizes', () => {
  test('the quotas of the IAM and STS quotas page', () => {
    expect([MANAGED_POLICY_SIZE_QUOTA, MANAGED_POLICIES_PER_ROLE_QUOTA, INLINE_POLICIES_PER_ROLE_QUOTA]).toEqual([6144, 10, 10240]);
  });

  test('the longest pseudo parameters of every partition', () => {
    expect(LONGEST_PSEUDO_PARAMETERS).toEqual({
      'AWS::Partition': 'aws-us-gov',
      'AWS::Region': 'us-isof-south-1',
      'AWS::AccountId': '123456789012',
      'AWS::URLSuffix': 'amazonaws.com.cn',
      'AWS::NoValue': '',
    });
  });

  test('whitespace does not count; tokens count at their longest', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] };
    const compact = JSON.stringify(doc).length;
    expect(policyJsonSize(doc)).toBe(compact);
    expect(policyJsonSize(JSON.parse(JSON.stringify(doc, null, 4)))).toBe(compact);
    const withSpaces = { ...doc, Statement: [{ ...doc.Statement[0], Sid: 'A B' }] };
    expect(policyJsonSize(withSpaces)).toBe(JSON.stringify(withSpaces).length - 1);
    const tokenized = { Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }]] } };
    expect(policyJsonSize(tokenized)).toBe(JSON.stringify({ Resource: `arn:aws-us-gov:s3:::${'x'.repeat(UNKNOWN_REFERENCE_LENGTH)}` }).length);
    expect(policyJsonSize(undefined)).toBe(2);
  });

  test('policyDocumentSize resolves a document of the stack the same way in every environment', () => {
    const sizes = [stackIn(AWS), stackIn(AWS_CN), agnosticStack()].map((stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      return policyDocumentSize(stack, new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*'), stack.formatArn({ service: 'sns', resource: 'x' })] })],
      }));
    });
    // Only the stack's concrete region and account differ: the agnostic stack is sized at the longest values.
    expect(sizes[2]).toBeGreaterThanOrEqual(sizes[0]);
    expect(sizes[2]).toBeGreaterThanOrEqual(sizes[1]);
    expect(sizes[0]).toBeGreaterThan(UNKNOWN_REFERENCE_LENGTH);
  });
});

describe('sizing statement by statement', () => {
  test("a document's size is its statements' sizes in the document's envelope, tokens and all", () => {
    const stack = agnosticStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    const statements = [
      new iam.PolicyStatement({ sid: 'A', actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }),
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [stack.formatArn({ service: 'sns', resource: 'topic x' })] }),
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        notActions: ['iam:*'],
        notResources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': [Aws.REGION, 'us-east-1'] } },
      }),
      new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] }),
    ];
    for (let n = 0; n <= statements.length; n++) {
      const part = statements.slice(0, n);
      expect(policyDocumentSizeOf(part.map((st) => statementSize(stack, st))))
        .toBe(policyDocumentSize(stack, new iam.PolicyDocument({ statements: part })));
    }
  });

  test('createSizedManagedPolicies resolves each token once, not each statement, however many policies it splits them into', () => {
    const stack = stackIn(AWS);
    const statements = Array.from({ length: 30 }, (_, i) => new iam.PolicyStatement({
      sid: `S${i}`, actions: ['s3:GetObject'], resources: Array.from({ length: 20 }, (__, r) => stack.formatArn({ service: 's3', region: '', account: '', resource: `b-${i}-${r}` })),
    }));
    const resolve = jest.spyOn(stack, 'resolve');
    const policies = createSizedManagedPolicies(stack, 'Policy', 'd', statements);
    expect(policies.length).toBeGreaterThan(2);
    // The partition, the one token of 600 ARNs.
    expect(resolve).toHaveBeenCalledTimes(1);
    resolve.mockRestore();
  });

  test('sizing the unresolved JSON gives the size of the resolved JSON, for every statement of the fullest configuration in every partition', () => {
    const stacks = [...FULLEST_REGIONS.map((region) => new Stack(new App(), 'Fullest', { env: { account: FULLEST_ACCOUNT, region } })),
      new Stack(new App(), 'Agnostic')];
    let compared = 0;
    for (const stack of stacks) {
      addFullestConfiguration(stack);
      const documents = stack.node.findAll().flatMap((c: any) => [c.document, c.assumeRolePolicy])
        .filter((d): d is iam.PolicyDocument => d instanceof iam.PolicyDocument);
      for (const json of documents.flatMap((d) => d.toJSON()?.Statement ?? [])) {
        expect(unresolvedJsonSize(stack, json)).toBe(policyJsonSize(stack.resolve(json)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  test('sizing the unresolved JSON: tokens in keys, lists, numbers, objects, references and written-out intrinsics', () => {
    const app = new App();
    const stack = new Stack(app, 'Sized', { env: AWS });
    const other = new Stack(app, 'Other', { env: AWS });
    const bucket = new s3.Bucket(other, 'Bucket');
    const tag = new CfnParameter(stack, 'Tag').valueAsString;
    const statement = new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects('*'), `${stack.formatArn({ service: 's3', region: '', account: '', resource: 'b' })}/${tag}`, Fn.getAtt('X', 'Arn').toString()],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${Lazy.string({ produce: () => 'Name' })}`]: Fn.split(',', tag), 'aws:PrincipalAccount': Lazy.string({ produce: () => Aws.ACCOUNT_ID }) },
        NumericLessThan: { 's3:max-keys': Token.asNumber(Fn.ref('Max')) },
        StringLike: { 'aws:userid': Lazy.any({ produce: () => ['a', Aws.REGION] }) },
        Bool: { 'aws:SecureTransport': { 'Fn::If': ['C', 'true', 'false'] } },
      },
    });
    const json = statement.toStatementJson();
    expect(unresolvedJsonSize(stack, json)).toBe(policyJsonSize(stack.resolve(json)));
    expect(unresolvedJsonSize(stack, json)).toBeGreaterThan(3 * UNKNOWN_REFERENCE_LENGTH);
    // A key that resolves to a reference is refused, as the template would be.
    const refused = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], conditions: { StringEquals: { [`aws:ResourceTag/${tag}`]: 'x' } } });
    expect(() => unresolvedJsonSize(stack, refused.toStatementJson())).toThrow(/is used as the key in a map so must resolve to a string/);
  });
});

describe('createSizedManagedPolicies', () => {
  const statement = (i: number, resources = 1) => new iam.PolicyStatement({
    sid: `S${i}`,
    actions: ['s3:GetObject'],
    resources: Array.from({ length: resources }, (_, r) => `arn:aws:s3:::bucket-number-${i}-${r}/*`),
  });

  test('one policy, with the given id and description, when the statements fit', () => {
    const stack = stackIn(AWS);
    const policies = createSizedManagedPolicies(stack, 'Policy', 'Reads buckets', [statement(1), statement(2)]);
    expect(policies.map((p) => p.node.id)).toEqual(['Policy']);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Reads buckets',
      PolicyDocument: { Statement: [{ Sid: 'S1' }, { Sid: 'S2' }] },
    });
  });

  test('splits in order into Policy, Policy2, ... each within the quota', () => {
    const stack = stackIn(AWS);
    const statements = Array.from({ length: 30 }, (_, i) => statement(i, 20));
    const policies = createSizedManagedPolicies(stack, 'Policy', 'Reads buckets', statements);
    expect(policies.length).toBeGreaterThan(2);
    expect(policies.map((p) => p.node.id)).toEqual(policies.map((_, i) => (i === 0 ? 'Policy' : `Policy${i + 1}`)));
    const template = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    const docs = policies.map((p) => template[stack.getLogicalId(p.node.defaultChild as iam.CfnManagedPolicy)].Properties);
    expect(docs.map((d) => d.Description)).toEqual(policies.map((_, i) => `Reads buckets (part ${i + 1} of ${policies.length})`));
    expect(docs.flatMap((d) => d.PolicyDocument.Statement.map((s: any) => s.Sid))).toEqual(statements.map((s) => s.sid));
    for (const d of docs) {
      expect(policyJsonSize(d.PolicyDocument)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_QUOTA);
    }
    // Packed: each part but the last would overflow with the next statement.
    for (let i = 0; i < docs.length - 1; i++) {
      const next = { ...docs[i].PolicyDocument, Statement: [...docs[i].PolicyDocument.Statement, docs[i + 1].PolicyDocument.Statement[0]] };
      expect(policyJsonSize(next)).toBeGreaterThan(MANAGED_POLICY_SIZE_QUOTA);
    }
  });

  test('a statement larger than the quota on its own is an error naming it and the fix', () => {
    const stack = stackIn(AWS);
    expect(() => createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1), statement(2, 200)]))
      .toThrow(/Statement 'S2' of TestStack is \d+ characters long once its ARNs are resolved, more than the 6144 characters IAM allows in one managed policy\..*pass fewer of them/);
  });

  test('statements added after creation are checked at synthesis', () => {
    const stack = stackIn(AWS);
    const [policy] = createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1)]);
    expect(() => Template.fromStack(stack)).not.toThrow();
    for (let i = 2; i < 12; i++) policy.addStatements(statement(i, 20));
    expect(() => Stage.of(stack)!.synth({ force: true }))
      .toThrow(/Managed policy TestStack\/Policy is \d+ characters long once its ARNs are resolved, more than the 6144 characters IAM allows\..*attach them in a policy of your own/);
  });

  test("a policy's document is rendered once per synthesis (validation, template and tree metadata), and again after a change", () => {
    const stack = stackIn(AWS);
    const [policy] = createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1), statement(2)]);
    const render = jest.spyOn(policy.document, 'resolve');
    const app = Stage.of(stack)!;
    const first = app.synth().getStackByName(stack.stackName).template.Resources;
    // The reference search sees the document itself (its tokens), then it is rendered once.
    const rendersPerSynthesis = render.mock.calls.filter(([context]) => !context.preparing).length;
    expect(rendersPerSynthesis).toBe(1);
    policy.addStatements(statement(3));
    const second = app.synth({ force: true }).getStackByName(stack.stackName).template.Resources;
    const sids = (resources: any) => Object.values(resources)
      .flatMap((r: any) => (r.Properties?.PolicyDocument?.Statement ?? []).map((x: any) => x.Sid));
    expect(sids(first)).toEqual(['S1', 'S2']);
    expect(sids(second)).toEqual(['S1', 'S2', 'S3']);
    render.mockRestore();
  });

  test("a library role's trust policy is rendered once per synthesis, and again after a change", () => {
    const stack = stackIn(AWS);
    const role = new ComputeNodeRole(stack, 'Compute').role as LibraryRole;
    const render = jest.spyOn(role.assumeRolePolicy!, 'resolve');
    const app = Stage.of(stack)!;
    const trust = (resources: any) => Object.values(resources).find((r: any) => r.Type === 'AWS::IAM::Role') as any;
    const first = trust(app.synth().getStackByName(stack.stackName).template.Resources);
    expect(render.mock.calls.filter(([context]) => !context.preparing).length).toBe(1);
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal('444455556666')] }));
    const second = trust(app.synth({ force: true }).getStackByName(stack.stackName).template.Resources);
    expect(first.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(second.Properties.AssumeRolePolicyDocument.Statement).toHaveLength(2);
    render.mockRestore();
  });

  test("with the tree-properties context, tree.json holds each library policy's and trust policy's document as the template does", () => {
    const stack = stackIn(AWS);
    stack.node.setContext(TREE_PROPERTIES_CONTEXT, true);
    new ComputeNodeRole(stack, 'Compute');
    createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1), statement(2)]);
    const assembly = Stage.of(stack)!.synth();
    const resources = assembly.getStackByName(stack.stackName).template.Resources;
    const tree = JSON.parse(fs.readFileSync(join(assembly.directory, 'tree.json'), 'utf-8'));
    const inTree = (element: CfnResource): any => element.node.scopes.slice(1)
      .reduce((node, scope) => node.children[scope.node.id], tree.tree).attributes['aws:cdk:cloudformation:props'];
    const documents = stack.node.findAll().filter(CfnResource.isCfnResource).flatMap((element) => {
      const inTemplate = resources[stack.resolve(element.logicalId)].Properties;
      if (element.cfnResourceType === 'AWS::IAM::ManagedPolicy') return [[inTree(element).policyDocument, inTemplate.PolicyDocument]];
      if (element.cfnResourceType === 'AWS::IAM::Role') return [[inTree(element).assumeRolePolicyDocument, inTemplate.AssumeRolePolicyDocument]];
      return [];
    });
    // The trust policy, the compute node policy and the two-statement policy.
    expect(documents.map(([, inTemplate]) => inTemplate.Statement.length).sort()).toEqual([1, 2, 5]);
    for (const [fromTree, inTemplate] of documents) expect(fromTree).toEqual(inTemplate);
  });

  test("overrides of a library policy's or trust policy's document reach the template", () => {
    const stack = stackIn(AWS);
    const compute = new ComputeNodeRole(stack, 'Compute');
    const [policy] = createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1), statement(2)]);
    (policy.node.defaultChild as iam.CfnManagedPolicy).addPropertyOverride('PolicyDocument.Statement.1.Sid', 'Overridden');
    (compute.role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Sid', 'Trust');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'S1' }), Match.objectLike({ Sid: 'Overridden' })] },
    });
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Sid: 'Trust' })] } });
  });

  test("a policy refers to another stack's resources through an export, as an iam.ManagedPolicy's does", () => {
    const stack = stackIn(AWS);
    const other = new Stack(Stage.of(stack)!, 'Other', { env: { account: AWS.account, region: AWS.region } });
    const role = new iam.Role(other, 'Elsewhere', { assumedBy: new iam.AccountRootPrincipal() });
    createSizedManagedPolicies(stack, 'Policy', 'd', [new iam.PolicyStatement({ sid: 'S', actions: ['iam:GetRole'], resources: [role.roleArn] })]);
    const assembly = Stage.of(stack)!.synth();
    const resources = Object.values(assembly.getStackByName(stack.stackName).template.Resources) as any[];
    const document = resources.find((r) => r.Type === 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument;
    expect(document.Statement[0].Resource).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Other:ExportsOutputFnGetAttElsewhere/) });
    expect(Object.keys(assembly.getStackByName('Other').template.Outputs ?? {})).toEqual([expect.stringMatching(/^ExportsOutputFnGetAttElsewhere/)]);
  });

  test("the reference search finds another stack's resources wherever a statement holds them: in a list, a condition, an ARN", () => {
    // The reference search gets only the document's tokens (tokensIn): each kind of place a token can take
    // in a statement must still give an export, as the whole document did.
    const stack = stackIn(AWS);
    const other = new Stack(Stage.of(stack)!, 'Other', { env: { account: AWS.account, region: AWS.region } });
    const bucket = new s3.CfnBucket(other, 'Bucket');
    const role = new iam.Role(other, 'Elsewhere', { assumedBy: new iam.AccountRootPrincipal() });
    const topics = new iam.CfnRole(other, 'Listed', { assumeRolePolicyDocument: {} });
    createSizedManagedPolicies(stack, 'Policy', 'd', [
      new iam.PolicyStatement({
        sid: 'S',
        actions: ['s3:GetObject'],
        resources: [`${bucket.attrArn}/*`],
        conditions: { StringEquals: { 'aws:ResourceTag/owner': [role.roleName, role.roleId] } },
      }),
      new iam.PolicyStatement({ sid: 'L', actions: ['iam:GetRole'], resources: Token.asList(Fn.split(',', topics.attrArn)) }),
    ]);
    const assembly = Stage.of(stack)!.synth();
    const exports = Object.keys(assembly.getStackByName('Other').template.Outputs ?? {});
    expect(exports).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ExportsOutputFnGetAttBucketArn/),
      expect.stringMatching(/^ExportsOutputFnGetAttListedArn/),
      expect.stringMatching(/^ExportsOutputRefElsewhere/),
      expect.stringMatching(/^ExportsOutputFnGetAttElsewhere[0-9A-F]*RoleId/),
    ]));
    expect(exports).toHaveLength(4);
    const resources = Object.values(assembly.getStackByName(stack.stackName).template.Resources) as any[];
    const document = JSON.stringify(resources.find((r) => r.Type === 'AWS::IAM::ManagedPolicy').Properties.PolicyDocument);
    expect(document.match(/Fn::ImportValue/g)).toHaveLength(4);
  });

  test('writes the resource iam.ManagedPolicy writes, with the same logical id, attached to a role by its ARN', () => {
    const ours = stackIn(AWS);
    const theirs = stackIn(AWS);
    const [policy] = createSizedManagedPolicies(ours, 'Policy', 'Reads buckets', [statement(1)]);
    const l2 = new iam.ManagedPolicy(theirs, 'Policy', { description: 'Reads buckets', document: new iam.PolicyDocument({ statements: [statement(1)] }) });
    new iam.Role(ours, 'Role', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [policy] });
    new iam.Role(theirs, 'Role', { assumedBy: new iam.AccountRootPrincipal(), managedPolicies: [l2] });
    expect(policy).not.toBeInstanceOf(iam.ManagedPolicy);
    expect(Template.fromStack(ours).toJSON()).toEqual(Template.fromStack(theirs).toJSON());
  });

  test("keeps iam.ManagedPolicy's checks of an identity policy", () => {
    const stack = stackIn(AWS);
    const [policy] = createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1)]);
    (policy as SizedManagedPolicy).addStatements(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new iam.AccountRootPrincipal()] }));
    expect(() => Stage.of(stack)!.synth({ force: true }))
      .toThrow(/A PolicyStatement used in an identity-based policy cannot specify any IAM principals/);
  });

  test('stays an iam.ManagedPolicy under iam.Role.customizeRoles, which changes what that synthesizes', () => {
    const stack = stackIn(AWS);
    iam.Role.customizeRoles(stack);
    const policies = createSizedManagedPolicies(stack, 'Policy', 'd', [statement(1)]);
    expect(policies[0]).toBeInstanceOf(iam.ManagedPolicy);
    expect(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).toEqual({});
  });

  test('sizes with the longest partition: a policy that fits in aws may not fit with aws-us-gov', () => {
    // 6,144 characters of ARNs with a 3-letter partition token; with 'aws-us-gov' (10 letters) they grow.
    const stack = agnosticStack();
    const arns = Array.from({ length: 150 }, (_, i) => stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `r${i}` }));
    const policies = createSizedManagedPolicies(stack, 'Policy', 'd', arns.map((arn, i) => new iam.PolicyStatement({ sid: `S${i}`, actions: ['iam:GetRole'], resources: [arn] })));
    const measured = policies.map((p) => policyDocumentSize(stack, p.document));
    expect(Math.max(...measured)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_QUOTA);
    const commercial = policies.map((p) => JSON.stringify(evaluateIntrinsics(stack.resolve(p.document.toJSON()),
      { 'AWS::Partition': 'aws', 'AWS::AccountId': '123456789012' }, () => 'x')).length);
    expect(commercial.every((size, i) => size < measured[i])).toBe(true);
  });
});

describe('validation', () => {
  test('the default cluster path', () => {
    expect(DEFAULT_IAM_PATH).toBe('/parallelcluster/');
    expect(() => validateIamPath('iamPath', DEFAULT_IAM_PATH, false)).not.toThrow();
  });

  test.each(['/a/', '/a/b/', '/a-b_c.d@e+f=g,h/', `/${'a'.repeat(510)}/`])('%j is a valid path', (path) => {
    expect(() => validateIamPath('p', path, false)).not.toThrow();
  });

  test.each([
    ['a/', 'is not a valid IAM path'],
    ['/a', 'is not a valid IAM path'],
    ['', 'is not a valid IAM path'],
    ['/a b/', 'is not a valid IAM path'],
    ['/a//', 'is not a valid IAM path'],
    ['//', 'is not a valid IAM path'],
    ['/\u00e9/', 'is not a valid IAM path'],
    [`/${'a'.repeat(511)}/`, 'is not a valid IAM path'],
    ['/a*/', 'contains a wildcard'],
    ['/a?/', 'contains a wildcard'],
  ])('%j: %s', (path, message) => {
    expect(() => validateIamPath('thePath', path, true)).toThrow(`thePath '${path}' ${message}`);
  });

  test('the root path only where allowed', () => {
    expect(() => validateIamPath('rolePath', '/', true)).not.toThrow();
    expect(() => validateIamPath('iamPath', '/', false)).toThrow(/iamPath '\/' would make every role in the account a cluster role/);
  });

  test('a token path is refused, whoever may allow it', () => {
    const token = Token.asString({ Ref: 'Path' });
    expect(() => validateIamPath('iamPath', token, true)).toThrow(/iamPath must be a literal string, got a token/);
  });

  test.each(['a', 'pcluster-admin', 'A+=,.@_-1', 'a'.repeat(64)])('role name %j is valid', (name) => {
    expect(() => validateRoleName('roleName', name)).not.toThrow();
  });

  test.each(['', 'a b', 'a/b', 'a:b', 'caf\u00e9', 'a'.repeat(65)])('role name %j is refused', (name) => {
    expect(() => validateRoleName('roleName', name)).toThrow(`roleName '${name}' is not a valid IAM role name: use 1 to 64 characters`);
  });

  test('no name and a token name are left to CloudFormation', () => {
    expect(() => validateRoleName('roleName', undefined)).not.toThrow();
    expect(() => validateRoleName('roleName', Token.asString({ Ref: 'Name' }))).not.toThrow();
  });
});

// One whole process of `npx projen bench`: the same template as synth-library.js wrote, written as raw L1
// resources (CfnRole, CfnManagedPolicy, CfnInstanceProfile) with its intrinsics as tokens, the way a
// hand-written stack would create them. It loads only what that template needs: aws-cdk-lib core and aws-iam.
// Usage: node synth-raw.js <template.json> <outdir>
// Prints its own CPU time (user + system, microseconds) as the last line.
const fs = require('fs');
const { App, Stack, Token } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const [templateFile, outdir] = process.argv.slice(2);

/** Intrinsic objects (`{ Ref }`, `{ Fn::Join }`) as tokens, the way hand-written code passes them. */
function tokens(value) {
  if (Array.isArray(value)) return value.map(tokens);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return Token.asString(value);
    return Object.fromEntries(keys.map((k) => [k, tokens(value[k])]));
  }
  return value;
}

const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
const app = new App({ outdir });
const stack = new Stack(app, 'ParallelClusterIamExample', { env: { account: '111122223333', region: 'us-east-1' } });
for (const [logicalId, resource] of Object.entries(template.Resources)) {
  const p = tokens(resource.Properties || {});
  let element;
  switch (resource.Type) {
    case 'AWS::IAM::Role':
      element = new iam.CfnRole(stack, logicalId, {
        assumeRolePolicyDocument: p.AssumeRolePolicyDocument,
        description: p.Description,
        managedPolicyArns: p.ManagedPolicyArns,
        path: p.Path,
        permissionsBoundary: p.PermissionsBoundary,
        policies: p.Policies,
        roleName: p.RoleName,
      });
      break;
    case 'AWS::IAM::ManagedPolicy':
      element = new iam.CfnManagedPolicy(stack, logicalId, {
        policyDocument: p.PolicyDocument,
        description: p.Description,
        managedPolicyName: p.ManagedPolicyName,
        path: p.Path,
        roles: p.Roles,
      });
      break;
    case 'AWS::IAM::InstanceProfile':
      element = new iam.CfnInstanceProfile(stack, logicalId, { roles: p.Roles, path: p.Path, instanceProfileName: p.InstanceProfileName });
      break;
    case 'AWS::CDK::Metadata':
      continue;
    default:
      throw new Error(`bench: no L1 mapping for ${resource.Type} (${logicalId})`);
  }
  element.overrideLogicalId(logicalId);
}
for (const [id, output] of Object.entries(template.Outputs || {})) {
  new (require('aws-cdk-lib').CfnOutput)(stack, id, { value: tokens(output.Value), description: output.Description }).overrideLogicalId(id);
}
app.synth();

const cpu = process.cpuUsage();
console.log(cpu.user + cpu.system);

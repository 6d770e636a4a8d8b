/*
 * Writes the ClusterConfiguration the ParallelCluster construct hands to ParallelCluster's custom
 * resource provider, as the provider receives it (every scalar a string, as CloudFormation passes
 * custom resource properties), so that CI loads it with ParallelCluster's own schema
 * (scripts/schema-check.sh runs scripts/pcluster-schema-check.py on it):
 *
 *   ts-node --project tsconfig.dev.json scripts/cluster-resource-config.ts OUT_DIR [cluster.yaml ...]
 *
 * Each file (default: examples/cluster-config.yaml) is synthesized in a stack with a concrete account
 * and region; the role ARNs (`Fn::GetAtt` of roles with a name and path) are written as text.
 * OUT_DIR/<name>.yaml is the result. scripts/schema-check-inputs.ts calls writeClusterResourceConfigs
 * in the one process that writes all of the schema check's inputs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as YAML from 'yaml';
import { ClusterConfiguration, ParallelCluster } from '../src';
import { runWriter, withScratchApp } from './lib/config-writers';
import { evaluateIntrinsics } from '../src/private/intrinsics';

const ACCOUNT = '123456789012';

/** Writes the configurations the provider receives into outDir and returns the files written. */
export function writeClusterResourceConfigs(outDir: string, given: string[] = []): string[] {
  const files = given.length > 0 ? given : [path.join(__dirname, '..', 'examples', 'cluster-config.yaml')];
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const configuration = ClusterConfiguration.fromFile(file);
    withScratchApp('cluster-resource-config', (app) => {
      const region = configuration.region ?? 'us-east-1';
      const stack = new Stack(app, 'ClusterStack', { env: { account: ACCOUNT, region } });
      new ParallelCluster(stack, 'Cluster', { configuration, clusterName: 'schema-check' });
      const template = app.synth().getStackByName(stack.stackName).template;
      const [resource] = Object.values<any>(template.Resources).filter((r) => r.Type === 'Custom::PclusterCluster');
      const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
      const value = evaluateIntrinsics(resource.Properties.ClusterConfiguration,
        { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': ACCOUNT, 'AWS::URLSuffix': 'amazonaws.com' },
        (expression) => {
          const [id, attribute] = expression?.['Fn::GetAtt'] ?? [];
          const target = template.Resources[id];
          if (target?.Type === 'AWS::IAM::Role' && attribute === 'Arn' && target.Properties.RoleName) {
            return `arn:${partition}:iam::${ACCOUNT}:role${target.Properties.Path ?? '/'}${target.Properties.RoleName}`;
          }
          throw new Error(`${file}: cannot write ${JSON.stringify(expression)} as text`);
        });
      const target = path.join(outDir, path.basename(file));
      fs.writeFileSync(target, YAML.stringify(value));
      written.push(target);
    });
  }
  return written;
}

if (require.main === module) {
  runWriter(__filename, writeClusterResourceConfigs);
}

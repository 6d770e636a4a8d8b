import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import { Annotations as AssemblyAnnotations, Match } from 'aws-cdk-lib/assertions';
import { ParallelClusterIam } from '../../src';
import { agnosticStack, awsStack } from '../support/stacks';

/*
 * The configuration fragment files: the warning when they cannot be written has an ID the user can
 * acknowledge, and `configFragmentFiles: false` turns them off, so that `cdk synth --strict` passes in an
 * environment-agnostic stack (the `cdk init` default).
 */
const ID = 'cdk-parallelcluster-iam:configFragmentNotWritten';

function synth(stack: Stack): string {
  return (stack.node.root as App).synth().directory;
}

function warnings(stack: Stack): string[] {
  return AssemblyAnnotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
}

// acknowledgeWarning came with addWarningV2, after the 2.88 floor: the newest-aws-cdk-lib run exercises it.
const canAcknowledge = typeof (Annotations.prototype as any).acknowledgeWarning === 'function';

describe('config fragment files', () => {
  test('the ID is a public constant', () => {
    expect(ParallelClusterIam.FRAGMENT_NOT_WRITTEN_WARNING).toBe(ID);
  });

  test('in an environment-agnostic stack the warning names the file, the fix and its ID', () => {
    const stack = agnosticStack('Agnostic');
    new ParallelClusterIam(stack, 'Cluster', { enableImageBuilder: true, clusterName: 'genomics' });
    synth(stack);
    const found = warnings(stack);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^Agnostic\.pcluster-config\.yaml was not written to the cloud assembly: .* \(configFragmentFiles: false skips the file\)\. \[ack: cdk-parallelcluster-iam:configFragmentNotWritten\]$/);
    expect(found[1]).toMatch(/^Agnostic\.pcluster-image-config\.yaml was not written .* \[ack: cdk-parallelcluster-iam:configFragmentNotWritten\]$/);
  });

  (canAcknowledge ? test : test.skip)('acknowledging the ID on the construct or the stack removes the warning', () => {
    for (const where of ['cluster', 'stack'] as const) {
      const stack = agnosticStack('Agnostic');
      const cluster = new ParallelClusterIam(stack, 'Cluster', { clusterName: 'genomics' });
      (Annotations.of(where === 'cluster' ? cluster : stack) as any).acknowledgeWarning(ParallelClusterIam.FRAGMENT_NOT_WRITTEN_WARNING, 'the stack is deployed to many accounts');
      const outdir = synth(stack);
      expect(warnings(stack)).toEqual([]);
      expect(fs.existsSync(path.join(outdir, 'Agnostic.pcluster-config.yaml'))).toBe(false);
    }
  });

  test('configFragmentFiles: false writes no fragment and no warning; the report and the stack output stay', () => {
    const stack = agnosticStack('Agnostic');
    const cluster = new ParallelClusterIam(stack, 'Cluster', { enableImageBuilder: true, configFragmentFiles: false, clusterName: 'genomics' });
    const outdir = synth(stack);
    expect(warnings(stack)).toEqual([]);
    expect(fs.readdirSync(outdir).filter((f) => f.startsWith('Agnostic.') && !f.endsWith('.json')).sort()).toEqual(['Agnostic.iam-report.md']);
    expect(cluster.clusterConfigOutput).toBeDefined();
    expect(cluster.imageConfigOutput).toBeDefined();
  });

  test('configFragmentFiles: false also skips them when every ARN is known', () => {
    const stack = awsStack('Concrete');
    new ParallelClusterIam(stack, 'Cluster', { configFragmentFiles: false });
    const outdir = synth(stack);
    expect(fs.existsSync(path.join(outdir, 'Concrete.pcluster-config.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'Concrete.iam-report.md'))).toBe(true);
  });

  test('by default, with every ARN known, the fragment is written without a warning', () => {
    const stack = awsStack('Concrete');
    new ParallelClusterIam(stack, 'Cluster', { clusterName: 'genomics' });
    const outdir = synth(stack);
    expect(warnings(stack)).toEqual([]);
    expect(fs.existsSync(path.join(outdir, 'Concrete.pcluster-config.yaml'))).toBe(true);
  });
});

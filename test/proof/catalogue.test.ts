import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { compareCatalogues, normalizeTemplate, variantFile, writeCatalogue } from '../../scripts/newest-cdk-templates';
import { boundaryWorld, catalogueIds, catalogueVariants, checkCatalogued, simulateCatalogueVariantsOnly } from '../support/catalogue';
import { CATALOGUE_RECORD_ENV } from '../support/catalogue-record';
import { shapedWorld, shapedWorldId } from '../support/cluster-world';
import { PolicySimulator, templateOf } from '../support/simulate';
import { AWS, AWS_CN, markVariant, stackIn } from '../support/stacks';

/*
 * The catalogue of the simulation proofs (test/support/catalogue.ts) and the comparison the
 * newest-aws-cdk-lib run makes with it (scripts/newest-cdk-templates.ts): both must be able to fail.
 */

describe('the catalogue', () => {
  afterEach(() => {
    PolicySimulator.stackCheck = undefined;
  });

  test('refuses a stack that no catalogue builder made, or made with arguments it does not enumerate', () => {
    expect(() => checkCatalogued(stackIn(AWS, 'AdHoc'))).toThrow(/AdHoc \(no variant id\) is not in the catalogue of test\/support\/catalogue.ts/);
    expect(() => checkCatalogued(markVariant(stackIn(AWS), 'cluster-world/unknown-shape/aws/restricted'))).toThrow(/unknown-shape.*is not in the catalogue/);
    expect(() => checkCatalogued('quota/us-east-1/minimize-false-literals-false/user/000000000000')).toThrow(/is not in the catalogue/);
    // What the builders make is.
    expect(() => checkCatalogued(boundaryWorld(AWS_CN).stack)).not.toThrow();
    expect(catalogueIds().has(shapedWorldId(AWS_CN, 'permissionsBoundary', 'named'))).toBe(true);
  });

  test('once a proof asks for it, the simulator refuses a stack outside the catalogue', () => {
    const stack = stackIn(AWS);
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => PolicySimulator.forRole(stack, role)).not.toThrow();
    simulateCatalogueVariantsOnly();
    expect(() => PolicySimulator.forRole(stack, role)).toThrow(/is not in the catalogue/);
    const { stack: catalogued, bounded } = boundaryWorld(AWS);
    expect(PolicySimulator.forRole(catalogued, bounded).permissionsBoundaryDocument).toBeDefined();
    // The builders mark their stack before they make its simulators.
    expect(shapedWorld(AWS, 'restricted', 'plain').sims.headNode).toBeDefined();
  });

  test('holds every partition, and its ids are unique and map to distinct files', () => {
    const ids = catalogueVariants().map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map(variantFile)).size).toBe(ids.length);
    for (const partition of ['aws', 'aws-us-gov', 'aws-cn']) {
      for (const kind of ['cluster-world', 'recorded-world', 'census', 'attack', 'seed-world', 'seed-user']) {
        expect([kind, partition, ids.some((id) => id.startsWith(`${kind}/`) && id.includes(`/${partition}`))]).toEqual([kind, partition, true]);
      }
    }
    for (const environment of ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'agnostic']) {
      expect(ids.some((id) => id.startsWith(`quota/${environment}/`))).toBe(true);
    }
  });
});

describe('the comparison of the newest-aws-cdk-lib run', () => {
  const write = (dir: string, files: Record<string, any>) => {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, variantFile(name)), `${JSON.stringify(content, undefined, 1)}\n`);
    }
  };
  const template = (action: string) => ({ id: 'x', Resources: { P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Action: action }] } } } } });

  test('agrees on equal directories, and fails on one changed action, a refusal that changed, or a missing variant', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    try {
      const same = { 'a/aws': template('s3:GetObject'), 'b/aws': { id: 'b', refused: 'Role X has 11 managed policies' } };
      write(path.join(root, 'floor'), same);
      write(path.join(root, 'newest'), same);
      expect(compareCatalogues(path.join(root, 'floor'), path.join(root, 'newest'))).toEqual({ compared: 2, differences: [] });

      write(path.join(root, 'changed'), { 'a/aws': template('s3:GetObjec*'), 'b/aws': { id: 'b', refused: 'Role X has 12 managed policies' } });
      const changed = compareCatalogues(path.join(root, 'floor'), path.join(root, 'changed'));
      expect(changed.compared).toBe(2);
      expect(changed.differences).toHaveLength(2);
      expect(changed.differences[0]).toMatch(/^a__aws.json differs from line \d+:[\s\S]*"s3:GetObject"[\s\S]*newest:[\s\S]*"s3:GetObjec\*"/);
      expect(changed.differences[1]).toMatch(/12 managed policies/);

      write(path.join(root, 'partial'), { 'a/aws': template('s3:GetObject') });
      expect(compareCatalogues(path.join(root, 'floor'), path.join(root, 'partial')).differences).toEqual(['b__aws.json: written with the floor only']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('the unit tests\' record holds what the floor run writes, and the floor run then synthesizes only what is missing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    const before = process.env[CATALOGUE_RECORD_ENV];
    try {
      // A proof synthesizes a catalogue variant while CI records: its file lands in the version's directory.
      process.env[CATALOGUE_RECORD_ENV] = path.join(root, 'record');
      const variant = catalogueVariants().find((v) => v.id === 'attack/boundary/aws')!;
      templateOf(variant.build());
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const recorded = path.join(root, 'record', require('aws-cdk-lib/package.json').version, variantFile(variant.id));
      expect(fs.existsSync(recorded)).toBe(true);

      // The floor run with --only-missing: every other variant is already there, plus a file that is no variant's.
      const floor = path.join(root, 'floor');
      fs.mkdirSync(floor);
      for (const other of catalogueVariants().filter((v) => v.id !== variant.id)) {
        fs.writeFileSync(path.join(floor, variantFile(other.id)), 'kept\n');
      }
      fs.writeFileSync(path.join(floor, 'stray.json'), '{}\n');
      const { count, kept } = writeCatalogue(floor, { index: 0, count: 1 }, true);
      expect({ count, kept }).toEqual({ count: 1, kept: catalogueVariants().length - 1 });
      expect(fs.existsSync(path.join(floor, 'stray.json'))).toBe(false);
      // It synthesized the missing variant into the very bytes the unit tests recorded.
      expect(fs.readFileSync(path.join(floor, variantFile(variant.id)), 'utf-8')).toBe(fs.readFileSync(recorded, 'utf-8'));
      expect(fs.readdirSync(path.dirname(recorded))).toEqual([variantFile(variant.id)]);
    } finally {
      if (before === undefined) delete process.env[CATALOGUE_RECORD_ENV];
      else process.env[CATALOGUE_RECORD_ENV] = before;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('drops only the bootstrap version parameter and rule of a template', () => {
    const resources = { R: { Type: 'AWS::IAM::Role', Properties: { Path: '/p/' } } };
    expect(normalizeTemplate({ Resources: resources, Parameters: { BootstrapVersion: {} }, Rules: { CheckBootstrapVersion: {} } }))
      .toEqual({ Resources: resources });
    expect(normalizeTemplate({ Resources: resources, Mappings: { M: {} }, Parameters: { BootstrapVersion: {}, P: {} } }))
      .toEqual({ Resources: resources, Mappings: { M: {} }, Parameters: { P: {} } });
  });
});

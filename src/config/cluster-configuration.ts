import * as fs from 'fs';
import { clusterModelOf, imageModelOf, registerModel } from './registry';
import type { YamlSource } from './source';
import { configModelLib, configSourceLib } from '../private/lazy-modules';
import { Scheduler } from '../scheduler';

function readText(path: string, kind: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    throw new Error(`Cannot read the ${kind} configuration file ${path}: ${(e as Error).message}`);
  }
  return configSourceLib().decodeUtf8(path, bytes);
}

/**
 * A ParallelCluster 3 cluster configuration file (`pcluster create-cluster --cluster-configuration`),
 * read so that `ParallelClusterIam` can derive the cluster's roles from it (its `configuration` prop).
 *
 * The file is parsed with the `yaml` library's Document API: comments and key order survive into the
 * completed configuration. The settings that decide permissions are checked against ParallelCluster's
 * rules when the file is read; an error names the file, the line and the YAML path (for example
 * `cluster.yaml:12: Scheduling/SlurmQueues[1]/Name ...`). Settings the library does not need are not
 * read, so they are never rejected.
 */
export class ClusterConfiguration {
  /**
   * Reads a cluster configuration file.
   *
   * @param path the file's path
   */
  public static fromFile(path: string): ClusterConfiguration {
    return new ClusterConfiguration(configSourceLib().YamlSource.parse(path, readText(path, 'cluster')));
  }

  /**
   * Reads a cluster configuration from YAML text.
   *
   * @param text the YAML
   * @param fileName the name errors call the text by
   * @default fileName 'cluster-config.yaml'
   */
  public static fromYaml(text: string, fileName?: string): ClusterConfiguration {
    return new ClusterConfiguration(configSourceLib().YamlSource.parse(fileName ?? 'cluster-config.yaml', text));
  }

  /** The file's name (or the name given to `fromYaml`), as errors and reports call it. */
  public readonly fileName: string;

  /** `Scheduling/Scheduler`. */
  public readonly scheduler: Scheduler;

  /** `Region`, if the file sets it. */
  public readonly region?: string;

  /** The Slurm queue names (`Scheduling/SlurmQueues[]/Name`), in order. */
  public readonly slurmQueueNames: string[];

  /** The login node pool names (`LoginNodes/Pools[]/Name`), in order. */
  public readonly loginNodePoolNames: string[];

  /** The ARNs of the secrets (and SSM parameters) the file names. */
  public readonly secretArns: string[];

  /** The S3 buckets of FSx for Lustre `ImportPath`, `ExportPath` and data repository associations. */
  public readonly fsxDataRepositoryBucketNames: string[];

  /** The `s3://` URLs of every custom action script and argument (head node, queues, login pools). */
  public readonly customActionObjectUrls: string[];

  private constructor(source: YamlSource) {
    const model = configModelLib().readCluster(source);
    registerModel(this, model);
    this.fileName = source.fileName;
    this.scheduler = model.scheduler;
    this.region = model.region;
    this.slurmQueueNames = model.queues.map((q) => q.name!);
    this.loginNodePoolNames = model.pools.map((p) => p.name!);
    this.secretArns = model.secrets.map((s) => s.arn);
    this.fsxDataRepositoryBucketNames = [...model.fsxBuckets];
    this.customActionObjectUrls = [model.headNode, ...model.queues, ...model.pools]
      .flatMap((n) => n.scripts.map((s) => `s3://${s.bucket}/${s.key}`));
  }

  /** The file's text, as read. */
  public toYaml(): string {
    return clusterModelOf(this).source.text;
  }
}

/**
 * A ParallelCluster 3 build-image configuration file (`pcluster build-image --image-configuration`),
 * read so that `ParallelClusterIam` creates the image build's roles for it (its `imageConfiguration`
 * prop) and writes the completed file. Parsed and checked like `ClusterConfiguration`.
 */
export class ImageConfiguration {
  /**
   * Reads a build-image configuration file.
   *
   * @param path the file's path
   */
  public static fromFile(path: string): ImageConfiguration {
    return new ImageConfiguration(configSourceLib().YamlSource.parse(path, readText(path, 'build-image')));
  }

  /**
   * Reads a build-image configuration from YAML text.
   *
   * @param text the YAML
   * @param fileName the name errors call the text by
   * @default fileName 'image-config.yaml'
   */
  public static fromYaml(text: string, fileName?: string): ImageConfiguration {
    return new ImageConfiguration(configSourceLib().YamlSource.parse(fileName ?? 'image-config.yaml', text));
  }

  /** The file's name (or the name given to `fromYaml`). */
  public readonly fileName: string;

  /** `Region`, if the file sets it. */
  public readonly region?: string;

  /** The `s3://` URLs of the build's script components. */
  public readonly componentScriptUrls: string[];

  private constructor(source: YamlSource) {
    const model = configModelLib().readImage(source);
    registerModel(this, model);
    this.fileName = source.fileName;
    this.region = model.region;
    this.componentScriptUrls = model.scripts.map((s) => `s3://${s.bucket}/${s.key}`);
  }

  /** The file's text, as read. */
  public toYaml(): string {
    return imageModelOf(this).source.text;
  }
}

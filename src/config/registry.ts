import { ClusterModel, ImageModel } from './model';

// The parsed models behind the public configuration classes, kept out of their jsii-visible API.
const MODELS = new WeakMap<object, ClusterModel | ImageModel>();

export function registerModel(config: object, model: ClusterModel | ImageModel): void {
  MODELS.set(config, model);
}

/** The parsed model of a `ClusterConfiguration`. */
export function clusterModelOf(config: object): ClusterModel {
  return MODELS.get(config) as ClusterModel;
}

/** The parsed model of an `ImageConfiguration`. */
export function imageModelOf(config: object): ImageModel {
  return MODELS.get(config) as ImageModel;
}

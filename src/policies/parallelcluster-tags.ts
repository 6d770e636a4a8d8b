/*
 * Tags ParallelCluster puts on its stacks (facts from aws-parallelcluster 3.16.1):
 * - cluster stacks: `parallelcluster:cluster-name` = the cluster (= stack) name and
 *   `parallelcluster:version` (pcluster/models/cluster.py:925-942, `_add_tags` / `_get_cfn_tags`, sent
 *   with CreateStack at cluster.py:387-393 and with UpdateStack at cluster.py:898-903);
 * - image stacks: `parallelcluster:image_id` = the image id (= stack name), `parallelcluster:image_name`,
 *   `parallelcluster:build_log`, `parallelcluster:build_config` (pcluster/models/imagebuilder.py:641-659,
 *   sent with CreateStack at imagebuilder.py:474-480; constants.py:192-204).
 */

/** The cluster-name tag of every cluster stack (`PCLUSTER_CLUSTER_NAME_TAG`). */
export const CLUSTER_NAME_TAG = 'parallelcluster:cluster-name';

/** The image-id tag of every image stack (`PCLUSTER_IMAGE_ID_TAG`). */
export const IMAGE_ID_TAG = 'parallelcluster:image_id';

/** The tag EC2 Image Builder puts on the AMIs it creates (the ARN of the Image Builder image). */
export const IMAGE_BUILDER_ARN_TAG = 'Ec2ImageBuilderArn';

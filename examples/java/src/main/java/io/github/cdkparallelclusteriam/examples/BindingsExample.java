package io.github.cdkparallelclusteriam.examples;

import java.util.List;

import io.github.cdkparallelclusteriam.IamAccessMode;
import io.github.cdkparallelclusteriam.ParallelClusterUserRole;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.IManagedPolicy;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The Java side of the bindings check (scripts/bindings-check.sh): the same configuration as
 * examples/compare/app-ts.ts and examples/python/app.py, written the way a Java CDK user writes it (builders,
 * static factories). The template it synthesizes must be identical to the other two, so keep them in step.
 *
 * <p>Outputs go to {@code $CDK_OUTDIR} (read by {@code App} itself), or {@code cdk.out} without it.
 */
public final class BindingsExample {
    static final String ACCOUNT = "123456789012";

    private BindingsExample() {
    }

    static Stack stack(final App app, final String id, final String region) {
        return new Stack(app, id, StackProps.builder()
                .env(Environment.builder().account(ACCOUNT).region(region).build())
                .build());
    }

    public static void main(final String[] args) {
        App app = new App();

        // Commercial partition, permissions-boundary mode, every optional feature.
        Stack stack = stack(app, "BindingsUserRole", "us-east-1");
        IManagedPolicy boundary = ManagedPolicy.fromManagedPolicyName(stack, "Boundary", "parallelcluster-boundary");
        ParallelClusterUserRole user = ParallelClusterUserRole.Builder.create(stack, "User")
                .assumedBy(new AccountPrincipal(ACCOUNT))
                .roleName("ParallelClusterUser")
                .iamAccessMode(IamAccessMode.permissionsBoundary(boundary))
                .enableFsxLustre(true)
                .fsxDataRepositoryBuckets(List.of(Bucket.fromBucketName(stack, "FsxData", "example-fsx-data")))
                .enableImageBuilder(true)
                .secrets(List.of(Secret.fromSecretNameV2(stack, "SlurmDbPassword", "slurmdb-password")))
                .additionalIamPolicies(List.of(
                        ManagedPolicy.fromManagedPolicyName(stack, "Extra", "parallelcluster-extra-s3")))
                .customRoles(List.of(Role.fromRoleName(stack, "CustomHead", "custom-head-node")))
                .iamPath("/hpc/")
                .build();
        CfnOutput.Builder.create(stack, "UserRoleArn").value(user.getRoleArn()).build();
        CfnOutput.Builder.create(stack, "IamAccessMode").value(user.getIamAccessMode().getName()).build();

        // China partition with every default: no builder calls at all.
        Stack china = stack(app, "BindingsUserRoleChina", "cn-north-1");
        CfnOutput.Builder.create(china, "UserRoleArn")
                .value(new ParallelClusterUserRole(china, "User").getRoleArn())
                .build();

        app.synth();
    }
}

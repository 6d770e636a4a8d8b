package io.github.cdkparallelclusteriam.examples;

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.github.cdkparallelclusteriam.IamAccessMode;
import io.github.cdkparallelclusteriam.ParallelClusterIam;
import io.github.cdkparallelclusteriam.PermissionsReport;
import io.github.cdkparallelclusteriam.RoleSummary;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;

/**
 * The example app in Java: the same cluster IAM as examples/app.ts, synthesized offline.
 *
 * <p>A Slurm cluster with a CPU and a GPU queue, FSx for Lustre with an S3 data repository, custom AMI
 * builds, in permissions-boundary mode. Written the way a Java CDK user writes it (builders, static
 * factories). scripts/bindings-check.sh requires its cloud assembly (template, config fragments, permissions
 * report) to be identical to the TypeScript one, so keep this file, examples/app.ts and examples/python in step.
 *
 * <p>Outputs go to {@code $EXAMPLE_OUTDIR}, or {@code example-java.out} without it. docs/bindings.md has the
 * commands to run it.
 */
public final class ParallelClusterIamExample {
    private ParallelClusterIamExample() {
    }

    /** The stack every ARN is known in: a fixed account and region, as in the TypeScript example. */
    static Stack exampleStack(final App app) {
        return new Stack(app, "ParallelClusterIamExample", StackProps.builder()
                .env(Environment.builder().account("111122223333").region("us-east-1").build())
                .build());
    }

    public static void main(final String[] args) {
        String outdir = System.getenv().getOrDefault("EXAMPLE_OUTDIR", "example-java.out");
        App app = new App(AppProps.builder().outdir(outdir).build());
        Stack stack = exampleStack(app);

        // The organisation's permissions boundary: anything, except managing IAM users and access keys and
        // leaving the organisation. A real one usually comes from a platform team: import it by name with
        // ManagedPolicy.fromManagedPolicyName(stack, "Boundary", "HpcBoundary").
        ManagedPolicy boundary = ManagedPolicy.Builder.create(stack, "Boundary")
                .managedPolicyName("HpcBoundary")
                .description("Permissions boundary of every ParallelCluster role")
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("AllowEverythingElse").actions(List.of("*")).resources(List.of("*"))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("DenyIdentityAdministration")
                                .effect(Effect.DENY)
                                .actions(List.of("iam:*User*", "iam:*AccessKey*", "iam:*LoginProfile*",
                                        "organizations:*", "account:*"))
                                .resources(List.of("*"))
                                .build()))
                .build();

        // Software the nodes install at boot, from a bucket the organisation already has.
        IBucket software = Bucket.fromBucketName(stack, "SoftwareBucket", "example-hpc-software");
        ManagedPolicy softwareRead = ManagedPolicy.Builder.create(stack, "SoftwareRead")
                .managedPolicyName("parallelcluster-software-read")
                .statements(List.of(PolicyStatement.Builder.create()
                        .actions(List.of("s3:GetObject"))
                        .resources(List.of(software.arnForObjects("*")))
                        .build()))
                .build();

        ParallelClusterIam cluster = ParallelClusterIam.Builder.create(stack, "Cluster")
                .slurmQueues(List.of("cpu", "gpu"))
                .loginNodePools(List.of("login"))
                .iamAccessMode(IamAccessMode.permissionsBoundary(boundary))
                .enableFsxLustre(true)
                .fsxDataRepositoryBuckets(List.of(Bucket.fromBucketName(stack, "DataRepository", "example-hpc-data")))
                .enableImageBuilder(true)
                .additionalIamPolicies(List.of(softwareRead))
                .secrets(List.of(Secret.fromSecretNameV2(stack, "SlurmDbPassword", "hpc/slurmdbd-password")))
                .build();

        CloudAssembly assembly = app.synth();

        CloudFormationStackArtifact artifact = assembly.getStackByName(stack.getStackName());
        System.out.printf("Synthesized %s (account %s, %s) into %s/%n",
                stack.getStackName(), stack.getAccount(), stack.getRegion(), outdir);
        System.out.printf("  CloudFormation template:  %s%n", new File(outdir, artifact.getTemplateFile()));
        String[][] files = {
            {"cluster config fragment:", "pcluster-config.yaml"},
            {"image config fragment:", "pcluster-image-config.yaml"},
            {"IAM permissions report:", "iam-report.md"},
        };
        for (String[] file : files) {
            String name = artifact.getId() + "." + file[1];
            boolean written = new File(assembly.getDirectory(), name).exists();
            System.out.printf("  %-25s %s%n", file[0], written ? new File(outdir, name) : "(not written)");
        }
        System.out.println();
        printSummary(cluster);
    }

    /** What each role gets against IAM's quotas, as the TypeScript example prints it. */
    private static void printSummary(final ParallelClusterIam cluster) {
        List<RoleSummary> summaries = PermissionsReport.summarize(cluster);
        String prefix = cluster.getNode().getPath() + "/";
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Role", "Managed policies", "Customer policies", "Largest policy vs quota"));
        for (RoleSummary s : summaries) {
            int largest = s.getLargestPolicySize().intValue();
            rows.add(List.of(
                    label(s.getConstructPath(), prefix),
                    s.getManagedPolicyCount() + " / 10",
                    String.valueOf(s.getCustomerManagedPolicyCount()),
                    largest == 0 ? "-" : largest + " / 6144 (" + Math.round(100.0 * largest / 6144) + "%)"));
        }
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> rule = new ArrayList<>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        rows.add(1, rule);
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < widths.length; i++) {
                line.append("  ").append(String.format("%-" + widths[i] + "s", row.get(i)));
            }
            System.out.println(line.substring(1).stripTrailing());
        }
        RoleSummary largest = summaries.stream()
                .max(Comparator.comparingInt((RoleSummary s) -> s.getLargestPolicySize().intValue()))
                .orElseThrow();
        int attachments = summaries.stream().mapToInt(s -> s.getCustomerManagedPolicyCount().intValue()).sum();
        System.out.println();
        System.out.printf("  %d roles, %d customer managed policy attachments; the largest is %d of 6144 characters (%s).%n",
                summaries.size(), attachments, largest.getLargestPolicySize().intValue(),
                label(largest.getConstructPath(), prefix));
    }

    private static String label(final String constructPath, final String prefix) {
        return constructPath.replace(prefix, "").replaceAll("/(Role|Resource)$", "");
    }
}

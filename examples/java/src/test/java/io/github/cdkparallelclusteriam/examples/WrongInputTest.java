package io.github.cdkparallelclusteriam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.cdkparallelclusteriam.IamAccessMode;
import io.github.cdkparallelclusteriam.ParallelClusterIam;
import io.github.cdkparallelclusteriam.ParallelClusterUserRole;
import io.github.cdkparallelclusteriam.Scheduler;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.jsii.JsiiError;

/**
 * What a Java user sees when they pass the wrong thing to the library.
 *
 * <p>In Java most wrong types never get past javac (the first test proves it by compiling such a call).
 * What remains for run time: null for a required argument, raw or unchecked collections, and the library's
 * own synth-time validation; each fails with a message that names the argument and the problem.
 */
class WrongInputTest {
    private Stack stack;

    @BeforeEach
    void newStack() {
        stack = ParallelClusterIamExample.exampleStack(new App());
    }

    @Test
    void javacRejectsStringsWhereAClassOrAnEnumIsExpected(@TempDir final Path dir) throws IOException {
        Path source = dir.resolve("Wrong.java");
        Files.writeString(source, String.join("\n",
                "import io.github.cdkparallelclusteriam.ParallelClusterIam;",
                "class Wrong {",
                "  static void wrong(software.constructs.Construct scope) {",
                "    ParallelClusterIam.Builder.create(scope, \"A\").iamAccessMode(\"privileged\").build();",
                "    ParallelClusterIam.Builder.create(scope, \"B\").scheduler(\"slurm\").build();",
                "  }",
                "}"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled;
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            compiled = javac.getTask(null, files, diagnostics,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", dir.toString()),
                    null, files.getJavaFileObjects(source.toFile())).call();
        }
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getLineNumber() + ": " + d.getMessage(null))
                .collect(Collectors.toList());
        assertFalse(compiled, "javac accepted a String for iamAccessMode or scheduler");
        assertEquals(List.of(
                "4: incompatible types: java.lang.String cannot be converted to io.github.cdkparallelclusteriam.IamAccessMode",
                "5: incompatible types: java.lang.String cannot be converted to io.github.cdkparallelclusteriam.Scheduler"),
                errors);
        assertFalse(new File(dir.toFile(), "Wrong.class").exists());
    }

    @Test
    void nullForARequiredArgumentNamesTheArgument() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new ParallelClusterUserRole(stack, null));
        assertEquals("id is required", e.getMessage());
        NullPointerException boundary = assertThrows(NullPointerException.class,
                () -> IamAccessMode.permissionsBoundary(null));
        assertEquals("boundary is required", boundary.getMessage());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aBucketNameSmuggledIntoTheBucketListIsRejectedByTheJsiiKernel() {
        // Generics are erased at run time, so a raw list gets past javac; the jsii kernel checks each element.
        List buckets = List.of("my-bucket");
        JsiiError e = assertThrows(JsiiError.class, () -> ParallelClusterUserRole.Builder.create(stack, "User")
                .enableFsxLustre(true)
                .fsxDataRepositoryBuckets((List<? extends IBucket>) buckets)
                .build());
        assertTrue(e.getMessage().contains("Key 'fsxDataRepositoryBuckets'"), e.getMessage());
        assertTrue(e.getMessage().contains("Index 0: Unable to deserialize value as aws-cdk-lib.aws_s3.IBucket"),
                e.getMessage());
    }

    @Test
    void theLibrarysOwnValidationMessageReachesJavaUnchanged() {
        JsiiError path = assertThrows(JsiiError.class, () -> ParallelClusterUserRole.Builder.create(stack, "User")
                .iamPath("parallelcluster")
                .build());
        assertTrue(path.getMessage().contains(
                "iamPath 'parallelcluster' is not a valid IAM path: it must start and end with '/'"), path.getMessage());
        JsiiError queue = assertThrows(JsiiError.class, () -> ParallelClusterIam.Builder.create(stack, "Cluster")
                .slurmQueues(List.of("CPU"))
                .build());
        assertTrue(queue.getMessage().contains("Slurm queue name 'CPU' is invalid"), queue.getMessage());
    }

    @Test
    void enumsAndMapsComeBackAsJavaValues() {
        ParallelClusterIam cluster = ParallelClusterIam.Builder.create(stack, "Cluster")
                .scheduler(Scheduler.SLURM)
                .slurmQueues(List.of("cpu", "gpu"))
                .build();
        assertEquals(Scheduler.SLURM, cluster.getScheduler());
        assertEquals(Set.of("cpu", "gpu"), cluster.getComputeNodeRoles().keySet());
        assertEquals(List.of("cpu", "gpu"), cluster.getQueueNames());
    }
}

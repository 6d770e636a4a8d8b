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
import io.github.cdkparallelclusteriam.ParallelClusterUserRole;
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
        stack = BindingsExample.stack(new App(), "Test", "us-east-1");
    }

    @Test
    void javacRejectsAStringWhereIamAccessModeIsExpected(@TempDir final Path dir) throws IOException {
        Path source = dir.resolve("Wrong.java");
        Files.writeString(source, String.join("\n",
                "import io.github.cdkparallelclusteriam.ParallelClusterUserRole;",
                "class Wrong {",
                "  static void wrong(software.constructs.Construct scope) {",
                "    ParallelClusterUserRole.Builder.create(scope, \"User\").iamAccessMode(\"privileged\").build();",
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
        assertFalse(compiled, "javac accepted a String for iamAccessMode");
        assertEquals(List.of("4: incompatible types: java.lang.String cannot be converted to "
                + "io.github.cdkparallelclusteriam.IamAccessMode"), errors);
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
        JsiiError e = assertThrows(JsiiError.class, () -> ParallelClusterUserRole.Builder.create(stack, "User")
                .iamPath("parallelcluster")
                .build());
        assertTrue(e.getMessage().contains(
                "iamPath 'parallelcluster' is not a valid IAM path: it must start and end with '/'"), e.getMessage());
    }
}

package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * Runs a command line as {@code main} would and keeps its exit code, standard output and error
 * text.
 */
public record CliRun(int code, String out, String err) {
  public static CliRun of(String... args) {
    CommandLine cl = Verdant.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    java.io.PrintStream oldOut = System.out;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      code = cl.execute(args);
    } finally {
      System.setOut(oldOut);
    }
    return new CliRun(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
  }

  /**
   * Asserts a failure (exit 1) with exactly one error line: {@code verdant <cmd>: error:
   * <message>}.
   */
  public void assertError(String command, String message) {
    assertEquals(command + ": error: " + message, err.strip(), "stderr");
    assertEquals(1, code, "exit code");
  }

  /** Asserts that nothing is at {@code out}, and no hidden temporary sibling of it either. */
  public static void assertNothingAt(Path out) throws IOException {
    assertFalse(Files.exists(out), "output exists: " + out);
    assertNoTemp(out);
  }

  public static void assertNoTemp(Path out) throws IOException {
    if (!Files.isDirectory(out.getParent())) {
      return;
    }
    try (Stream<Path> s = Files.list(out.getParent())) {
      List<String> left =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("." + out.getFileName() + "."))
              .collect(Collectors.toList());
      assertTrue(left.isEmpty(), "temporary output left behind: " + left);
    }
  }
}

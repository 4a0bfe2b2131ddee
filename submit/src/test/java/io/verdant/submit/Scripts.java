package io.verdant.submit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the module's shell scripts in a controlled environment and captures what they print. */
final class Scripts {
  private Scripts() {}

  /**
   * The submit/ directory (set by the pom; falls back to the working directory of a module build).
   */
  static Path submitDir() {
    String dir = System.getProperty("verdant.submit.dir");
    return dir != null ? Paths.get(dir) : Paths.get("").toAbsolutePath();
  }

  record Result(int exitCode, String stdout, String stderr, long pid) {}

  static Result run(Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
    pb.environment().putAll(env);
    Path out = Files.createTempFile("script-out", ".txt");
    Path err = Files.createTempFile("script-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err), p.pid());
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Writes an executable script. */
  static Path executable(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** Lines of a NUL-separated file. */
  static List<String> nulSeparated(Path file) throws IOException {
    String s = Files.readString(file);
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\0') {
        out.add(s.substring(from, i));
        from = i + 1;
      }
    }
    return out;
  }
}

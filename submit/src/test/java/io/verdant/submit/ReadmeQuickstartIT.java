package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's getting-started path, replayed: its first code block must hold the two commands a
 * new user runs (the quickstart, then the tests that `.ci/run` runs), and the first one, run from
 * the repository root as written (with {@code --epochs 2} to keep CI short), must fetch-or-reuse
 * MNIST, ingest it, train, compress and print the ledger, exiting 0.
 */
class ReadmeQuickstartIT {
  private static final Logger LOG = LoggerFactory.getLogger(ReadmeQuickstartIT.class);

  static List<String> firstBashBlock(Path readme) throws IOException {
    List<String> commands = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(readme)) {
      if (!in && line.trim().equals("```bash")) {
        in = true;
      } else if (in && line.trim().startsWith("```")) {
        break;
      } else if (in) {
        int hash = line.indexOf(" #");
        String cmd = (hash >= 0 ? line.substring(0, hash) : line).trim();
        if (!cmd.isEmpty()) {
          commands.add(cmd);
        }
      }
    }
    return commands;
  }

  @Test
  void readmeFirstCommandRunsTheWholePipeline(@TempDir Path work) throws Exception {
    Path root = Scripts.submitDir().getParent();
    List<String> commands = firstBashBlock(root.resolve("README.md"));
    assertEquals(
        List.of("submit/verdant quickstart", "mvn -B verify"),
        commands,
        "README's first code block");
    assertTrue(
        Files.readString(root.resolve(".ci/run")).contains(commands.get(1)),
        ".ci/run runs the README's test command");

    String cacheEnv = System.getenv("VERDANT_CACHE_DIR");
    Path cache =
        cacheEnv != null
            ? Paths.get(cacheEnv)
            : Paths.get(System.getProperty("user.home"), ".cache", "verdant");
    Assumptions.assumeTrue(
        System.getenv("CI") != null
            || Files.isDirectory(cache.resolve("datasets").resolve("mnist")),
        "MNIST is not in the cache " + cache + " (CI fetches it first: .ci/run)");

    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", commands.get(0) + " --epochs 2").directory(root.toFile());
    pb.environment().put("VERDANT_WORK_DIR", work.resolve("verdant-work").toString());
    pb.environment().remove("VERDANT_MASTER");
    Path out = work.resolve("quickstart.log");
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("quickstart did not finish in 20 minutes; log: " + out);
    }
    String log = Files.readString(out);
    LOG.info(
        "README quickstart (--epochs 2): exit {} after {} s",
        p.exitValue(),
        (System.nanoTime() - t0) / 1_000_000_000L);
    assertEquals(0, p.exitValue(), () -> "quickstart failed:\n" + tail(log));
    for (String expected :
        List.of(
            "== verdant ingest --dataset mnist",
            "== verdant train",
            "Test accuracy: ",
            "Model: ",
            "== verdant compress",
            "compression ratio ",
            "0 predictions differ from the quantized model",
            "run quickstart-ingest-mnist",
            "run quickstart-train-lenet-300-100-e2",
            "run quickstart-compress-lenet-300-100-e2",
            "== verdant score",
            "Predictions: ",
            "J per 1,000 predictions",
            "run quickstart-score-dense",
            "run quickstart-score-compressed",
            "cpu=tdp-model")) {
      assertTrue(
          log.contains(expected),
          () -> "quickstart output lacks '" + expected + "':\n" + tail(log));
    }
    Path verdantWork = work.resolve("verdant-work");
    assertTrue(
        Files.isRegularFile(verdantWork.resolve("compressed/mnist-lenet-300-100-e2/model.vdcm")),
        "compressed model file");
    assertTrue(Files.isDirectory(verdantWork.resolve("ledger/runs")), "ledger runs table");
    // It ends with the report of its runs, printing the path of its index.html.
    Path index = verdantWork.resolve("report/index.html");
    assertTrue(
        log.contains("Report: " + index),
        () -> "quickstart output lacks the report's path:\n" + tail(log));
    assertTrue(
        Files.isRegularFile(index)
            && Files.isRegularFile(verdantWork.resolve("report/charts.json")),
        "report");
  }

  private static String tail(String log) {
    return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
  }
}

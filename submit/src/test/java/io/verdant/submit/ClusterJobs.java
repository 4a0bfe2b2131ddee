package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Verdant command lines the cluster tests submit, and what they check afterwards. The jobs run here are the
 * ones registered today (ingest); more jobs (train, compress, report) are added in {@link #pipeline}.
 */
final class ClusterJobs {
  private ClusterJobs() {}

  static Path testData() {
    return Paths.get(System.getProperty("verdant.testdata", Scripts.submitDir().resolve("../testdata").toString()))
        .resolve("mnist-slice").toAbsolutePath().normalize();
  }

  /** ingest of testdata/mnist-slice (5,000 train + 1,000 test real MNIST images) into {@code out}. */
  static List<String> ingest(Path out, String runId) {
    Path d = testData();
    return List.of("ingest", "--format", "idx",
        "--train", d.resolve("train-images-idx3-ubyte.gz").toString(),
        "--train-labels", d.resolve("train-labels-idx1-ubyte.gz").toString(),
        "--test", d.resolve("t10k-images-idx3-ubyte.gz").toString(),
        "--test-labels", d.resolve("t10k-labels-idx1-ubyte.gz").toString(),
        "--out", out.toString(), "--run-id", runId);
  }

  /**
   * The jobs each deploy mode submits, in order, as named command lines (each is checked for success and work on
   * both executors). To add train once it is registered, append e.g.
   * {@code jobs.put("train", List.of("train", "--table", work.resolve("table").toString(), ..., "--run-id", runId + "-train"))}.
   */
  static Map<String, List<String>> pipeline(Path work, String runId) {
    Map<String, List<String>> jobs = new java.util.LinkedHashMap<>();
    jobs.put("ingest", ingest(work.resolve("table"), runId + "-ingest"));
    return jobs;
  }

  /** Checks the ingested table of mnist-slice: a manifest with every row and the run id. */
  static void assertIngested(Path out, String runId) throws IOException {
    JsonNode m = StandaloneCluster.JSON.readTree(out.resolve("manifest.json").toFile());
    assertEquals(runId, m.path("runId").asText(), "manifest runId");
    long rows = 0;
    for (JsonNode split : m.path("splits")) {
      rows += split.path("rows").asLong();
    }
    assertEquals(6_000, rows, "rows of mnist-slice in " + out);
    assertEquals(1_000, m.path("splits").path("test").path("rows").asLong());
  }

  /** Successful tasks per executor id, from an application's event log. */
  static Map<String, Integer> successfulTasksByExecutor(List<JsonNode> events) {
    Map<String, Integer> out = new TreeMap<>();
    for (JsonNode e : events) {
      if ("SparkListenerTaskEnd".equals(e.path("Event").asText())
          && "Success".equals(e.path("Task End Reason").path("Reason").asText())) {
        out.merge(e.path("Task Info").path("Executor ID").asText(), 1, Integer::sum);
      }
    }
    return out;
  }

  static List<JsonNode> ofType(List<JsonNode> events, String type) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : events) {
      if (type.equals(e.path("Event").asText())) {
        out.add(e);
      }
    }
    return out;
  }

  static TreeSet<String> executorHosts(List<JsonNode> events) {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode e : ofType(events, "SparkListenerExecutorAdded")) {
      out.add(e.path("Executor Info").path("Host").asText());
    }
    return out;
  }
}

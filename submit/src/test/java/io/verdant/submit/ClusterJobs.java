package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The Verdant command lines the cluster tests submit, and what they check afterwards: ingest of the
 * MNIST slice, then train of lenet-300-100 on it.
 */
final class ClusterJobs {
  private ClusterJobs() {}

  static Path testData() {
    return Paths.get(
            System.getProperty(
                "verdant.testdata", Scripts.submitDir().resolve("../testdata").toString()))
        .resolve("mnist-slice")
        .toAbsolutePath()
        .normalize();
  }

  /**
   * ingest of testdata/mnist-slice (5,000 train + 1,000 test real MNIST images) into {@code out}.
   */
  static List<String> ingest(Path out, String runId) {
    Path d = testData();
    return List.of(
        "ingest",
        "--format",
        "idx",
        "--train",
        d.resolve("train-images-idx3-ubyte.gz").toString(),
        "--train-labels",
        d.resolve("train-labels-idx1-ubyte.gz").toString(),
        "--test",
        d.resolve("t10k-images-idx3-ubyte.gz").toString(),
        "--test-labels",
        d.resolve("t10k-labels-idx1-ubyte.gz").toString(),
        "--out",
        out.toString(),
        "--run-id",
        runId);
  }

  /**
   * Train of lenet-300-100 for {@value #TRAIN_EPOCHS} epochs on the ingested slice in {@code
   * table}.
   */
  static List<String> train(Path table, Path out, String runId) {
    return List.of(
        "train",
        "--data",
        table.toString(),
        "--model",
        "lenet-300-100",
        "--epochs",
        Integer.toString(TRAIN_EPOCHS),
        "--averaging-frequency",
        "5",
        "--out",
        out.toString(),
        "--run-id",
        runId);
  }

  static final int TRAIN_EPOCHS = 2;

  /**
   * The jobs each deploy mode submits, in order, as named command lines (each is checked for
   * success and work on both executors, then by {@link #assertDone}).
   */
  static Map<String, List<String>> pipeline(Path work, String runId) {
    Map<String, List<String>> jobs = new java.util.LinkedHashMap<>();
    jobs.put("ingest", ingest(work.resolve("table"), runId + "-ingest"));
    jobs.put("train", train(work.resolve("table"), work.resolve("model"), runId + "-train"));
    return jobs;
  }

  /** Checks what a job of {@link #pipeline} left in {@code work}. */
  static void assertDone(String job, Path work, String runId) throws IOException {
    switch (job) {
      case "ingest" -> assertIngested(work.resolve("table"), runId + "-ingest");
      case "train" -> assertTrained(work.resolve("model"), runId + "-train");
      default -> throw new AssertionError("no check for job " + job);
    }
  }

  /**
   * Checks a trained model: model.zip beside a model.json of this run that ran every epoch and
   * scored the 1,000 test images well above chance (10%): a usable model.
   */
  static void assertTrained(Path out, String runId) throws IOException {
    assertTrue(java.nio.file.Files.size(out.resolve("model.zip")) > 100_000, "model.zip in " + out);
    JsonNode m = StandaloneCluster.JSON.readTree(out.resolve("model.json").toFile());
    assertEquals(runId, m.path("runId").asText(), "model.json runId");
    assertEquals(TRAIN_EPOCHS, m.path("training").path("epochsRun").asInt(), "epochs run");
    assertEquals(1_000, m.path("test").path("examples").asLong(), "test examples");
    double accuracy = m.path("test").path("accuracy").asDouble();
    assertTrue(
        accuracy > 0.8,
        "test accuracy after " + TRAIN_EPOCHS + " epochs on the slice: " + accuracy);
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

package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application jar under spark-submit on a real standalone cluster: a Master and two Workers,
 * each a JVM on 127.0.0.1, executors launched by the Workers from a Spark home that holds only what
 * a Spark distribution holds. Every job of {@link ClusterJobs#pipeline} is submitted in client and
 * in cluster deploy mode and must succeed with tasks done on both executors (from the application's
 * event log).
 */
class StandaloneClusterIT {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterIT.class);
  static Path dir;
  static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    dir =
        Paths.get(System.getProperty("verdant.it.dir", "target/it"))
            .toAbsolutePath()
            .resolve("standalone");
    deleteTree(dir);
    Files.createDirectories(dir);
    // Two cores per Worker: in cluster deploy mode the driver takes one core of a Worker, and each
    // of the two
    // executors (one core each, spread over the Workers) needs its own.
    long t0 = System.nanoTime();
    cluster = StandaloneCluster.start(dir, 2, 2, "2g");
    LOG.info(
        "Standalone cluster up in {} ms at {}",
        (System.nanoTime() - t0) / 1_000_000,
        cluster.masterUrl());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Map<String, String> sizes() {
    return Map.of(
        "spark.driver.memory", "768m",
        "spark.executor.memory", "768m",
        "spark.executor.cores", "1",
        "spark.cores.max", "2",
        "spark.ui.enabled", "false",
        "spark.driver.host", "127.0.0.1",
        "spark.standalone.submit.waitAppCompletion", "true");
  }

  @Test
  void clientDeployMode() throws Exception {
    runPipeline("client");
  }

  @Test
  void clusterDeployMode() throws Exception {
    runPipeline("cluster");
    // The Master ran the drivers itself (on a Worker) and saw them finish.
    JsonNode m = cluster.master();
    List<String> states = new ArrayList<>();
    m.path("completeddrivers").forEach(d -> states.add(d.path("state").asText()));
    assertTrue(
        !states.isEmpty() && states.stream().allMatch("FINISHED"::equals),
        "cluster-mode driver states: " + states);
  }

  private void runPipeline(String mode) throws Exception {
    Path work = dir.resolve(mode);
    Path props = cluster.properties(mode, sizes());
    for (Map.Entry<String, List<String>> job :
        ClusterJobs.pipeline(work, "it-" + mode).entrySet()) {
      Path events = Files.createDirectories(work.resolve("events-" + job.getKey()));
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--master",
                  cluster.masterUrl(),
                  "--deploy-mode",
                  mode,
                  "--properties-file",
                  props.toString(),
                  "--conf",
                  "spark.eventLog.enabled=true",
                  "--conf",
                  "spark.eventLog.dir=" + events.toUri(),
                  "--conf",
                  "spark.app.name=verdant-it-" + mode + "-" + job.getKey(),
                  "--class",
                  "io.verdant.jobs.Verdant",
                  cluster.appJar.toString()));
      args.addAll(job.getValue());
      long t0 = System.nanoTime();
      StandaloneCluster.Submission s =
          cluster.submit("submit-" + mode + "-" + job.getKey(), args, Duration.ofMinutes(6));
      int code = s.await();
      LOG.info(
          "{} in {} deploy mode: exit {} after {} ms",
          job.getKey(),
          mode,
          code,
          (System.nanoTime() - t0) / 1_000_000);
      assertEquals(0, code, job.getKey() + " in " + mode + " mode\n" + s.logTail());
      List<JsonNode> log = eventLog(events);
      Map<String, Integer> tasks = ClusterJobs.successfulTasksByExecutor(log);
      assertTrue(
          tasks.size() >= 2 && !tasks.containsKey("driver"),
          job.getKey()
              + " in "
              + mode
              + " mode: successful tasks by executor "
              + tasks
              + " (want two executors)");
      assertEquals(Set.of("127.0.0.1"), ClusterJobs.executorHosts(log));
      assertEquals(
          1, ClusterJobs.ofType(log, "SparkListenerApplicationEnd").size(), "application ended");
      ClusterJobs.assertDone(job.getKey(), work, "it-" + mode);
    }
  }

  static List<JsonNode> eventLog(Path events) throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(events)) {
      files = s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
    assertEquals(1, files.size(), "one event log in " + events + ": " + files);
    String name = files.get(0).getFileName().toString();
    assertTrue(!name.endsWith(".inprogress"), "event log complete: " + name);
    return StandaloneCluster.events(events, name);
  }

  static void deleteTree(Path p) throws Exception {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
          Files.delete(f);
        }
      }
    }
  }
}

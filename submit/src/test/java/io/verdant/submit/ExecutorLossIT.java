package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault tolerance on a real standalone cluster: one executor's JVM is killed (SIGKILL) while it
 * runs tasks of the job; the Master replaces it, Spark retries the lost tasks, and the job still
 * finishes with a complete output. The job is the last of {@link ClusterJobs#pipeline}: train,
 * whose model must come out usable.
 */
class ExecutorLossIT {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorLossIT.class);

  /**
   * The jobs of {@link ClusterJobs#pipeline}: all but the last run undisturbed (they prepare its
   * input); the executor is killed during the last one. Adding train to the pipeline makes this a
   * test of train.
   */
  static final String RUN_ID = "it-executor-loss";

  static List<String> submitArgs(
      StandaloneCluster cluster, Path props, Map.Entry<String, List<String>> job) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                "client",
                "--properties-file",
                props.toString(),
                "--conf",
                "spark.app.name=verdant-it-executor-loss-" + job.getKey(),
                "--class",
                "io.verdant.jobs.Verdant",
                cluster.appJar.toString()));
    args.addAll(job.getValue());
    return args;
  }

  @Test
  void jobSurvivesTheLossOfAnExecutorJvm() throws Exception {
    Path dir =
        Paths.get(System.getProperty("verdant.it.dir", "target/it"))
            .toAbsolutePath()
            .resolve("executor-loss");
    StandaloneClusterIT.deleteTree(dir);
    Files.createDirectories(dir);
    try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2, 1, "1g")) {
      Path work = dir.resolve("work");
      List<Map.Entry<String, List<String>>> jobs =
          new ArrayList<>(ClusterJobs.pipeline(work, RUN_ID).entrySet());
      Map.Entry<String, List<String>> target = jobs.get(jobs.size() - 1);
      for (Map.Entry<String, List<String>> before : jobs.subList(0, jobs.size() - 1)) {
        StandaloneCluster.Submission prep =
            cluster.submit(
                "submit-" + before.getKey(),
                submitArgs(
                    cluster, cluster.properties("prepare", StandaloneClusterIT.sizes()), before),
                Duration.ofMinutes(4));
        assertEquals(0, prep.await(), before.getKey() + "\n" + prep.logTail());
      }
      Path events = Files.createDirectories(work.resolve("events"));
      int uiPort = StandaloneCluster.freePort();
      Map<String, String> sizes = new HashMap<>(StandaloneClusterIT.sizes());
      sizes.put("spark.ui.enabled", "true");
      sizes.put("spark.ui.port", String.valueOf(uiPort));
      sizes.put("spark.eventLog.enabled", "true");
      sizes.put("spark.eventLog.dir", events.toUri().toString());
      List<String> args = submitArgs(cluster, cluster.properties("executor-loss", sizes), target);
      long t0 = System.nanoTime();
      StandaloneCluster.Submission s =
          cluster.submit("submit-executor-loss-" + target.getKey(), args, Duration.ofMinutes(6));

      // Wait until an executor is running tasks of the job (the driver's REST API), then kill its
      // JVM.
      String ui = "http://127.0.0.1:" + uiPort + "/api/v1/applications";
      String appId = null;
      String victim = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (victim == null && System.nanoTime() < deadline && s.process.isAlive()) {
        try {
          if (appId == null) {
            JsonNode apps = cluster.getJson(ui);
            appId = apps.size() > 0 ? apps.get(0).path("id").asText() : null;
          }
          if (appId != null) {
            for (JsonNode e : cluster.getJson(ui + "/" + appId + "/executors")) {
              if (!"driver".equals(e.path("id").asText()) && e.path("activeTasks").asInt() > 0) {
                victim = e.path("id").asText();
                break;
              }
            }
          }
        } catch (java.io.IOException notUpYet) {
          // the driver's UI is not listening yet
        }
        if (victim == null) {
          Thread.sleep(100);
        }
      }
      assertNotNull(victim, "no executor ever ran a task\n" + s.logTail());
      ProcessHandle jvm = StandaloneCluster.executorProcesses(appId).get(victim);
      assertNotNull(jvm, "the JVM of executor " + victim + " of " + appId);
      assertTrue(
          cluster.owns(jvm),
          "executor " + victim + " (pid " + jvm.pid() + ") is a child of this test's Workers");
      LOG.info(
          "Killing executor {} of {} (pid {}) while it runs tasks, {} ms after submission",
          victim,
          appId,
          jvm.pid(),
          (System.nanoTime() - t0) / 1_000_000);
      StandaloneCluster.kill(jvm);

      int code = s.await();
      LOG.info(
          "Job with a killed executor: exit {} after {} ms",
          code,
          (System.nanoTime() - t0) / 1_000_000);
      assertEquals(
          0, code, target.getKey() + " must finish despite the lost executor\n" + s.logTail());
      ClusterJobs.assertDone(target.getKey(), work, RUN_ID);

      List<JsonNode> log = StandaloneClusterIT.eventLog(events);
      String lost = victim;
      assertTrue(
          ClusterJobs.ofType(log, "SparkListenerExecutorRemoved").stream()
              .anyMatch(e -> lost.equals(e.path("Executor ID").asText())),
          "executor " + lost + " removed");
      List<JsonNode> lostTasks =
          ClusterJobs.ofType(log, "SparkListenerTaskEnd").stream()
              .filter(
                  e ->
                      "ExecutorLostFailure"
                          .equals(e.path("Task End Reason").path("Reason").asText()))
              .toList();
      assertFalse(lostTasks.isEmpty(), "tasks lost with executor " + lost);
      lostTasks.forEach(
          e -> assertEquals(lost, e.path("Task End Reason").path("Executor ID").asText()));
      Map<String, Integer> ok = ClusterJobs.successfulTasksByExecutor(log);
      assertTrue(
          ok.keySet().stream().anyMatch(id -> !id.equals(lost)), "tasks retried elsewhere: " + ok);
      LOG.info("Lost tasks: {}; successful tasks by executor: {}", lostTasks.size(), ok);
    }
  }
}

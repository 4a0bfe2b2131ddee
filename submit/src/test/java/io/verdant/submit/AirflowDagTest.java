package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.jobs.Verdant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/airflow/verdant_dag.py: it compiles, and every command line its tasks pass
 * (SparkSubmitOperators and the plan sensor) is accepted by Verdant's own parser ({@code
 * --dry-run}: options parsed and validated, no Spark). Tasks whose subcommand is not registered in
 * {@link Verdant} yet are skipped by name, so the test gets stricter as jobs land.
 */
class AirflowDagTest {
  static final Path DAG = Scripts.submitDir().resolve("airflow/verdant_dag.py");
  static final Path RENDER = Scripts.submitDir().resolve("src/test/python/render_dag_args.py");

  /** Airflow run ids of each kind, rendered against one logical date. */
  static final List<String> RUN_IDS =
      List.of(
          "scheduled__2026-11-21T00:00:00+00:00",
          "manual__2026-11-22T17:30:12.123456+00:00",
          "backfill__2026-01-03T00:00:00+00:00",
          "my run/with?odd*chars");

  @TempDir Path tmp;

  static void assumePython() throws Exception {
    boolean present;
    try {
      present = Scripts.run(Map.of(), List.of("python3", "--version")).exitCode() == 0;
    } catch (java.io.IOException e) {
      present = false;
    }
    Assumptions.assumeTrue(present, "python3 is not installed");
  }

  @Test
  void compiles() throws Exception {
    assumePython();
    Scripts.Result r =
        Scripts.run(
            Map.of(),
            List.of(
                "python3",
                "-c",
                "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
                DAG.toString(),
                tmp.resolve("verdant_dag.pyc").toString()));
    assertEquals(0, r.exitCode(), r.stderr());
  }

  static JsonNode render(String runId, String ds) throws Exception {
    Scripts.Result r =
        Scripts.run(Map.of(), List.of("python3", RENDER.toString(), DAG.toString(), runId, ds));
    assertEquals(0, r.exitCode(), r.stderr());
    return StandaloneCluster.JSON.readTree(r.stdout());
  }

  @Test
  void tasksAreTheJobsInOrderWithTheApplicationJarAndSafeRetries() throws Exception {
    assumePython();
    JsonNode dag = render(RUN_IDS.get(0), "2026-11-21");
    List<String> ids = new ArrayList<>();
    for (JsonNode t : dag.path("tasks")) {
      ids.add(t.path("task_id").asText());
      if (t.path("operator").asText().equals("BashSensor")) {
        continue;
      }
      assertEquals("io.verdant.jobs.Verdant", t.path("java_class").asText());
      assertTrue(
          t.path("application").asText().matches(".*/verdant-[^/]*-spark3\\.5\\.jar"),
          t.path("application").asText());
      assertTrue(t.path("properties_file").asText().endsWith(".properties"));
      assertTrue(t.path("retries").asInt() >= 1, "retries");
      List<String> args = strings(t.path("args"));
      assertEquals(t.path("task_id").asText(), args.get(0), "the subcommand is the task");
      // Idempotent reruns: an explicit run id and an output partition of the logical date.
      // evaluate writes no output: it scores the logical date's compressed model on that date's
      // table.
      int out = args.indexOf(args.contains("--out") ? "--out" : "--data");
      assertTrue(
          out > 0 && args.get(out + 1).endsWith("/ds=2026-11-21"),
          "partition by logical date: " + args);
      assertTrue(args.contains("--run-id"), args.toString());
    }
    assertEquals(
        List.of("ingest", "plan_train", "train", "compress", "evaluate", "score", "report"), ids);
    // The report covers exactly the run ids the jobs of this DAG run were given.
    List<String> jobRunIds = new ArrayList<>();
    List<String> reportArgs = null;
    for (JsonNode t : dag.path("tasks")) {
      List<String> args = strings(t.path("args"));
      if (t.path("task_id").asText().equals("report")) {
        reportArgs = args;
      } else if (!t.path("operator").asText().equals("BashSensor")) {
        jobRunIds.add(args.get(args.indexOf("--run-id") + 1));
      }
    }
    int runs = reportArgs.indexOf("--run");
    assertEquals(jobRunIds, reportArgs.subList(runs + 1, runs + 1 + jobRunIds.size()));
    for (int i = 0; i + 1 < ids.size(); i++) {
      assertEquals(List.of(ids.get(i + 1)), strings(dag.path("tasks").get(i).path("downstream")));
    }
  }

  /**
   * train waits behind a plan --check sensor (reschedule mode, exit 3 = poke again, timeout at the
   * deadline) that plans exactly train's command line; a paused train is retried, continuing from
   * its checkpoint.
   */
  @Test
  void trainIsGatedByAPlanSensorAndRetriedAfterAPause() throws Exception {
    assumePython();
    JsonNode tasks = render(RUN_IDS.get(0), "2026-11-21").path("tasks");
    JsonNode gate = tasks.get(1);
    JsonNode train = tasks.get(2);
    assertEquals("BashSensor", gate.path("operator").asText());
    assertEquals("reschedule", gate.path("mode").asText());
    assertEquals(Verdant.EXIT_NOT_YET, gate.path("retry_exit_code").asInt());
    assertTrue(
        gate.path("poke_interval").asInt() > 0 && gate.path("poke_interval").asInt() <= 600,
        "poke interval within --slack");
    List<String> command = strings(gate.path("command"));
    assertEquals(
        List.of("io.verdant.jobs.Verdant", tasks.get(0).path("application").asText()),
        command.subList(command.size() - 2, command.size()),
        "the application jar's main class, no cluster");
    List<String> plan = strings(gate.path("args"));
    List<String> trainArgs = strings(train.path("args"));
    assertEquals("plan", plan.get(0));
    assertEquals(
        trainArgs,
        plan.subList(1, 1 + trainArgs.size()),
        "the plan is of train's own command line");
    assertTrue(
        plan.contains("--check") && plan.contains("--signals") && plan.contains("--zone"),
        plan.toString());
    // The sensor gives up at the deadline: the end of the data interval plus its timeout.
    java.time.Instant deadline = java.time.Instant.parse(plan.get(plan.indexOf("--deadline") + 1));
    assertEquals(
        java.time.Instant.parse("2026-11-22T00:00:00Z").plusSeconds(gate.path("timeout").asLong()),
        deadline);
    assertTrue(trainArgs.contains("--resume"), trainArgs.toString());
    assertTrue(
        train.path("retries").asInt() >= 10, "a paused train is retried: " + train.path("retries"));
  }

  @TestFactory
  Stream<DynamicTest> everyCommandLineIsAcceptedByVerdant() throws Exception {
    assumePython();
    Set<String> registered = new TreeSet<>(Verdant.commandLine().getSubcommands().keySet());
    List<DynamicTest> tests = new ArrayList<>();
    Set<String> skipped = new TreeSet<>();
    for (String runId : RUN_IDS) {
      for (JsonNode t : render(runId, "2026-11-22").path("tasks")) {
        List<String> args = strings(t.path("args"));
        String job = args.get(0);
        if (!registered.contains(job)) {
          skipped.add(job);
        }
        tests.add(
            dynamicTest(
                t.path("task_id").asText() + " [" + runId + "]",
                () -> {
                  Assumptions.assumeTrue(
                      registered.contains(job),
                      "verdant " + job + " is not registered yet (registered: " + registered + ")");
                  List<String> dry = new ArrayList<>(args);
                  dry.add("--dry-run");
                  int code;
                  ByteArrayOutputStream out = new ByteArrayOutputStream();
                  ByteArrayOutputStream err = new ByteArrayOutputStream();
                  PrintStream oldOut = System.out;
                  PrintStream oldErr = System.err;
                  try {
                    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                    code = Verdant.run(dry.toArray(new String[0]));
                  } finally {
                    System.setOut(oldOut);
                    System.setErr(oldErr);
                  }
                  assertEquals(
                      0,
                      code,
                      "verdant "
                          + String.join(" ", dry)
                          + "\n"
                          + err.toString(StandardCharsets.UTF_8));
                  assertTrue(
                      out.toString(StandardCharsets.UTF_8).contains("options are valid"),
                      out.toString(StandardCharsets.UTF_8));
                }));
      }
    }
    System.out.println(
        "Airflow DAG tasks skipped until their job is registered in Verdant: " + skipped);
    return tests.stream();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

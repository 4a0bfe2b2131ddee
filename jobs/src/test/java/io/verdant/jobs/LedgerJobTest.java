package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.energy.RaplReader;
import io.verdant.common.energy.SystemPaths;
import io.verdant.testing.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every job writes the ledger: an ingest run of the MNIST slice, a rerun, a failed run, and ledger
 * show.
 */
class LedgerJobTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("ledger-job");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String[] ingest(Path out, String ledger, String... more) {
    List<String> a = new ArrayList<>(List.of(IngestCommandTest.idxArgs(out)));
    a.addAll(List.of("--ledger", ledger));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  static String captureOut(Runnable r) {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void ingestWritesRunsEnergyAndUtilizationRowsAndRerunsReplaceThem(@TempDir Path tmp) {
    String ledger = tmp.resolve("ledger").toString();
    Path out = tmp.resolve("mnist");
    assertEquals(0, Verdant.run(ingest(out, ledger, "--run-id", "L1")));

    spark.read().parquet(ledger + "/runs").createOrReplaceTempView("runs");
    spark.read().parquet(ledger + "/energy").createOrReplaceTempView("energy");
    spark.read().parquet(ledger + "/utilization").createOrReplaceTempView("utilization");
    Row run =
        spark
            .sql(
                "SELECT job, status, phases, energy_j, co2e_g, cpu_s, task_count, methods, dataset_id,"
                    + " error_message, wall_ms, pue, grid_intensity_g_per_kwh, region, options_json, verdant_version, date"
                    + " FROM runs WHERE run_id = 'L1'")
            .first();
    assertEquals("ingest", run.getString(0));
    assertEquals("succeeded", run.getString(1));
    List<String> phases = run.getList(2);
    assertTrue(phases.containsAll(List.of("read", "write", "stats")), phases.toString());
    double energyJ = run.getDouble(3);
    assertTrue(energyJ > 0, "energy_j " + energyJ);
    assertEquals(energyJ / 3.6e6 * 1.58 * 475, run.getDouble(4), 1e-9);
    assertTrue(run.getDouble(5) > 0);
    long tasks = run.getLong(6);
    assertTrue(tasks > 0);
    boolean rapl = new RaplReader(SystemPaths.defaults()).hasPackage();
    assertTrue(run.getString(7).contains(rapl ? "cpu=rapl" : "cpu=tdp-model"), run.getString(7));
    assertEquals("train-images-idx3-ubyte", run.getString(8));
    assertNull(run.get(9));
    assertTrue(run.getLong(10) > 0);
    assertEquals(1.58, run.getDouble(11), 1e-12);
    assertEquals(475.0, run.getDouble(12), 1e-9);
    assertEquals("world", run.getString(13));
    assertTrue(run.getString(14).contains("\"--ledger\":\"" + ledger + "\""), run.getString(14));
    assertFalse(run.getString(15).isEmpty());

    // Energy rows: per phase and component, the method named on each, carbon = energy x PUE x
    // intensity.
    List<Row> energy =
        spark
            .sql(
                "SELECT phase, component, method, energy_j, co2e_g, mean_power_w, duration_ms,"
                    + " executor_id FROM energy WHERE run_id = 'L1'")
            .collectAsList();
    assertTrue(
        energy.stream()
            .anyMatch(
                r ->
                    "cpu".equals(r.getString(1))
                        && (rapl ? "rapl" : "tdp-model").equals(r.getString(2))));
    assertTrue(energy.stream().anyMatch(r -> "memory".equals(r.getString(1))));
    assertTrue(energy.stream().anyMatch(r -> "write".equals(r.getString(0))));
    double sum = 0;
    for (Row r : energy) {
      assertEquals(r.getDouble(3) / 3.6e6 * 1.58 * 475, r.getDouble(4), 1e-9);
      if (r.getLong(6) > 0) {
        assertEquals(
            r.getDouble(3) / (r.getLong(6) / 1000.0), r.getDouble(5), r.getDouble(5) * 0.01 + 1e-9);
      }
      assertEquals("driver", r.getString(7));
      sum += r.getDouble(3);
    }
    assertEquals(energyJ, sum, 1e-6);

    // One utilization row per task, each with its stage and phase.
    Row u =
        spark
            .sql(
                "SELECT count(*), count(phase), count(stage_name), sum(executor_run_time_ms), sum(input_bytes)"
                    + " FROM utilization WHERE run_id = 'L1'")
            .first();
    assertEquals(tasks, u.getLong(0));
    assertEquals(tasks, u.getLong(1));
    assertEquals(tasks, u.getLong(2));
    assertTrue(u.getLong(3) > 0);
    assertTrue(
        spark
                .sql("SELECT count(*) FROM utilization WHERE run_id = 'L1' AND phase = 'write'")
                .first()
                .getLong(0)
            > 0);

    String first =
        captureOut(
            () ->
                assertEquals(0, Verdant.run("ledger", "show", "--ledger", ledger, "--run", "L1")));
    for (String p : List.of("read", "write", "stats", "total")) {
      assertTrue(first.lines().anyMatch(l -> l.trim().startsWith(p + " ")), first);
    }

    // The same run id again (an Airflow retry): its rows are replaced, not added.
    assertEquals(
        0,
        Verdant.run(
            ingest(out, ledger, "--run-id", "L1", "--grid-intensity", "100", "--region", "test")));
    // A failing run: the output exists and belongs to another run (no --overwrite); its runs row
    // says failed.
    assertEquals(1, Verdant.run(ingest(out, ledger, "--run-id", "L2")));

    spark.read().parquet(ledger + "/runs").createOrReplaceTempView("runs2");
    spark.read().parquet(ledger + "/energy").createOrReplaceTempView("energy2");
    assertEquals(
        1L, spark.sql("SELECT count(*) FROM runs2 WHERE run_id = 'L1'").first().getLong(0));
    Row l1 =
        spark.sql("SELECT grid_intensity_g_per_kwh, region FROM runs2 WHERE run_id = 'L1'").first();
    assertEquals(100.0, l1.getDouble(0), 1e-9);
    assertEquals("test", l1.getString(1));
    assertEquals(
        0L,
        spark
            .sql("SELECT count(*) FROM energy2 WHERE run_id = 'L1' AND region <> 'test'")
            .first()
            .getLong(0));
    Row l2 = spark.sql("SELECT status, error_message FROM runs2 WHERE run_id = 'L2'").first();
    assertEquals("failed", l2.getString(0));
    assertTrue(l2.getString(1).contains("already exists"), l2.getString(1));

    // verdant ledger show
    String shown =
        captureOut(() -> assertEquals(0, Verdant.run("ledger", "show", "--ledger", ledger)));
    assertTrue(shown.contains("run L1  job ingest  status succeeded"), shown);
    assertTrue(shown.contains("run L2  job ingest  status failed"), shown);
    assertTrue(shown.contains("cpu=" + (rapl ? "rapl" : "tdp-model")), shown);
    assertTrue(shown.contains("energy_Wh") && shown.contains("co2e_g"), shown);
    String one =
        captureOut(
            () ->
                assertEquals(0, Verdant.run("ledger", "show", "--ledger", ledger, "--run", "L1")));
    assertTrue(one.contains("run L1") && !one.contains("run L2"), one);
    assertTrue(one.contains("region test"), one);
    String last =
        captureOut(
            () ->
                assertEquals(0, Verdant.run("ledger", "show", "--ledger", ledger, "--last", "1")));
    assertTrue(last.contains("run L2") && !last.contains("run L1"), last);
    assertEquals(1, Verdant.run("ledger", "show", "--ledger", ledger, "--run", "nope"));
  }

  @Test
  void showNamesAMissingLedgerAndSaysNoRunsForAnEmptyOne(@TempDir Path tmp) throws Exception {
    Path missing = tmp.resolve("no-such-ledger");
    CliRun.of("ledger", "show", "--ledger", missing.toString())
        .assertError(
            "verdant ledger show",
            "No ledger at "
                + missing
                + ": the path does not exist (give the ledger's root with --ledger or $VERDANT_LEDGER)");
    java.nio.file.Files.createDirectories(tmp.resolve("empty"));
    CliRun empty = CliRun.of("ledger", "show", "--ledger", tmp.resolve("empty").toString());
    assertEquals(0, empty.code(), empty.err());
    assertEquals("No runs in the ledger at " + tmp.resolve("empty") + "\n", empty.out());
  }

  @Test
  void badLedgerOptionsAreRefusedBeforeSpark(@TempDir Path tmp) {
    String ledger = tmp.resolve("ledger").toString();
    assertEquals(1, Verdant.run(ingest(tmp.resolve("o"), ledger, "--pue", "0.5")));
    assertEquals(
        1,
        Verdant.run(
            ingest(
                tmp.resolve("o"),
                ledger,
                "--grid-intensity-csv",
                tmp.resolve("missing.csv").toString())));
    assertFalse(tmp.resolve("o").toFile().exists());
    assertFalse(tmp.resolve("ledger").toFile().exists());
  }
}

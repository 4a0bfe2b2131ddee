package io.verdant.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.testing.LocalSpark;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerWriterTest {
  private static SparkSession spark;
  private static final long DAY1 = java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final long DAY2 = java.time.Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("ledger-writer");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void sparkSqlReadsTheTablesAndARerunReplacesOnlyItsRows(@TempDir Path tmp) {
    String root = tmp.resolve("ledger").toString();
    LedgerWriter w = new LedgerWriter(root, new Configuration());
    w.write(
        LedgerFixtures.run("a", DAY1, "succeeded", 100),
        LedgerFixtures.energy(DAY1, 100),
        LedgerFixtures.tasks(3));
    w.write(
        LedgerFixtures.run("b", DAY1, "failed", 50),
        LedgerFixtures.energy(DAY1, 50),
        LedgerFixtures.tasks(1));
    // Rerun of "a" on the next day (an Airflow retry): its rows move to the new date, "b" is
    // untouched.
    w.write(
        LedgerFixtures.run("a", DAY2, "succeeded", 70),
        LedgerFixtures.energy(DAY2, 70),
        LedgerFixtures.tasks(2));
    assertTrue(Files.exists(tmp.resolve("ledger/runs/date=2026-03-02/part-a.parquet")));
    assertTrue(Files.notExists(tmp.resolve("ledger/runs/date=2026-03-01/part-a.parquet")));

    spark.read().parquet(root + "/runs").createOrReplaceTempView("runs");
    spark.read().parquet(root + "/energy").createOrReplaceTempView("energy");
    spark.read().parquet(root + "/utilization").createOrReplaceTempView("utilization");
    List<Row> runs =
        spark
            .sql(
                "SELECT run_id, status, energy_j, cast(date AS string), phases[1], phase_wall_ms['write'],"
                    + " schema_version, error_message FROM runs ORDER BY run_id")
            .collectAsList();
    assertEquals(2, runs.size());
    assertEquals("a", runs.get(0).getString(0));
    assertEquals(70.0, runs.get(0).getDouble(2), 1e-9);
    assertEquals("2026-03-02", runs.get(0).getString(3));
    assertEquals("write", runs.get(0).getString(4));
    assertEquals(200L, runs.get(0).getLong(5));
    assertEquals(LedgerTables.SCHEMA_VERSION, runs.get(0).getInt(6));
    assertEquals("failed", runs.get(1).getString(1));
    assertEquals("boom", runs.get(1).getString(7));
    Row e = spark.sql("SELECT sum(energy_j), count(*) FROM energy WHERE run_id = 'a'").first();
    assertEquals(70.0, e.getDouble(0), 1e-9);
    assertEquals(2L, e.getLong(1));
    assertEquals(
        2L, spark.sql("SELECT count(*) FROM utilization WHERE run_id = 'a'").first().getLong(0));
    assertEquals(
        1L, spark.sql("SELECT count(*) FROM utilization WHERE run_id = 'b'").first().getLong(0));
    Row t =
        spark
            .sql(
                "SELECT executor_cpu_time_ms, peak_execution_memory_bytes, launch_time FROM utilization LIMIT 1")
            .first();
    assertEquals(80.5, t.getDouble(0), 1e-9);
    assertEquals(4096L, t.getLong(1));
    assertEquals(1000L, t.getTimestamp(2).getTime());
  }

  @Test
  void aFailedUtilizationWriteFailsTheRunAndWritesNoRunsRow(@TempDir Path tmp) throws Exception {
    Path root = tmp.resolve("ledger");
    Files.createDirectories(root);
    Files.writeString(root.resolve(LedgerTables.UTILIZATION), "not a directory");
    LedgerWriter w = new LedgerWriter(root.toString(), new Configuration());
    java.io.UncheckedIOException ex =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.UncheckedIOException.class,
            () ->
                w.write(
                    LedgerFixtures.run("c", DAY1, "succeeded", 10),
                    LedgerFixtures.energy(DAY1, 10),
                    LedgerFixtures.tasks(2)));
    assertTrue(
        ex.getMessage().startsWith("Cannot write the ledger's utilization rows of run c to "),
        ex.getMessage());
    assertTrue(Files.notExists(root.resolve("runs")));
  }

  @Test
  void eightConcurrentRunsAndAKilledWriterLoseNothingAndLeaveNothingVisible(@TempDir Path tmp)
      throws Exception {
    String root = tmp.resolve("ledger").toString();
    // A separate JVM writes runs in a loop and is killed with SIGKILL in the middle of a write.
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LedgerFixtures.class.getName(),
                root,
                "killed")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                LedgerWriter w = new LedgerWriter(root, new Configuration());
                for (int i = 0; i < 2; i++) {
                  String run = "c" + id + "-" + i;
                  w.write(
                      LedgerFixtures.run(run, DAY1, "succeeded", 1),
                      LedgerFixtures.energy(DAY1, 1),
                      LedgerFixtures.tasks(50));
                }
                return null;
              }));
    }
    // Once the child is well into writing, kill it (-9) while the eight writers are still at work.
    long deadline = System.currentTimeMillis() + 60_000;
    while (countVisible(tmp.resolve("ledger/runs"), "part-killed-") < 3
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long killedRuns = countVisible(tmp.resolve("ledger/runs"), "part-killed-");
    org.slf4j.LoggerFactory.getLogger(LedgerWriterTest.class)
        .info("The killed writer completed {} runs", killedRuns);
    assertTrue(killedRuns >= 3, "the child wrote " + killedRuns + " runs; see child.log");

    spark.read().parquet(root + "/runs").createOrReplaceTempView("runs_c");
    spark.read().parquet(root + "/utilization").createOrReplaceTempView("util_c");
    assertEquals(
        16L, spark.sql("SELECT count(*) FROM runs_c WHERE run_id LIKE 'c%'").first().getLong(0));
    assertEquals(
        16L,
        spark
            .sql("SELECT count(DISTINCT run_id) FROM runs_c WHERE run_id LIKE 'c%'")
            .first()
            .getLong(0));
    assertEquals(
        800L, spark.sql("SELECT count(*) FROM util_c WHERE run_id LIKE 'c%'").first().getLong(0));
    // Every run of the killed writer that has its runs row has all its task rows, exactly once.
    assertEquals(
        0L,
        spark
            .sql(
                "SELECT count(*) FROM (SELECT r.run_id, count(u.task_id) n FROM runs_c r"
                    + " LEFT JOIN util_c u ON r.run_id = u.run_id WHERE r.run_id LIKE 'killed-%' GROUP BY r.run_id) WHERE n <> 100")
            .first()
            .getLong(0));
    assertEquals(
        killedRuns,
        spark.sql("SELECT count(*) FROM runs_c WHERE run_id LIKE 'killed-%'").first().getLong(0));
    // The ledger's own reader agrees, and skips the killed write's hidden leftovers.
    assertEquals(
        16 + killedRuns, LedgerTables.runs(new LedgerReader(root, new Configuration())).size());
  }

  /**
   * Visible run files; other writers create and rename files meanwhile, so a vanished file is
   * retried.
   */
  static long countVisible(Path dir, String prefix) throws Exception {
    for (int attempt = 0; ; attempt++) {
      if (!Files.isDirectory(dir)) {
        return 0;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(
                f ->
                    f.getFileName().toString().startsWith(prefix)
                        && f.getFileName().toString().endsWith(".parquet"))
            .count();
      } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }
}

package io.verdant.common.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.ledger.LedgerWriter;
import io.verdant.common.ledger.RunRow;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdantPluginTest {
  @Test
  void enablingKeepsTheOperatorsPlugins() {
    SparkConf c = new SparkConf(false).set("spark.plugins", "com.example.Other");
    VerdantPlugin.enable(c);
    assertEquals("com.example.Other," + VerdantPlugin.class.getName(), c.get("spark.plugins"));
    VerdantPlugin.enable(c);
    assertEquals("com.example.Other," + VerdantPlugin.class.getName(), c.get("spark.plugins"));
    assertEquals("false", c.get(VerdantPlugin.CONF_RECORD_APPLICATION));
    SparkConf d = new SparkConf(false).set(VerdantPlugin.CONF_RECORD_APPLICATION, "true");
    VerdantPlugin.enable(d);
    assertEquals(VerdantPlugin.class.getName(), d.get("spark.plugins"));
    assertEquals("true", d.get(VerdantPlugin.CONF_RECORD_APPLICATION));
  }

  /**
   * A plain Spark application (not a Verdant job) that only enables the plugin by configuration.
   */
  @Test
  void aPlainSparkAppInLocalModeIsRecordedByThePlugin(@TempDir Path tmp) {
    String ledger = tmp.resolve("ledger").toString();
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("plain-app")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.plugins", VerdantPlugin.class.getName())
            .config("spark.verdant.ledger", ledger)
            .config("spark.verdant.sampleInterval", "200ms")
            .config("spark.verdant.gridIntensity", "300")
            .config("spark.verdant.region", "FR")
            .getOrCreate();
    String appId = spark.sparkContext().applicationId();
    spark.sparkContext().setJobGroup("count-phase", "counting", false);
    long n = spark.range(0, 3_000_000, 1, 4).selectExpr("sum(id * id) AS s").first().getLong(0);
    assertTrue(n != 0);
    spark.sparkContext().clearJobGroup();
    spark.stop();

    Configuration conf = new Configuration();
    LedgerReader r = new LedgerReader(ledger, conf);
    List<RunRow> runs = LedgerTables.runs(r);
    assertEquals(1, runs.size());
    RunRow run = runs.get(0);
    assertEquals(appId, run.runId());
    assertEquals("plain-app", run.job());
    assertEquals("succeeded", run.status());
    assertEquals("FR", run.region());
    assertEquals(300.0, run.gridIntensityGPerKwh(), 1e-9);
    assertTrue(run.taskCount() >= 4, "tasks: " + run.taskCount());
    assertTrue(
        run.energyJ() > 0 && run.cpuSeconds() > 0,
        "energy " + run.energyJ() + " cpu " + run.cpuSeconds());
    // Local mode: driver and executor are one JVM, measured once: one executor, one cpu method.
    List<String> executors =
        r.read(
            LedgerTables.ENERGY,
            appId,
            g ->
                LedgerReader.string(g, "executor_id")
                    + "/"
                    + LedgerReader.string(g, "component")
                    + "/"
                    + LedgerReader.string(g, "method"));
    assertTrue(executors.stream().allMatch(e -> e.startsWith("driver/")), executors.toString());
    assertTrue(
        executors.contains("driver/cpu/tdp-model") || executors.contains("driver/cpu/rapl"),
        executors.toString());
    List<String> phases =
        r.read(LedgerTables.UTILIZATION, appId, g -> LedgerReader.string(g, "phase"));
    assertTrue(phases.contains("count-phase"), phases.toString());
    assertTrue(LedgerWriter.fileName(appId).startsWith("part-"));
  }
}

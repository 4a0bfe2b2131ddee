package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.datasets.table.Manifest;
import io.verdant.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class IngestCommandTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("ingest-command");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  public static String[] idxArgs(Path out, String... more) {
    Path d = LocalSpark.testData("mnist-slice");
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
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
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  @Test
  void theInputIsACatalogDatasetOrFilesNeverBothNorNeither() {
    String files =
        "(--format=FORMAT --train=PATH [--train-labels=PATH] [--test=PATH] [--test-labels=PATH])";
    assertUsageError(
        "Error: --dataset=NAME and " + files + " are mutually exclusive (specify only one)",
        "ingest",
        "--dataset",
        "mnist",
        "--format",
        "csv",
        "--train",
        "x.csv",
        "--dry-run");
    assertUsageError(
        "Error: Missing required argument (specify one of these): (--dataset=NAME | " + files + ")",
        "ingest",
        "--dry-run");
    assertUsageError(
        "Error: Missing required argument(s): --train=PATH",
        "ingest",
        "--format",
        "csv",
        "--dry-run");
    CliRun ok = CliRun.of("ingest", "--dataset", "mnist", "--dry-run");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(
        ok.out().contains("  --dataset = mnist") && ok.out().contains("  --format = null"),
        ok.out());
  }

  private static void assertUsageError(String message, String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(
        "verdant ingest: "
            + message
            + System.lineSeparator()
            + "Run 'verdant ingest --help' for the options.",
        r.err().strip());
    assertEquals(2, r.code());
  }

  @Test
  void ingestsTheMnistSliceAndSparkSqlReadsIt(@TempDir Path tmp) {
    Path out = tmp.resolve("mnist");
    assertEquals(0, Verdant.run(idxArgs(out, "--run-id", "t1")));
    Manifest m =
        Manifest.read(out.toString(), spark.sparkContext().hadoopConfiguration()).manifest();
    assertEquals(5000, m.rows("train") + m.rows("validation"));
    assertEquals(1000, m.rows("test"));
    assertEquals(List.of(1, 28, 28), m.shape());
    assertEquals(10, m.numClasses());
    assertEquals("scale", m.normalization().method());
    long sevens = m.splits().get("test").classCounts().get("7");
    spark.read().parquet(out.resolve("table").toString()).createOrReplaceTempView("mnist_slice");
    List<Row> rows =
        spark
            .sql(
                "SELECT split, count(*), max(size(features)), max(array_max(features)) FROM mnist_slice"
                    + " GROUP BY split ORDER BY split")
            .collectAsList();
    assertEquals(3, rows.size());
    assertEquals("test", rows.get(0).getString(0));
    assertEquals(1000L, rows.get(0).getLong(1));
    assertEquals(784, rows.get(0).getInt(2));
    assertTrue(rows.get(0).getFloat(3) <= 1.0f);
    assertEquals(
        sevens,
        spark
            .sql("SELECT count(*) FROM mnist_slice WHERE split = 'test' AND label = 7")
            .first()
            .getLong(0));
    // Same run id again: idempotent, nothing rewritten.
    assertEquals(0, Verdant.run(idxArgs(out, "--run-id", "t1")));
    // Another run id without --overwrite: refused, and the existing output is untouched.
    assertEquals(1, Verdant.run(idxArgs(out, "--run-id", "t2")));
    assertTrue(Files.exists(out.resolve("manifest.json")));
    assertFalse(Files.exists(tmp.resolve(".mnist.tmp-t2")));
  }
}

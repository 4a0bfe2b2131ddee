package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.verdant.datasets.catalog.DatasetCatalog;
import io.verdant.datasets.fetch.CacheDirs;
import io.verdant.datasets.fetch.DatasetFetcher;
import io.verdant.datasets.table.Manifest;
import io.verdant.testing.LocalSpark;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full MNIST, when it is in the dataset cache ($VERDANT_CACHE_DIR, else the user's cache; CI
 * fetches it first): the manifest has 60,000 train+validation and 10,000 test rows with the class
 * counts of the original files, and Spark SQL reads the table. Skipped when the cache does not hold
 * verified MNIST.
 */
class FullMnistIngestTest {
  /** Per digit 0-9, from the original label files (../shared/datasets.md). */
  static final List<Long> TRAIN_COUNTS =
      List.of(5923L, 6742L, 5958L, 6131L, 5842L, 5421L, 5918L, 6265L, 5851L, 5949L);

  static final List<Long> TEST_COUNTS =
      List.of(980L, 1135L, 1032L, 1010L, 982L, 892L, 958L, 1028L, 974L, 1009L);

  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        new DatasetFetcher(CacheDirs.resolve(null)).isPresent(DatasetCatalog.MNIST),
        "full MNIST is not in the cache "
            + CacheDirs.resolve(null)
            + " (run `verdant datasets fetch mnist`)");
    spark = LocalSpark.start("full-mnist");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void ingestsFullMnistWithTheOriginalClassCounts() {
    Path out = tmp.resolve("mnist");
    CliRun r =
        CliRun.of(
            "ingest", "--dataset", "mnist", "--out", out.toString(), "--run-id", "full-mnist-test");
    assertEquals(0, r.code(), r.err());
    Manifest m =
        Manifest.read(out.toString(), spark.sparkContext().hadoopConfiguration()).manifest();
    assertEquals(60_000, m.rows("train") + m.rows("validation"));
    assertEquals(10_000, m.rows("test"));
    assertEquals(List.of(1, 28, 28), m.shape());
    assertEquals(784, m.featureCount());
    assertEquals(10, m.numClasses());
    Map<String, Long> trainAndValidation = new LinkedHashMap<>();
    for (String split : List.of("train", "validation")) {
      m.splits()
          .get(split)
          .classCounts()
          .forEach((k, v) -> trainAndValidation.merge(k, v, Long::sum));
    }
    assertEquals(TRAIN_COUNTS, List.copyOf(trainAndValidation.values()));
    assertEquals(
        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
        List.copyOf(trainAndValidation.keySet()));
    assertEquals(TEST_COUNTS, List.copyOf(m.splits().get("test").classCounts().values()));
    assertEquals(4, m.sources().size());
    for (int i = 0; i < 4; i++) {
      assertEquals(DatasetCatalog.MNIST.files().get(i).sha256(), m.sources().get(i).sha256());
      assertEquals(DatasetCatalog.MNIST.files().get(i).bytes(), m.sources().get(i).bytes());
    }

    spark.read().parquet(out.resolve("table").toString()).createOrReplaceTempView("mnist_full");
    List<Row> rows =
        spark
            .sql(
                "SELECT split, count(*), count(DISTINCT row_id), min(size(features)), max(size(features)),"
                    + " min(array_min(features)), max(array_max(features)) FROM mnist_full GROUP BY split ORDER BY split")
            .collectAsList();
    assertEquals(
        List.of("test", "train", "validation"), rows.stream().map(x -> x.getString(0)).toList());
    long total = 0;
    for (Row x : rows) {
      assertEquals(x.getLong(1), x.getLong(2), "row ids are unique in " + x.getString(0));
      assertEquals(784, x.getInt(3));
      assertEquals(784, x.getInt(4));
      assertEquals(0.0f, x.getFloat(5));
      assertEquals(1.0f, x.getFloat(6));
      total += x.getLong(1);
    }
    assertEquals(70_000, total);
    assertEquals(
        m.rows("validation"),
        spark.sql("SELECT count(*) FROM mnist_full WHERE split = 'validation'").first().getLong(0));
    assertEquals(
        1135L,
        spark
            .sql("SELECT count(*) FROM mnist_full WHERE split = 'test' AND label = 1")
            .first()
            .getLong(0));
  }
}

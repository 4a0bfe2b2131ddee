package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.datasets.table.Manifest;
import io.verdant.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest of the real iris and wine data from CSV, LibSVM and Parquet, read back with Spark SQL. */
class TabularIngestTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("tabular-ingest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path data(String name) {
    return LocalSpark.testData("tabular").resolve(name);
  }

  private static Manifest ingest(String... args) {
    CliRun r = CliRun.of(args);
    assertEquals(0, r.code(), r.err());
    int out = List.of(args).indexOf("--out");
    return Manifest.read(args[out + 1], spark.sparkContext().hadoopConfiguration()).manifest();
  }

  /** row_id to (split, label, features) of a table. */
  private static Map<Long, Row> byRowId(Path table) {
    Map<Long, Row> m = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(table.resolve("table").toString())
            .select("row_id", "split", "label", "features")
            .collectAsList()) {
      m.put(r.getLong(0), r);
    }
    return m;
  }

  @Test
  void irisCsvWithClassNamesIsStandardizedWithTrainStatistics() {
    Path out = tmp.resolve("iris");
    Manifest m =
        ingest(
            "ingest",
            "--format",
            "csv",
            "--train",
            data("iris.csv").toString(),
            "--label-column",
            "species",
            "--out",
            out.toString());
    assertEquals("classification", m.task());
    assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
    assertEquals(3, m.numClasses());
    assertEquals(4, m.featureCount());
    assertEquals(List.of(4), m.shape());
    assertEquals("fraction", m.testSource());
    assertEquals(150, m.rows("train") + m.rows("validation") + m.rows("test"));
    long setosa = 0;
    for (String s : List.of("train", "validation", "test")) {
      setosa += m.splits().get(s).classCounts().getOrDefault("0", 0L);
    }
    assertEquals(50, setosa, "iris has 50 setosa");
    assertEquals("standardize", m.normalization().method());
    assertEquals("train", m.normalization().statisticsFrom());
    spark.read().parquet(out.resolve("table").toString()).createOrReplaceTempView("iris");
    // Train features have mean 0 and (population) std 1 per column; the other splits are only
    // shifted by them.
    for (int k = 0; k < 4; k++) {
      Row r =
          spark
              .sql(
                  "SELECT avg(features["
                      + k
                      + "]), stddev_pop(features["
                      + k
                      + "]), count(*) FROM iris"
                      + " WHERE split = 'train'")
              .first();
      assertEquals(0.0, r.getDouble(0), 1e-5);
      assertEquals(1.0, r.getDouble(1), 1e-5);
    }
    // The sepal length of the first row, 5.1, standardized with the manifest's statistics.
    double mean = m.normalization().mean().get(0);
    double std = m.normalization().std().get(0);
    Row first = spark.sql("SELECT features[0], label FROM iris WHERE row_id = 0").first();
    assertEquals((5.1 - mean) / std, first.getFloat(0), 1e-5);
    assertEquals(0, first.getInt(1));
    // Row ids are 0..149, unique, and stay with their rows: another run (other output partitioning)
    // agrees.
    Row ids =
        spark.sql("SELECT min(row_id), max(row_id), count(DISTINCT row_id) FROM iris").first();
    assertEquals(List.of(0L, 149L, 150L), List.of(ids.getLong(0), ids.getLong(1), ids.getLong(2)));
    Path again = tmp.resolve("iris-again");
    ingest(
        "ingest",
        "--format",
        "csv",
        "--train",
        data("iris.csv").toString(),
        "--label-column",
        "species",
        "--out",
        again.toString(),
        "--partitions",
        "3");
    assertSameRows(150, out, again);
  }

  @Test
  void wineFromCsvFromHeaderlessCsvAndFromLibsvmGiveTheSameTable() {
    Path csv = tmp.resolve("wine-csv");
    Manifest mc =
        ingest(
            "ingest",
            "--format",
            "csv",
            "--train",
            data("wine.csv").toString(),
            "--label-column",
            "class",
            "--out",
            csv.toString());
    Path lib = tmp.resolve("wine-libsvm");
    Manifest ml =
        ingest(
            "ingest",
            "--format",
            "libsvm",
            "--train",
            data("wine.libsvm").toString(),
            "--out",
            lib.toString());
    assertEquals(13, ml.featureCount());
    assertEquals(3, ml.numClasses());
    assertNull(ml.classNames(), "integer labels are the class indices");
    assertSameTable(178, mc, csv, ml, lib);
    // wine-no-header.csv is wine.csv without its header line: the class is column 13 (c13).
    Path headerless = tmp.resolve("wine-no-header");
    Manifest mh =
        ingest(
            "ingest",
            "--format",
            "csv",
            "--csv-header=false",
            "--train",
            data("wine-no-header.csv").toString(),
            "--label-column",
            "13",
            "--out",
            headerless.toString());
    assertEquals(13, mh.featureCount());
    assertSameTable(178, mc, csv, mh, headerless);
  }

  /**
   * Both tables have the same split counts and normalization, and {@code rows} rows with the same
   * ids, splits, labels and features.
   */
  private static void assertSameTable(int rows, Manifest m, Path table, Manifest om, Path other) {
    assertEquals(m.splits(), om.splits());
    assertEquals(m.normalization().mean(), om.normalization().mean());
    assertSameRows(rows, table, other);
  }

  /** Both tables have {@code rows} rows with the same ids, splits, labels and features. */
  private static void assertSameRows(int rows, Path table, Path other) {
    Map<Long, Row> a = byRowId(table);
    Map<Long, Row> b = byRowId(other);
    assertEquals(rows, a.size());
    assertEquals(a.keySet(), b.keySet());
    for (long id : a.keySet()) {
      assertEquals(a.get(id).getString(1), b.get(id).getString(1));
      assertEquals(a.get(id).getInt(2), b.get(id).getInt(2));
      assertEquals(a.get(id).getList(3), b.get(id).getList(3));
    }
  }

  @Test
  void headerlessCsvTakesTheLabelByTheNameOfItsPosition() {
    Path out = tmp.resolve("wine-alcohol");
    Manifest m =
        ingest(
            "ingest",
            "--format",
            "csv",
            "--csv-header",
            "false",
            "--train",
            data("wine-no-header.csv").toString(),
            "--label-column",
            "c0",
            "--out",
            out.toString());
    assertEquals("regression", m.task());
    assertEquals(13, m.featureCount(), "the class column is a feature now");
    Row r =
        spark
            .read()
            .parquet(out.resolve("table").toString())
            .where("row_id = 0")
            .select("label")
            .first();
    assertEquals(14.23, r.getDouble(0), 1e-12);
  }

  @Test
  void realValuedLabelIsRegressionOnAuto() {
    Path out = tmp.resolve("alcohol");
    Manifest m =
        ingest(
            "ingest",
            "--format",
            "csv",
            "--train",
            data("wine.csv").toString(),
            "--label-column",
            "alcohol",
            "--out",
            out.toString());
    assertEquals("regression", m.task());
    assertEquals("double", m.labelType());
    assertEquals(0, m.numClasses());
    assertEquals(13, m.featureCount(), "the class column is a feature now");
    Row r =
        spark
            .read()
            .parquet(out.resolve("table").toString())
            .where("row_id = 0")
            .select("label")
            .first();
    assertEquals(14.23, r.getDouble(0), 1e-12);
  }

  @Test
  void parquetWithAFeaturesArrayAndATestInput() throws Exception {
    // iris as Parquet: features array<double>, species names; the last 30 rows as a separate test
    // input.
    List<String> lines = Files.readAllLines(data("iris.csv"));
    StructType schema =
        new StructType()
            .add("species", DataTypes.StringType)
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> train = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      List<Double> x = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        x.add(Double.parseDouble(f[k]));
      }
      (i % 5 == 0 ? test : train).add(RowFactory.create(f[4], x));
    }
    Path trainPq = tmp.resolve("iris-train.parquet");
    Path testPq = tmp.resolve("iris-test.parquet");
    spark.createDataFrame(train, schema).repartition(2).write().parquet(trainPq.toString());
    spark.createDataFrame(test, schema).coalesce(1).write().parquet(testPq.toString());
    Path out = tmp.resolve("iris-pq");
    Manifest m =
        ingest(
            "ingest",
            "--format",
            "parquet",
            "--train",
            trainPq.toString(),
            "--test",
            testPq.toString(),
            "--label-column",
            "species",
            "--out",
            out.toString());
    assertEquals("file", m.testSource());
    assertEquals(120, m.rows("train") + m.rows("validation"));
    assertEquals(30, m.rows("test"));
    assertEquals(Map.of("0", 10L, "1", 10L, "2", 10L), m.splits().get("test").classCounts());
    assertEquals(List.of("setosa", "versicolor", "virginica"), m.classNames());
    assertTrue(
        m.sources().size() >= 3, "each data file of both inputs is recorded: " + m.sources());
    Row ids =
        spark
            .read()
            .parquet(out.resolve("table").toString())
            .selectExpr("min(row_id)", "max(row_id)", "count(DISTINCT row_id)")
            .first();
    assertEquals(List.of(0L, 149L, 150L), List.of(ids.getLong(0), ids.getLong(1), ids.getLong(2)));
    float[] mean = new float[4];
    for (Row r :
        spark
            .read()
            .parquet(out.resolve("table").toString())
            .where("split = 'train'")
            .select("features")
            .collectAsList()) {
      List<Float> f = r.getList(0);
      for (int k = 0; k < 4; k++) {
        mean[k] += f.get(k) / m.rows("train");
      }
    }
    assertArrayEquals(new float[4], mean, 1e-5f);
  }
}

package io.verdant.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.Checksums;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.datasets.catalog.DatasetCatalog;
import io.verdant.datasets.fetch.CacheDirs;
import io.verdant.datasets.fetch.DatasetFetcher;
import io.verdant.jobs.CliRun;
import io.verdant.jobs.EvaluateCommand;
import io.verdant.jobs.IngestCommandTest;
import io.verdant.jobs.Verdant;
import io.verdant.jobs.model.Predictions;
import io.verdant.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The score job end to end on MNIST with a LeNet-300-100 trained, compressed and decompressed in
 * the test (on the committed slice): the compressed model scored from its sparse form predicts
 * exactly as its decoded dense model on MNIST's 10,000 test images (the slice's 1,000 when full
 * MNIST is not in the cache), the output is read by Spark SQL and DuckDB, reruns are idempotent,
 * the ledger prices the predictions, and an executor decodes a model once.
 */
class ScoreCommandTest {
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path table;
  private static Path dense;
  private static Path compressed;
  private static Path decoded;
  private static Path ledger;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start("score-command");
    table = tmp.resolve("mnist-slice");
    ledger = tmp.resolve("ledger");
    assertEquals(
        0,
        Verdant.run(
            IngestCommandTest.idxArgs(table, "--run-id", "ingest-score-test", "--no-ledger")));
    dense = tmp.resolve("lenet");
    assertEquals(
        0,
        Verdant.run(
            "train",
            "--data",
            table.toString(),
            "--out",
            dense.toString(),
            "--model",
            "lenet-300-100",
            "--epochs",
            "2",
            "--run-id",
            "train-for-score",
            "--no-ledger",
            "--no-register"));
    compressed = tmp.resolve("lenet-compressed");
    assertEquals(
        0,
        Verdant.run(
            "compress",
            "--model",
            dense.toString(),
            "--data",
            table.toString(),
            "--out",
            compressed.toString(),
            "--sparsity",
            "layer0=0.92,layer1=0.91,layer2=0.74",
            "--no-sensitivity",
            "--retrain-epochs",
            "1",
            "--max-accuracy-drop",
            "100",
            "--run-id",
            "compress-for-score",
            "--no-ledger",
            "--no-register"));
    decoded = tmp.resolve("lenet-decoded");
    assertEquals(
        0,
        Verdant.run("decompress", "--model", compressed.toString(), "--out", decoded.toString()));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static CliRun score(Path out, String runId, String... args) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "score",
                "--out",
                out.toString(),
                "--run-id",
                runId,
                "--ledger",
                ledger.toString()));
    a.addAll(List.of(args));
    CliRun r = CliRun.of(a.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    return r;
  }

  private static ScoreSummary summary(Path out) {
    return ScoreSummary.read(out.toString(), spark.sparkContext().hadoopConfiguration());
  }

  /**
   * MNIST's test images and labels: the full set when it is in the dataset cache, else the
   * committed slice's.
   */
  private static Path[] testImages() throws java.io.IOException {
    DatasetFetcher fetcher = new DatasetFetcher(CacheDirs.resolve(null));
    if (fetcher.isPresent(DatasetCatalog.MNIST)) {
      Path dir = fetcher.datasetDir(DatasetCatalog.MNIST);
      return new Path[] {
        dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte")
      };
    }
    Path slice = LocalSpark.testData("mnist-slice");
    return new Path[] {
      slice.resolve("t10k-images-idx3-ubyte.gz"), slice.resolve("t10k-labels-idx1-ubyte.gz")
    };
  }

  /** row_id to (prediction, probability) of a score output. */
  private static Map<Long, Row> predictions(Path out) {
    Map<Long, Row> m = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.toString())
            .select("row_id", "prediction", "probability")
            .collectAsList()) {
      m.put(r.getLong(0), r);
    }
    return m;
  }

  @Test
  void compressedModelPredictsExactlyAsItsDecodedDenseModel() throws Exception {
    Path[] images = testImages();
    Path sparseOut = tmp.resolve("scored-compressed");
    Path denseOut = tmp.resolve("scored-decoded");
    String[] input = {
      "--format", "idx", "--input", images[0].toString(), "--labels", images[1].toString()
    };
    score(sparseOut, "score-compressed", concat(input, "--model", compressed.toString()));
    score(denseOut, "score-decoded", concat(input, "--model", decoded.toString()));
    ScoreSummary s = summary(sparseOut);
    ScoreSummary d = summary(denseOut);
    assertEquals("sparse-csc", s.model().engine());
    assertEquals("compressed", s.model().kind());
    assertEquals("dl4j", d.model().engine());
    long expected = images[0].toString().endsWith(".gz") ? 1_000 : 10_000;
    assertEquals(expected, s.predictions());
    Map<Long, Row> a = predictions(sparseOut);
    Map<Long, Row> b = predictions(denseOut);
    assertEquals(expected, a.size());
    int differing = 0;
    double maxDiff = 0;
    for (Map.Entry<Long, Row> e : a.entrySet()) {
      Row other = b.get(e.getKey());
      differing += e.getValue().getInt(1) != other.getInt(1) ? 1 : 0;
      List<Float> p = e.getValue().getList(2);
      List<Float> q = other.getList(2);
      for (int j = 0; j < 10; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(p.get(j) - q.get(j)));
      }
    }
    assertEquals(
        0,
        differing,
        "predictions of the compressed model that differ from its decoded dense model's");
    assertTrue(maxDiff < 1e-4, "largest probability difference " + maxDiff);
    assertEquals(d.metrics().accuracy(), s.metrics().accuracy());
    assertEquals(expected, s.metrics().labeled());
    assertTrue(s.metrics().accuracy() > 0.8, "accuracy " + s.metrics().accuracy());
  }

  @Test
  void rawImagesAreNormalizedExactlyAsTheTableWas() {
    Path slice = LocalSpark.testData("mnist-slice");
    Path raw = tmp.resolve("scored-raw-slice");
    Path fromTable = tmp.resolve("scored-table-slice");
    score(
        raw,
        "score-raw-slice",
        "--model",
        compressed.toString(),
        "--format",
        "idx",
        "--input",
        slice.resolve("t10k-images-idx3-ubyte.gz").toString());
    score(
        fromTable,
        "score-table-slice",
        "--model",
        compressed.toString(),
        "--data",
        table.toString(),
        "--split",
        "test");
    assertTrue(!summary(raw).input().labeled() && summary(raw).metrics().accuracy() == null);
    Map<Long, Row> a = predictions(raw);
    Map<Long, Row> b = predictions(fromTable);
    assertEquals(1_000, a.size());
    // The table numbers its test rows after the 5,000 training rows.
    for (Map.Entry<Long, Row> e : a.entrySet()) {
      assertEquals(
          b.get(e.getKey() + 5_000).getList(2), e.getValue().getList(2), "row " + e.getKey());
    }
  }

  @Test
  void predictionsAreReadBySparkSqlAndDuckDb() throws Exception {
    Path out = tmp.resolve("scored-table");
    score(
        out,
        "score-table",
        "--model",
        dense.toString(),
        "--data",
        table.toString(),
        "--split",
        "test",
        "--batch-size",
        "100");
    spark.read().parquet(out.toString()).createOrReplaceTempView("scored");
    Dataset<Row> df = spark.sql("SELECT * FROM scored");
    assertEquals(
        "row_id:bigint,prediction:int,probability:array<float>,model_name:string,model_version:string,"
            + "model_sha256:string,scored_at:timestamp,run_id:string",
        String.join(",", fieldsOf(df)));
    Row r =
        spark
            .sql(
                "SELECT count(*), count(DISTINCT row_id), min(size(probability)), max(abs(aggregate(probability,"
                    + " 0D, (a, p) -> a + p) - 1)), min(model_name), count(model_version), min(model_sha256), max(model_sha256),"
                    + " min(run_id) FROM scored")
            .first();
    assertEquals(1_000L, r.getLong(0));
    assertEquals(1_000L, r.getLong(1));
    assertEquals(10, r.getInt(2));
    assertTrue(r.getDouble(3) < 1e-5, "probabilities sum to 1");
    assertEquals("lenet", r.getString(4));
    assertEquals(0L, r.getLong(5));
    String sha = Checksums.sha256(dense.resolve("model.zip"));
    assertEquals(sha, r.getString(6));
    assertEquals(sha, r.getString(7));
    assertEquals("score-table", r.getString(8));

    // The same model through evaluate's (DL4J, per split) scoring: the same prediction for every
    // row.
    EvaluateCommand ev = new EvaluateCommand();
    assertEquals(
        0,
        new CommandLine(ev)
            .execute("--model", dense.toString(), "--data", table.toString(), "--no-ledger"));
    Predictions p = ev.predictions();
    Map<Long, Row> ours = predictions(out);
    for (int i = 0; i < p.rowIds().length; i++) {
      assertEquals(p.predicted()[i], ours.get(p.rowIds()[i]).getInt(1), "row " + p.rowIds()[i]);
    }
    assertEquals(ev.accuracy(), summary(out).metrics().accuracy(), 1e-12);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), count(DISTINCT row_id), min(len(probability)), sum(prediction),"
                    + " typeof(any_value(probability)), min(run_id) FROM read_parquet('"
                    + out
                    + "/*.parquet')")) {
      assertTrue(rs.next());
      assertEquals(1_000L, rs.getLong(1));
      assertEquals(1_000L, rs.getLong(2));
      assertEquals(10L, rs.getLong(3));
      assertEquals(
          spark.sql("SELECT sum(prediction) FROM scored").first().getLong(0), rs.getLong(4));
      assertEquals("FLOAT[]", rs.getString(5));
      assertEquals("score-table", rs.getString(6));
    }
  }

  private static List<String> fieldsOf(Dataset<Row> df) {
    List<String> f = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField s : df.schema().fields()) {
      f.add(s.name() + ":" + s.dataType().simpleString());
    }
    return f;
  }

  @Test
  void rerunIsIdempotentAndOverwriteReplaces() throws Exception {
    Path out = tmp.resolve("scored-rerun");
    String[] args = {
      "--model",
      compressed.resolve("model.vdcm").toString(),
      "--data",
      table.toString(),
      "--split",
      "test"
    };
    score(out, "rerun-1", args);
    assertEquals("lenet-compressed", summary(out).model().name());
    Path marker = out.resolve(ScoreSummary.FILE);
    long modified = Files.getLastModifiedTime(marker).toMillis();
    CliRun again = score(out, "rerun-1", args);
    assertTrue(again.out().contains("already complete"), again.out());
    assertEquals(modified, Files.getLastModifiedTime(marker).toMillis());
    List<String> other =
        new ArrayList<>(
            List.of("score", "--out", out.toString(), "--run-id", "rerun-2", "--no-ledger"));
    other.addAll(List.of(args));
    CliRun refused = CliRun.of(other.toArray(new String[0]));
    refused.assertError(
        "verdant score", "--out already exists: file:" + out + " (pass --overwrite to replace it)");
    other.add("--overwrite");
    assertEquals(0, CliRun.of(other.toArray(new String[0])).code());
    assertEquals("rerun-2", summary(out).runId());
    assertEquals(1L, spark.read().parquet(out.toString()).select("run_id").distinct().count());
    assertEquals(
        "rerun-2", spark.read().parquet(out.toString()).select("run_id").first().getString(0));
    CliRun.assertNoTemp(out);
  }

  @Test
  void ledgerRecordsThePredictionsAndTheirEnergy() {
    Path out = tmp.resolve("scored-ledger");
    score(
        out,
        "score-ledger",
        "--model",
        compressed.toString(),
        "--data",
        table.toString(),
        "--split",
        "test");
    String shown =
        LedgerSummary.show(
            ledger.toString(), spark.sparkContext().hadoopConfiguration(), "score-ledger", 1);
    assertTrue(shown.contains("job score  status succeeded"), shown);
    assertTrue(
        shown.matches(
            "(?s).*  predictions 1,000: \\d+\\.\\d{4} J and \\d+\\.\\d{6} gCO2e per 1,000 predictions\\n.*"),
        shown);
    Row runs =
        spark
            .read()
            .parquet(ledger.resolve("runs").toString())
            .where("run_id = 'score-ledger'")
            .selectExpr(
                "get_json_object(attributes_json, '$.predictions')",
                "get_json_object(attributes_json, '$.energyJPer1000Predictions')",
                "energy_j",
                "get_json_object(attributes_json, '$.accuracy')")
            .first();
    assertEquals("1000", runs.getString(0));
    assertEquals(runs.getDouble(2), Double.parseDouble(runs.getString(1)), 1e-9);
    assertEquals(summary(out).metrics().accuracy(), Double.parseDouble(runs.getString(3)));
  }

  @Test
  void anExecutorDecodesAModelOnce() throws Exception {
    // A model file no other test scored: the compressed model with other metadata bytes, so another
    // SHA-256.
    ModelFile m =
        ModelFileReader.decode(Files.readAllBytes(compressed.resolve("model.vdcm")), "x").model();
    Path fresh = tmp.resolve("fresh.vdcm");
    Files.write(
        fresh,
        ModelFileWriter.encode(new ModelFile(m.metadataJson() + "\n", m.configJson(), m.tensors()))
            .bytes());
    long before = ModelCache.decodes();
    Path out = tmp.resolve("scored-once");
    // Every split, 16 rows per batch: several partitions and hundreds of batches.
    score(
        out,
        "score-once",
        "--model",
        fresh.toString(),
        "--data",
        table.toString(),
        "--batch-size",
        "16");
    assertEquals(6_000, summary(out).predictions());
    try (var files = Files.list(out)) {
      assertTrue(
          files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count() > 1,
          "partitions written");
    }
    assertEquals(before + 1, ModelCache.decodes());
    assertEquals("fresh", summary(out).model().name());
    assertNull(summary(out).model().version());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

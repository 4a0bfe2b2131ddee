package io.verdant.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.CliRun;
import io.verdant.jobs.Verdant;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.ModelStore;
import io.verdant.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring raw tabular data (the real iris and wine data, CSV, Parquet and LibSVM) with models
 * trained on their feature tables: the same predictions as the tables' rows, key columns passed
 * through, and bad input refused with one line naming the input and the rule, exit 1 and nothing
 * written.
 */
class ScoreTabularTest {
  private static final String SCORE = "verdant score";
  private static SparkSession spark;
  @TempDir static Path tmp;
  private static Path irisTable;
  private static Path irisModel;
  private static Path wineModel;

  @BeforeAll
  static void setUp() {
    spark = LocalSpark.start("score-tabular");
    irisTable = tmp.resolve("iris");
    irisModel = train(irisTable, "iris.csv", "species", "mlp:4-16-3");
    wineModel = train(tmp.resolve("wine"), "wine.csv", "class", "mlp:13-16-3");
  }

  private static Path train(Path table, String csv, String label, String arch) {
    assertEquals(
        0,
        Verdant.run(
            "ingest",
            "--format",
            "csv",
            "--train",
            data(csv).toString(),
            "--label-column",
            label,
            "--out",
            table.toString(),
            "--no-ledger"));
    Path model = tmp.resolve(table.getFileName() + "-model");
    assertEquals(
        0,
        Verdant.run(
            "train",
            "--data",
            table.toString(),
            "--out",
            model.toString(),
            "--model",
            arch,
            "--epochs",
            "8",
            "--batch-size",
            "8",
            "--no-ledger"));
    return model;
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path data(String name) {
    return LocalSpark.testData("tabular").resolve(name);
  }

  private static CliRun score(Path out, String... args) {
    List<String> a = new ArrayList<>(List.of("score", "--out", out.toString(), "--no-ledger"));
    a.addAll(List.of(args));
    return CliRun.of(a.toArray(new String[0]));
  }

  private static Path scored(Path out, String... args) {
    CliRun r = score(out, args);
    assertEquals(0, r.code(), r.err());
    return out;
  }

  /** key to (prediction, probability) of an output keyed by {@code key}. */
  private static Map<Object, Row> byKey(Path out, String key) {
    Map<Object, Row> m = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(out.toString())
            .select(key, "prediction", "probability")
            .collectAsList()) {
      m.put(r.get(0), r);
    }
    return m;
  }

  /**
   * The same predictions, probabilities within 1e-6: DL4J's matrix products may round differently
   * with another batch composition (the inputs' partitions differ), not with other inputs.
   */
  private static void assertSamePredictions(Row expected, Row actual, Object key) {
    assertEquals(expected.getInt(1), actual.getInt(1), "prediction of " + key);
    List<Float> p = expected.getList(2);
    List<Float> q = actual.getList(2);
    for (int j = 0; j < p.size(); j++) {
      assertEquals(p.get(j), q.get(j), 1e-6f, "probability " + j + " of " + key);
    }
  }

  @Test
  void csvRowsScoreAsTheirTableRows() {
    Manifest m =
        Manifest.read(irisTable.toString(), spark.sparkContext().hadoopConfiguration()).manifest();
    List<String> names = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    assertEquals(names, m.featureNames());
    assertEquals(
        names,
        ModelStore.readInfo(irisModel.toString(), spark.sparkContext().hadoopConfiguration())
            .input()
            .featureNames());
    Path raw =
        scored(
            tmp.resolve("iris-raw"),
            "--model",
            irisModel.toString(),
            "--format",
            "csv",
            "--input",
            data("iris.csv").toString(),
            "--label-column",
            "species");
    Path table =
        scored(
            tmp.resolve("iris-table"),
            "--model",
            irisModel.toString(),
            "--data",
            irisTable.toString());
    Map<Object, Row> a = byKey(raw, "row_id");
    Map<Object, Row> b = byKey(table, "row_id");
    assertEquals(150, a.size());
    a.forEach((k, r) -> assertSamePredictions(b.get(k), r, k));
    for (Row r :
        spark
            .read()
            .parquet(raw.toString())
            .select("prediction", "prediction_label")
            .collectAsList()) {
      assertEquals(m.classNames().get(r.getInt(0)), r.getString(1));
    }
    ScoreSummary s = ScoreSummary.read(raw.toString(), spark.sparkContext().hadoopConfiguration());
    assertEquals(150, s.metrics().labeled());
    assertEquals(
        ScoreSummary.read(table.toString(), spark.sparkContext().hadoopConfiguration())
            .metrics()
            .accuracy(),
        s.metrics().accuracy());
  }

  @Test
  void parquetKeyColumnIsPassedThrough() throws Exception {
    Path parquet = tmp.resolve("iris-keyed.parquet");
    List<String> lines = Files.readAllLines(data("iris.csv"));
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      rows.add(
          RowFactory.create(
              "flower-" + (i - 1),
              Double.parseDouble(f[0]),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3])));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("sepal_length", DataTypes.DoubleType)
            .add("sepal_width", DataTypes.DoubleType)
            .add("petal_length", DataTypes.DoubleType)
            .add("petal_width", DataTypes.DoubleType);
    spark.createDataFrame(rows, schema).coalesce(2).write().parquet(parquet.toString());
    Path keyed =
        scored(
            tmp.resolve("iris-keyed"),
            "--model",
            irisModel.toString(),
            "--format",
            "parquet",
            "--input",
            parquet.toString(),
            "--key-column",
            "id");
    Path csv =
        scored(
            tmp.resolve("iris-csv"),
            "--model",
            irisModel.toString(),
            "--format",
            "csv",
            "--input",
            data("iris.csv").toString(),
            "--label-column",
            "species");
    assertEquals(
        "id:string",
        spark.read().parquet(keyed.toString()).schema().fields()[0].name()
            + ":"
            + spark
                .read()
                .parquet(keyed.toString())
                .schema()
                .fields()[0]
                .dataType()
                .simpleString());
    Map<Object, Row> a = byKey(keyed, "id");
    Map<Object, Row> b = byKey(csv, "row_id");
    assertEquals(150, a.size());
    for (long i = 0; i < 150; i++) {
      assertSamePredictions(b.get(i), a.get("flower-" + i), "flower-" + i);
    }
    ScoreSummary s =
        ScoreSummary.read(keyed.toString(), spark.sparkContext().hadoopConfiguration());
    assertEquals("id", s.input().keyColumn());
    assertEquals(0, s.metrics().labeled());
    assertNull(s.metrics().accuracy());
  }

  @Test
  void libsvmRowsScoreAsTheirCsvTwins() {
    Path libsvm =
        scored(
            tmp.resolve("wine-libsvm"),
            "--model",
            wineModel.toString(),
            "--format",
            "libsvm",
            "--input",
            data("wine.libsvm").toString());
    Path csv =
        scored(
            tmp.resolve("wine-csv"),
            "--model",
            wineModel.toString(),
            "--format",
            "csv",
            "--input",
            data("wine.csv").toString(),
            "--label-column",
            "class");
    Map<Object, Row> a = byKey(libsvm, "row_id");
    Map<Object, Row> b = byKey(csv, "row_id");
    assertEquals(178, a.size());
    a.forEach((k, r) -> assertSamePredictions(b.get(k), r, k));
    ScoreSummary s =
        ScoreSummary.read(libsvm.toString(), spark.sparkContext().hadoopConfiguration());
    assertEquals(178, s.metrics().labeled());
    assertTrue(s.metrics().accuracy() > 0.5, "accuracy " + s.metrics().accuracy());
  }

  @Test
  void regressionPredictsValuesAndScoresThemWithSufficientStatistics() throws Exception {
    Path table = tmp.resolve("wine-values");
    assertEquals(
        0,
        Verdant.run(
            "ingest",
            "--format",
            "csv",
            "--train",
            data("wine.csv").toString(),
            "--label-column",
            "class",
            "--task",
            "regression",
            "--out",
            table.toString(),
            "--no-ledger"));
    Path model = tmp.resolve("wine-values-model");
    assertEquals(
        0,
        Verdant.run(
            "train",
            "--data",
            table.toString(),
            "--out",
            model.toString(),
            "--model",
            "linear",
            "--epochs",
            "4",
            "--batch-size",
            "8",
            "--learning-rate",
            "0.01",
            "--no-ledger"));
    Path out =
        scored(
            tmp.resolve("wine-values-scored"),
            "--model",
            model.toString(),
            "--format",
            "csv",
            "--input",
            data("wine.csv").toString(),
            "--label-column",
            "class");
    assertEquals(
        "row_id:bigint,prediction:double,model_name:string,model_version:string,model_sha256:string,"
            + "scored_at:timestamp,run_id:string",
        spark.read().parquet(out.toString()).schema().simpleString().replaceAll("^struct<|>$", ""));
    ScoreSummary.Metrics m =
        ScoreSummary.read(out.toString(), spark.sparkContext().hadoopConfiguration()).metrics();
    assertEquals(178, m.labeled());
    List<String> lines = Files.readAllLines(data("wine.csv"));
    double sse = 0;
    double sae = 0;
    for (Row r :
        spark.read().parquet(out.toString()).select("row_id", "prediction").collectAsList()) {
      String line = lines.get((int) r.getLong(0) + 1);
      double e = r.getDouble(1) - Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
      sse += e * e;
      sae += Math.abs(e);
    }
    assertTrue(m.r2() != null && m.accuracy() == null, m.toString());
    assertEquals(Math.sqrt(sse / 178), m.rmse(), 1e-6);
    assertEquals(sae / 178, m.mae(), 1e-6);
  }

  private static void refused(String message, String... args) throws Exception {
    Path out = tmp.resolve("refused");
    score(out, args).assertError(SCORE, message);
    CliRun.assertNothingAt(out);
  }

  @Test
  void wrongFeatureCountIsRefused() throws Exception {
    Path wine = data("wine.csv");
    refused(
        "--input " + wine + " has 14 features, the model takes 4",
        "--model",
        irisModel.toString(),
        "--format",
        "csv",
        "--input",
        wine.toString());
  }

  @Test
  void featuresOutOfTheModelsOrderAreRefused() throws Exception {
    Path shuffled = tmp.resolve("iris-shuffled.csv");
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(data("iris.csv"))) {
      String[] f = line.split(",");
      out.add(String.join(",", f[2], f[3], f[0], f[1], f[4]));
    }
    Files.write(shuffled, out);
    refused(
        "--input "
            + shuffled
            + ": the features must be the model's, in its order: expected sepal_length, sepal_width,"
            + " petal_length, petal_width, found petal_length, petal_width, sepal_length, sepal_width",
        "--model",
        irisModel.toString(),
        "--format",
        "csv",
        "--input",
        shuffled.toString(),
        "--label-column",
        "species");
  }

  @Test
  void nonNumericNanAndEmptyInputsAreRefused() throws Exception {
    String[] iris = {
      "--model", irisModel.toString(), "--format", "csv", "--label-column", "species", "--input"
    };
    Path nan = LocalSpark.testData("tabular/bad/iris-nan.csv");
    refused(
        nan + " line 6, column 2 (sepal_width): NaN or infinite value: \"NaN\"", with(iris, nan));
    Path text = LocalSpark.testData("tabular/bad/iris-not-a-number.csv");
    refused(text + " line 6, column 3 (petal_length): not a number: \"1.4cm\"", with(iris, text));
    Path headerOnly = LocalSpark.testData("tabular/bad/iris-header-only.csv");
    refused(headerOnly + ": empty input: no data rows after the header", with(iris, headerOnly));
    Path empty = LocalSpark.testData("tabular/bad/empty.csv");
    refused(empty + ": empty input: no header line", with(iris, empty));
  }

  @Test
  void labelsTheModelDoesNotKnowAreRefused() throws Exception {
    Path roses = tmp.resolve("iris-roses.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(data("iris.csv")));
    lines.set(3, lines.get(3).replace("setosa", "rose"));
    Files.write(roses, lines);
    refused(
        roses
            + ": label \"rose\" is not one of the model's classes (setosa, versicolor, virginica)",
        "--model",
        irisModel.toString(),
        "--format",
        "csv",
        "--input",
        roses.toString(),
        "--label-column",
        "species");
  }

  @Test
  void aModelFileFailingItsChecksumIsRefused() throws Exception {
    ModelStore.Loaded m =
        ModelStore.load(
            irisModel.toString(), "--model", spark.sparkContext().hadoopConfiguration());
    byte[] bytes = ModelFileWriter.encode(ModelCodec.toModelFile(m.net(), Map.of(), "{}")).bytes();
    bytes[bytes.length / 2] ^= 0x10;
    Path file = tmp.resolve("corrupt.vdcm");
    Files.write(file, bytes);
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    long stored = java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt() & 0xffffffffL;
    refused(
        String.format(
            "%s: header: file CRC32 mismatch (stored %08x, computed %08x): the file is corrupted",
            file, stored, crc.getValue()),
        "--model",
        file.toString(),
        "--data",
        irisTable.toString());
  }

  @Test
  void badOptionsAreRefusedBeforeSparkWork() throws Exception {
    refused(
        "Give either --data (a feature table) or --format with --input (raw data), not both or neither",
        "--model",
        irisModel.toString(),
        "--data",
        irisTable.toString(),
        "--format",
        "csv",
        "--input",
        "x.csv");
    Path registry = tmp.resolve("empty-registry");
    refused(
        "--model models:/iris@champion: model iris is not in the registry at file:" + registry,
        "--model",
        "models:/iris@champion",
        "--registry",
        registry.toString(),
        "--data",
        irisTable.toString());
    refused(
        "--key-column and --label-column are for --format csv and parquet, cannot be used with --format libsvm",
        "--model",
        irisModel.toString(),
        "--format",
        "libsvm",
        "--input",
        "x.libsvm",
        "--key-column",
        "id");
    refused(
        "--batch-size must be between 1 and 65536, cannot be: 0",
        "--model",
        irisModel.toString(),
        "--data",
        irisTable.toString(),
        "--batch-size",
        "0");
    Path missing = tmp.resolve("no-such-model");
    refused(
        "--model " + missing + " does not exist",
        "--model",
        missing.toString(),
        "--data",
        irisTable.toString());
  }

  private static String[] with(String[] args, Path input) {
    String[] out = java.util.Arrays.copyOf(args, args.length + 1);
    out[args.length] = input.toString();
    return out;
  }
}

package io.verdant.jobs;

import static io.verdant.jobs.CliRun.assertNothingAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
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
 * Every kind of bad input gets one error line naming the file and the defect, exit code 1, and
 * nothing at the output path (no temporary folder either). Bad IDX files are made from the real
 * MNIST slice; bad tabular files are the committed fixtures under testdata/tabular/bad.
 */
class IngestBadInputTest {
  private static final String INGEST = "verdant ingest";
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("ingest-bad-input");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Path slice(String name) {
    return LocalSpark.testData("mnist-slice").resolve(name + ".gz");
  }

  private static Path bad(String name) {
    return LocalSpark.testData("tabular").resolve("bad").resolve(name);
  }

  private static byte[] gunzip(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.readAllBytes();
    }
  }

  private CliRun idx(Path out, Path trainImages, Path trainLabels) {
    return CliRun.of(
        "ingest",
        "--format",
        "idx",
        "--train",
        trainImages.toString(),
        "--train-labels",
        trainLabels.toString(),
        "--out",
        out.toString());
  }

  private CliRun csv(Path out, Path train, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "ingest", "--format", "csv", "--train", train.toString(), "--out", out.toString()));
    a.addAll(List.of(more));
    return CliRun.of(a.toArray(new String[0]));
  }

  @Test
  void truncatedIdx() throws IOException {
    byte[] all = gunzip(slice("train-images-idx3-ubyte"));
    Path cut =
        Files.write(
            tmp.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(all, all.length - 100));
    Path out = tmp.resolve("out");
    idx(out, cut, slice("train-labels-idx1-ubyte"))
        .assertError(
            INGEST,
            cut
                + ": truncated IDX file: header says 5000"
                + " records of 784 bytes (3920000 bytes of data), found 3919900 bytes");
    assertNothingAt(out);
  }

  @Test
  void truncatedGzippedIdx() throws IOException {
    byte[] gz = Files.readAllBytes(slice("train-images-idx3-ubyte"));
    Path cut =
        Files.write(
            tmp.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(gz, gz.length / 2));
    Path out = tmp.resolve("out");
    idx(out, cut, slice("train-labels-idx1-ubyte"))
        .assertError(
            INGEST,
            cut + ": corrupt or truncated gzip stream: Unexpected end of ZLIB input stream");
    assertNothingAt(out);
  }

  @Test
  void wrongMagicNumber() throws IOException {
    Path out = tmp.resolve("out");
    Path labels = slice("train-labels-idx1-ubyte");
    idx(out, labels, labels)
        .assertError(
            INGEST,
            labels
                + ": wrong IDX magic number 0x00000801, expected 0x00000803"
                + " (unsigned-byte images, 3 dimensions)");
    assertNothingAt(out);
  }

  @Test
  void imageAndLabelCountsDiffer() throws IOException {
    Path out = tmp.resolve("out");
    Path images = slice("t10k-images-idx3-ubyte");
    Path labels = slice("train-labels-idx1-ubyte");
    idx(out, images, labels)
        .assertError(
            INGEST,
            images + " has 1000 images but " + labels + " has 5000 labels; the counts must match");
    assertNothingAt(out);
  }

  @Test
  void emptyIdx() throws IOException {
    byte[] header = java.util.Arrays.copyOf(gunzip(slice("train-images-idx3-ubyte")), 16);
    ByteBuffer.wrap(header).putInt(4, 0);
    Path images = Files.write(tmp.resolve("empty-images-idx3-ubyte"), header);
    byte[] lh = java.util.Arrays.copyOf(gunzip(slice("train-labels-idx1-ubyte")), 8);
    ByteBuffer.wrap(lh).putInt(4, 0);
    Path labels = Files.write(tmp.resolve("empty-labels-idx1-ubyte"), lh);
    Path out = tmp.resolve("out");
    idx(out, images, labels)
        .assertError(INGEST, images + ": empty input: the IDX header declares 0 images");
    assertNothingAt(out);
  }

  @Test
  void anErrorOnTheExecutorsShowsOnlyItsOneLine() throws IOException {
    byte[] labels = gunzip(slice("train-labels-idx1-ubyte"));
    labels[8 + 4000] = 12;
    Path bad = Files.write(tmp.resolve("train-labels-idx1-ubyte"), labels);
    Path out = tmp.resolve("out");
    CliRun[] run = new CliRun[1];
    // The log goes to stderr: everything the failed run and its killed tasks log there.
    String console =
        captureStderr(
            () -> {
              run[0] = idx(out, slice("train-images-idx3-ubyte"), bad);
              awaitNoRunningTasks();
            });
    // Checked on the executors: the task reading record 4000 fails.
    run[0].assertError(INGEST, bad + ": label 12 at record 4000 is outside the 10 classes 0..9");
    assertNothingAt(out);
    // Verdant's own progress lines only; the test's shared session adds Spark's warning that it is
    // reused.
    List<String> other =
        console
            .lines()
            .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\w+: .*"))
            .filter(l -> !l.contains("WARN  SparkSession: Using an existing Spark session"))
            .toList();
    assertEquals(List.of(), other, console);
  }

  private static String captureStderr(Runnable r) {
    java.io.PrintStream old = System.err;
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Waits (at most 30 s) until no task runs: tasks killed when a job fails report after the job's
   * failure.
   */
  private static void awaitNoRunningTasks() {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (java.util.Arrays.stream(spark.sparkContext().statusTracker().getExecutorInfos())
            .anyMatch(e -> e.numRunningTasks() > 0)
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void csvRowWithTheWrongNumberOfFields() throws IOException {
    Path out = tmp.resolve("out");
    Path f = bad("iris-wrong-fields.csv");
    csv(out, f, "--label-column", "species")
        .assertError(INGEST, f + " line 6: expected 5 fields as in the header, found 4");
    assertNothingAt(out);
  }

  @Test
  void csvNonNumericValue() throws IOException {
    Path out = tmp.resolve("out");
    Path f = bad("iris-not-a-number.csv");
    csv(out, f, "--label-column", "species")
        .assertError(INGEST, f + " line 6, column 3 (petal_length): not a number: \"1.4cm\"");
    assertNothingAt(out);
  }

  @Test
  void libsvmNonNumericValue() throws IOException {
    Path out = tmp.resolve("out");
    Path f = bad("iris-not-a-number.libsvm");
    CliRun.of("ingest", "--format", "libsvm", "--train", f.toString(), "--out", out.toString())
        .assertError(INGEST, f + " line 5, feature 3: not a number: \"x1.4\"");
    assertNothingAt(out);
  }

  @Test
  void nanAndInfiniteValues() throws IOException {
    Path out = tmp.resolve("out");
    Path nan = bad("iris-nan.csv");
    csv(out, nan, "--label-column", "species")
        .assertError(
            INGEST, nan + " line 6, column 2 (sepal_width): NaN or infinite value: \"NaN\"");
    assertNothingAt(out);
    Path inf = bad("iris-infinite.csv");
    csv(out, inf, "--label-column", "species")
        .assertError(
            INGEST, inf + " line 6, column 4 (petal_width): NaN or infinite value: \"inf\"");
    assertNothingAt(out);
  }

  @Test
  void nanInParquet() throws IOException {
    StructType schema =
        new StructType()
            .add("x", DataTypes.DoubleType)
            .add("y", DataTypes.DoubleType)
            .add("label", DataTypes.IntegerType);
    List<Row> rows =
        List.of(
            RowFactory.create(1.0, 2.0, 0),
            RowFactory.create(3.0, Double.NaN, 1),
            RowFactory.create(5.0, 6.0, 1));
    Path in = tmp.resolve("nan.parquet");
    Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
    df.write().parquet(in.toString());
    Path out = tmp.resolve("out");
    CliRun.of("ingest", "--format", "parquet", "--train", in.toString(), "--out", out.toString())
        .assertError(INGEST, in + " row 2, column \"y\": NaN or infinite value: NaN");
    assertNothingAt(out);
  }

  @Test
  void missingLabelColumn() throws IOException {
    Path out = tmp.resolve("out");
    Path iris = LocalSpark.testData("tabular").resolve("iris.csv");
    csv(out, iris)
        .assertError(
            INGEST,
            iris
                + ": no label column \"label\" in the header (columns: sepal_length,"
                + " sepal_width, petal_length, petal_width, species); name it with --label-column");
    assertNothingAt(out);
  }

  @Test
  void headerlessCsvIsValidatedLikeOneWithAHeader() throws IOException {
    Path out = tmp.resolve("out");
    Path wine = LocalSpark.testData("tabular").resolve("wine-no-header.csv");
    csv(out, wine, "--csv-header=false")
        .assertError(
            INGEST,
            wine
                + ": no label column \"label\" (without a header the"
                + " columns are c0..c13, or 0..13 by index); name it with --label-column");
    csv(out, wine, "--csv-header=false", "--label-column", "14")
        .assertError(
            INGEST,
            wine
                + ": no label column \"14\""
                + " (without a header the columns are c0..c13, or 0..13 by index); name it with --label-column");
    List<String> rows = new ArrayList<>(Files.readAllLines(wine).subList(0, 5));
    rows.set(2, rows.get(2).substring(0, rows.get(2).lastIndexOf(',')));
    Path short3 = Files.write(tmp.resolve("wine-short.csv"), rows);
    csv(out, short3, "--csv-header=false", "--label-column", "13")
        .assertError(INGEST, short3 + " line 3: expected 14 fields as in the first line, found 13");
    // A header line in a file read without one is a row of non-numbers.
    Path iris = LocalSpark.testData("tabular").resolve("iris.csv");
    csv(out, iris, "--csv-header=false", "--label-column", "4")
        .assertError(INGEST, iris + " line 1, column 1 (c0): not a number: \"sepal_length\"");
    assertNothingAt(out);
    CliRun.of(
            "ingest",
            "--format",
            "libsvm",
            "--csv-header=false",
            "--train",
            wine.toString(),
            "--out",
            out.toString())
        .assertError(
            INGEST, "--csv-header is for --format csv, cannot be used with --format libsvm");
    assertNothingAt(out);
  }

  @Test
  void emptyInputs() throws IOException {
    Path out = tmp.resolve("out");
    Path empty = bad("empty.csv");
    csv(out, empty).assertError(INGEST, empty + ": empty input: no header line");
    assertNothingAt(out);
    Path headerOnly = bad("iris-header-only.csv");
    csv(out, headerOnly, "--label-column", "species")
        .assertError(INGEST, headerOnly + ": empty input: no data rows after the header");
    assertNothingAt(out);
    Path emptyLibsvm = Files.writeString(tmp.resolve("empty.libsvm"), "# only a comment\n\n");
    CliRun.of(
            "ingest",
            "--format",
            "libsvm",
            "--train",
            emptyLibsvm.toString(),
            "--out",
            out.toString())
        .assertError(INGEST, emptyLibsvm + ": empty input: no data rows");
    assertNothingAt(out);
  }

  /**
   * The header and the first {@code rows} rows of iris.csv (the first 50 are all setosa) as a new
   * file.
   */
  private Path irisHead(String name, int rows) throws IOException {
    List<String> iris = Files.readAllLines(LocalSpark.testData("tabular").resolve("iris.csv"));
    return Files.write(tmp.resolve(name), iris.subList(0, rows + 1));
  }

  @Test
  void oneRowCannotBeTrainedAndTested() throws IOException {
    Path out = tmp.resolve("out");
    Path one = irisHead("iris-one-row.csv", 1);
    csv(out, one, "--label-column", "species")
        .assertError(
            INGEST,
            one
                + ": the test split is empty (train 1, validation 0, test 0 rows); a table needs rows to train and to test on:"
                + " give more rows, a larger --test-fraction or a --test file");
    assertNothingAt(out);
  }

  @Test
  void aClassificationNeedsTwoClasses() throws IOException {
    Path out = tmp.resolve("out");
    Path setosa = irisHead("iris-setosa.csv", 50);
    csv(out, setosa, "--label-column", "species")
        .assertError(
            INGEST,
            setosa
                + ": the train split has 1 class (train 36, validation 5, test 9 rows); a classification needs at least 2");
    assertNothingAt(out);
  }

  @Test
  void existingOutputWithoutOverwrite() throws IOException {
    Path out = tmp.resolve("iris");
    Path iris = LocalSpark.testData("tabular").resolve("iris.csv");
    CliRun first = csv(out, iris, "--label-column", "species", "--run-id", "first");
    assertEquals(0, first.code(), first.err());
    byte[] manifest = Files.readAllBytes(out.resolve("manifest.json"));
    csv(out, iris, "--label-column", "species", "--run-id", "second")
        .assertError(
            INGEST, "--out already exists: file:" + out + " (pass --overwrite to replace it)");
    assertArrayEquals(
        manifest,
        Files.readAllBytes(out.resolve("manifest.json")),
        "the existing output is untouched");
    CliRun.assertNoTemp(out);
    try (Stream<Path> s = Files.list(tmp)) {
      assertTrue(s.allMatch(p -> p.equals(out)), "only the first output is there");
    }
  }
}

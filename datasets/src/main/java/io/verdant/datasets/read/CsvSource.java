package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A CSV file with a header line: the label column is named by {@code --label-column}, every other column is a
 * numeric feature. Lines are read and parsed on the executors ({@code textFile}, several partitions); only
 * per-partition summaries reach the driver. Blank lines are skipped; fields may be double-quoted. A .gz file
 * is read as one partition. Features are left as read: ingest standardizes them with train-split statistics.
 */
public final class CsvSource implements FeatureSource {
  private final String train;
  private final String test;
  private final String labelColumn;
  private final TaskType task;
  private final int minPartitions;

  /**
   * @param test the test file, or null to let ingest carve the test split
   * @param task the task, or null for auto
   * @param minPartitions the least number of partitions per file; 0 uses Spark's default parallelism
   */
  public CsvSource(String train, String test, String labelColumn, TaskType task, int minPartitions) {
    this.train = train;
    this.test = test;
    this.labelColumn = labelColumn;
    this.task = task;
    this.minPartitions = minPartitions;
  }

  @Override
  public SourceData read(SparkSession spark) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int parts = minPartitions > 0 ? minPartitions : jsc.defaultParallelism();
    String[] header = header(train, conf);
    int label = Arrays.asList(header).indexOf(labelColumn);
    if (label < 0) {
      throw VerdantException.of("%s: no label column \"%s\" in the header (columns: %s); name it with --label-column",
          train, labelColumn, String.join(", ", header));
    }
    if (header.length < 2) {
      throw VerdantException.of("%s: the header has only the label column \"%s\"; at least one feature column is needed",
          train, labelColumn);
    }
    if (test != null) {
      String[] th = header(test, conf);
      if (!Arrays.equals(th, header)) {
        throw VerdantException.of("%s: the header differs from the training file's (%s): expected %s, found %s", test,
            train, String.join(",", header), String.join(",", th));
      }
    }
    Parser parser = new Parser(header, label, -1);
    JavaRDD<String> trainLines = jsc.textFile(train, parts);
    TabularScan.Result trainScan = TabularScan.scan(trainLines, parser, train, "line");
    if (trainScan.rows() == 0) {
      throw VerdantException.of("%s: empty input: no data rows after the header", train);
    }
    JavaRDD<String> testLines = null;
    TabularScan.Result testScan = null;
    LabelStats all = trainScan.labels();
    String firstNonNumeric = trainScan.firstNonNumericLabel();
    if (test != null) {
      testLines = jsc.textFile(test, parts);
      testScan = TabularScan.scan(testLines, parser, test, "line");
      if (testScan.rows() == 0) {
        throw VerdantException.of("%s: empty input: no data rows after the header", test);
      }
      if (firstNonNumeric == null) {
        firstNonNumeric = testScan.firstNonNumericLabel();
        all.firstNonNumeric = testScan.labels().firstNonNumeric;
      }
      all.merge(testScan.labels());
    }
    LabelCoder coder = LabelCoder.decide(task, all, test == null ? train : train + " and " + test, firstNonNumeric);
    int n = header.length - 1;
    JavaRDD<LabeledRecord> trainRecords = TabularScan.records(trainLines, parser, trainScan, 0, n, coder);
    JavaRDD<LabeledRecord> testRecords = test == null ? null
        : TabularScan.records(testLines, parser, testScan, trainScan.rows(), n, coder);
    List<SourceFile> files = new ArrayList<>(InputFiles.describe("train", train, conf));
    if (test != null) {
      files.addAll(InputFiles.describe("test", test, conf));
    }
    return new SourceData("csv", trainRecords, testRecords, n, featureNames(header, label, -1), List.of(n), coder.task(), coder.numClasses(),
        coder.classNames(), null, files);
  }

  static String[] header(String path, Configuration conf) {
    InputFiles.requireFile(path, "csv", conf);
    String line = InputFiles.firstLine(path, conf);
    if (line != null && line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    if (line == null || line.isBlank()) {
      throw VerdantException.of("%s: empty input: no header line", path);
    }
    String[] h = split(line);
    for (int i = 0; i < h.length; i++) {
      h[i] = h[i].trim();
    }
    return h;
  }

  /** Splits a CSV line on commas; a double-quoted field may hold commas, and "" inside quotes is a quote. */
  static String[] split(String line) {
    if (line.indexOf('"') < 0) {
      return line.split(",", -1);
    }
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          sb.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          sb.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    out.add(sb.toString());
    return out.toArray(new String[0]);
  }

  /** The feature columns' names: the header without the label and key columns (either may be -1: absent). */
  static List<String> featureNames(String[] header, int label, int key) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < header.length; i++) {
      if (i != label && i != key) {
        names.add(header[i]);
      }
    }
    return names;
  }

  /** Parses a line into its features (every column but the label and key columns), label token and key. */
  static final class Parser implements TabularScan.Parser<String> {
    private final String[] header;
    private final int label;
    private final int key;
    private final int features;

    /** @param label the label column's index, -1 when the input has none; likewise {@code key} */
    Parser(String[] header, int label, int key) {
      this.header = header;
      this.label = label;
      this.key = key;
      this.features = featureNames(header, label, key).size();
    }

    @Override
    public TabularScan.Parsed parse(String line, boolean firstOfInput) throws RowDefect {
      if (firstOfInput || line.isBlank()) {
        return null;
      }
      String[] f = split(line);
      if (f.length != header.length) {
        throw new RowDefect("expected " + header.length + " fields as in the header, found " + f.length);
      }
      float[] x = new float[features];
      for (int i = 0, k = 0; i < f.length; i++) {
        if (i != label && i != key) {
          x[k++] = Numbers.feature(f[i], i + 1, header[i]);
        }
      }
      return new TabularScan.Parsed(x, null, null, label >= 0 ? f[label] : null, key >= 0 ? f[key].trim() : null);
    }

    @Override
    public int labelColumn() {
      return label + 1;
    }

    @Override
    public String labelColumnName() {
      return label >= 0 ? header[label] : null;
    }
  }
}

package io.verdant.datasets.ingest;

import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.read.FeatureSource;
import io.verdant.datasets.read.LabeledRecord;
import io.verdant.datasets.read.SourceData;
import io.verdant.datasets.read.TaskType;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: reads a source, assigns splits, normalizes, and writes the feature table and its
 * manifest atomically (see {@link FeatureTable}). Phases: {@code read}, {@code normalize}, {@code
 * write}, {@code stats}.
 */
public final class Ingest {
  private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

  /** What ingest needs besides the source; validated by the command before Spark starts. */
  public record Settings(
      String dataset,
      String out,
      boolean overwrite,
      long seed,
      double validationFraction,
      double testFraction,
      int partitions) {}

  /** The result: where things are and what the manifest says. */
  public record Result(String tableDir, Manifest manifest) {}

  private Ingest() {}

  public static Result run(JobRun run, FeatureSource source, Settings s) {
    SparkSession spark = run.spark();
    try (AtomicOutput out =
        AtomicOutput.begin(
            s.out(),
            run.runId(),
            s.overwrite(),
            "--out",
            spark.sparkContext().hadoopConfiguration())) {
      SourceData data = run.phase("read", () -> source.read(spark));
      boolean classification = data.task() == TaskType.CLASSIFICATION;
      Normalized normalized = normalize(run, data, assignSplits(data, s));
      Path tablePath = new Path(out.temp(), FeatureTable.TABLE_DIR);
      write(run, normalized.rows(), classification, s.partitions(), tablePath);
      Map<String, Manifest.SplitStats> splits =
          run.phase("stats", () -> stats(spark, tablePath.toString(), classification));
      long total = splits.values().stream().mapToLong(Manifest.SplitStats::rows).sum();
      requireTrainable(data, splits, classification);
      Manifest m = manifest(run, s, data, normalized.normalization(), splits);
      m.write(out.fs(), new Path(out.temp(), FeatureTable.MANIFEST));
      out.commit();
      LOG.info(
          "Ingested {}: {} rows ({}) into {}",
          s.dataset(),
          total,
          rowSummary(splits),
          out.target());
      return new Result(out.target().toString(), m);
    }
  }

  private record Normalized(JavaRDD<TableRow> rows, Manifest.Normalization normalization) {}

  /**
   * The rows as the table stores them: scaled by the reader (IDX), else standardized with the
   * training split's statistics.
   */
  private static Normalized normalize(JobRun run, SourceData data, JavaRDD<TableRow> rows) {
    if (data.scaledBy() != null) {
      return new Normalized(
          rows, new Manifest.Normalization("scale", data.scaledBy(), null, null, null));
    }
    Standardizer st = run.phase("normalize", () -> Standardizer.fit(rows, data.featureCount()));
    return new Normalized(
        st.apply(rows),
        new Manifest.Normalization(
            "standardize", null, st.meanList(), st.stdList(), FeatureTable.TRAIN));
  }

  /** Writes the table's Parquet files, partitioned by split. */
  private static void write(
      JobRun run, JavaRDD<TableRow> rows, boolean classification, int partitions, Path tablePath) {
    Dataset<Row> df =
        run.spark()
            .createDataset(rows.rdd(), Encoders.bean(TableRow.class))
            .select(
                functions.col("rowId").as(FeatureTable.ROW_ID),
                functions.col("features").as(FeatureTable.FEATURES),
                functions
                    .col("label")
                    .cast(classification ? DataTypes.IntegerType : DataTypes.DoubleType)
                    .as(FeatureTable.LABEL),
                functions.col("split").as(FeatureTable.SPLIT));
    Dataset<Row> toWrite = partitions > 0 ? df.repartition(partitions) : df;
    run.phase(
        "write",
        () ->
            toWrite
                .write()
                .mode(SaveMode.ErrorIfExists)
                .partitionBy(FeatureTable.SPLIT)
                .parquet(tablePath.toString()));
  }

  private static Manifest manifest(
      JobRun run,
      Settings s,
      SourceData data,
      Manifest.Normalization norm,
      Map<String, Manifest.SplitStats> splits) {
    boolean classification = data.task() == TaskType.CLASSIFICATION;
    return new Manifest(
        Manifest.CURRENT_SCHEMA_VERSION,
        s.dataset(),
        run.runId(),
        Instant.now().toString(),
        Versions.verdant(),
        run.spark().version(),
        data.format(),
        data.task().label(),
        data.featureCount(),
        data.featureNames(),
        data.shape(),
        data.numClasses(),
        data.classNames(),
        "array<float>",
        classification ? "int" : "double",
        FeatureTable.TABLE_DIR,
        List.of(FeatureTable.SPLIT),
        s.seed(),
        s.validationFraction(),
        data.test() != null ? "file" : "fraction",
        data.test() != null ? null : s.testFraction(),
        norm,
        splits,
        data.files());
  }

  /**
   * Refuses a table that cannot be trained and tested: an empty train or test split, or a
   * classification with fewer than 2 classes in its train split. Checked on the split statistics,
   * before the output is committed.
   */
  private static void requireTrainable(
      SourceData data, Map<String, Manifest.SplitStats> splits, boolean classification) {
    String counts = rowSummary(splits) + " rows";
    for (String split : List.of(FeatureTable.TRAIN, FeatureTable.TEST)) {
      if (splits.get(split).rows() == 0) {
        throw VerdantException.of(
            "%s: the %s split is empty (%s); a table needs rows to train and to test on: give more"
                + " rows%s",
            data.input(),
            split,
            counts,
            split.equals(FeatureTable.TEST) ? ", a larger --test-fraction or a --test file" : "");
      }
    }
    int classes = classification ? splits.get(FeatureTable.TRAIN).classCounts().size() : 0;
    if (classification && classes < 2) {
      throw VerdantException.of(
          "%s: the train split has %d class (%s); a classification needs at least 2",
          data.input(), classes, counts);
    }
  }

  static String rowSummary(Map<String, Manifest.SplitStats> splits) {
    List<String> parts = new ArrayList<>();
    for (String sp : FeatureTable.SPLITS) {
      parts.add(sp + " " + (splits.containsKey(sp) ? splits.get(sp).rows() : 0));
    }
    return String.join(", ", parts);
  }

  private static JavaRDD<TableRow> assignSplits(SourceData data, Settings s) {
    long seed = s.seed();
    double vf = s.validationFraction();
    double tf = s.testFraction();
    boolean carveTest = data.test() == null;
    JavaRDD<TableRow> train =
        data.train()
            .map(
                r -> {
                  String split =
                      carveTest && FeatureTable.isCarvedTest(seed, r.rowId(), tf)
                          ? FeatureTable.TEST
                          : FeatureTable.isValidation(seed, r.rowId(), vf)
                              ? FeatureTable.VALIDATION
                              : FeatureTable.TRAIN;
                  return row(r, split);
                });
    if (carveTest) {
      return train;
    }
    JavaRDD<TableRow> test = data.test().map(r -> row(r, FeatureTable.TEST));
    return train.union(test);
  }

  private static TableRow row(LabeledRecord r, String split) {
    return new TableRow(r.rowId(), r.features(), r.label(), split);
  }

  private static Map<String, Manifest.SplitStats> stats(
      SparkSession spark, String table, boolean classification) {
    // The schema is known: giving it skips reading Parquet footers to infer it.
    Dataset<Row> t = spark.read().schema(FeatureTable.schema(classification)).parquet(table);
    Map<String, Long> rows = new TreeMap<>();
    Map<String, Map<String, Long>> perClass = new TreeMap<>();
    if (classification) {
      for (Row r : t.groupBy(FeatureTable.SPLIT, FeatureTable.LABEL).count().collectAsList()) {
        String sp = r.getString(0);
        rows.merge(sp, r.getLong(2), Long::sum);
        perClass
            .computeIfAbsent(
                sp, k -> new TreeMap<>(java.util.Comparator.comparingInt(Integer::parseInt)))
            .put(Integer.toString(r.getInt(1)), r.getLong(2));
      }
    } else {
      for (Row r : t.groupBy(FeatureTable.SPLIT).agg(functions.count("*")).collectAsList()) {
        rows.put(r.getString(0), r.getLong(1));
      }
    }
    Map<String, Manifest.SplitStats> out = new java.util.LinkedHashMap<>();
    for (String sp : FeatureTable.SPLITS) {
      out.put(
          sp,
          new Manifest.SplitStats(
              rows.getOrDefault(sp, 0L),
              classification ? perClass.getOrDefault(sp, Map.of()) : null));
    }
    return out;
  }
}

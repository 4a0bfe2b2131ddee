package io.verdant.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.verdant.common.ledger.LedgerOptions;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerRecorder;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.ledger.RunRow;
import io.verdant.common.plugin.VerdantPlugin;
import io.verdant.common.run.JobRun;
import io.verdant.common.spark.SparkSessions;
import io.verdant.datasets.ingest.TableRow;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.Verdant;
import io.verdant.jobs.model.ModelFiles;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The score benchmark (scripts/bench-score.sh): MNIST's test rows repeated to at least N rows,
 * scored in one Spark application (local[2]) by four contenders, each reading the same Parquet
 * table and writing its predictions as Parquet: Verdant's score job with the dense and with the
 * compressed model, DL4J's own Spark scoring ({@code SparkDl4jMultiLayer.feedForwardWithKey}) of
 * the same dense network, and Spark MLlib's {@code
 * MultilayerPerceptronClassificationModel.transform} with the same layer sizes. Each contender runs
 * once on a small table to warm up, all before the first is measured on the full table; Verdant's
 * two contenders are then measured {@code reps} times, alternating, the others once. Each run's
 * wall time, the process's CPU-seconds and the ledger's energy of its run are printed as {@code run
 * <contender> <rows> <wall s> <rows/s> <cpu s> <J per 1,000>}, then one {@code result} line per
 * contender (the medians) and the targets. Exit status 1 when a target is missed.
 *
 * <p>Arguments: {@code <table dir> <dense model dir> <compressed model> <rows> <work dir>
 * [reps=3]}.
 */
public final class ScoreBenchmark {
  static final int BATCH = 256;
  static final int WARM_UP_ROWS = 20_000;

  /** One contender's measured run. */
  record Figures(String name, long rows, double wallS, double cpuS, double energyJ) {
    double rowsPerS() {
      return rows / wallS;
    }

    double joulesPer1000() {
      return energyJ / rows * 1000;
    }
  }

  /** One way to score the table at {@code input} into {@code out}. */
  interface Contender {
    void score(String input, String out, String runId) throws Exception;
  }

  private final SparkSession spark;
  private final String ledger;
  private final String work;

  private ScoreBenchmark(SparkSession spark, String ledger, String work) {
    this.spark = spark;
    this.ledger = ledger;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    int reps = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    SparkConf conf = SparkSessions.defaults("verdant-bench-score").set("spark.master", "local[2]");
    conf.setIfMissing("spark.ui.enabled", "false");
    VerdantPlugin.enable(conf);
    SparkSession spark = SparkSessions.create(conf);
    boolean ok;
    try {
      ok =
          new ScoreBenchmark(spark, args[4] + "/ledger", args[4])
              .run(args[0], args[1], args[2], Long.parseLong(args[3]), reps);
    } finally {
      spark.stop();
    }
    System.exit(ok ? 0 : 1);
  }

  /**
   * Warms every contender up, then measures Verdant's two contenders {@code reps} times each,
   * alternating, and the others once; prints every run, the medians and the targets. True when
   * every target holds.
   */
  boolean run(String table, String dense, String compressed, long rows, int reps) throws Exception {
    Manifest.Loaded source = Manifest.read(table, spark.sparkContext().hadoopConfiguration());
    String small = repeatedTable(source, WARM_UP_ROWS);
    String full = repeatedTable(source, rows);
    Map<String, Contender> contenders = new LinkedHashMap<>();
    contenders.put("verdant-dense", verdant(dense));
    contenders.put("verdant-compressed", verdant(compressed));
    contenders.put("dl4j-spark", dl4j(dense));
    contenders.put("mllib", mllib(source));
    // Every contender warms up before any is measured, so that none pays for the JIT work of the
    // code they share.
    for (Map.Entry<String, Contender> c : contenders.entrySet()) {
      measure(c.getKey() + "-warmup", c.getValue(), small);
    }
    Map<String, List<Figures>> runs = new LinkedHashMap<>();
    contenders.forEach((name, c) -> runs.put(name, new ArrayList<>()));
    for (int r = 0; r < reps; r++) {
      for (String name : List.of("verdant-dense", "verdant-compressed")) {
        runs.get(name).add(print("run", measure(name, contenders.get(name), full)));
      }
    }
    for (String name : List.of("dl4j-spark", "mllib")) {
      runs.get(name).add(print("run", measure(name, contenders.get(name), full)));
    }
    List<Figures> medians = new ArrayList<>();
    runs.forEach((name, list) -> medians.add(print("result", median(list))));
    return targets(medians);
  }

  private static Figures print(String what, Figures f) {
    System.out.printf(
        Locale.ROOT,
        "%-6s %-18s %,10d rows %8.2f s %,10.0f rows/s %8.2f cpu-s %10.4f J/1000%n",
        what,
        f.name(),
        f.rows(),
        f.wallS(),
        f.rowsPerS(),
        f.cpuS(),
        f.joulesPer1000());
    return f;
  }

  /** The median of each figure over a contender's runs. */
  static Figures median(List<Figures> runs) {
    return new Figures(
        runs.get(0).name(),
        runs.get(0).rows(),
        median(runs, Figures::wallS),
        median(runs, Figures::cpuS),
        median(runs, Figures::energyJ));
  }

  private static double median(
      List<Figures> runs, java.util.function.ToDoubleFunction<Figures> figure) {
    double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Checks and prints the targets; true when all hold. */
  static boolean targets(List<Figures> r) {
    Figures dense = r.get(0);
    Figures sparse = r.get(1);
    Figures dl4j = r.get(2);
    Figures mllib = r.get(3);
    boolean ok =
        check("compressed throughput >= 2x dense", sparse.rowsPerS() / dense.rowsPerS(), 2.0, true);
    ok &=
        check(
            "compressed J/1000 <= 0.5x dense",
            sparse.joulesPer1000() / dense.joulesPer1000(),
            0.5,
            false);
    ok &=
        check(
            "verdant dense throughput >= dl4j-spark",
            dense.rowsPerS() / dl4j.rowsPerS(),
            1.0,
            true);
    ok &= check("verdant dense throughput > mllib", dense.rowsPerS() / mllib.rowsPerS(), 1.0, true);
    ok &=
        check(
            "verdant compressed throughput > mllib",
            sparse.rowsPerS() / mllib.rowsPerS(),
            1.0,
            true);
    return ok;
  }

  private static boolean check(String what, double ratio, double bound, boolean atLeast) {
    boolean ok = atLeast ? ratio >= bound : ratio <= bound;
    System.out.printf(
        Locale.ROOT, "target %-40s ratio %6.2f  %s%n", what, ratio, ok ? "PASS" : "FAIL");
    return ok;
  }

  /**
   * Runs a contender in a recorded run of its own and returns its figures (energy from the ledger).
   */
  Figures measure(String name, Contender c, String input) throws Exception {
    long rows =
        Manifest.read(input, spark.sparkContext().hadoopConfiguration())
            .manifest()
            .rows(FeatureTable.TEST);
    String runId = "bench-score-" + name + "-" + System.currentTimeMillis();
    String out = work + "/out-" + name;
    FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()).delete(new Path(out), true);
    double c0 = TrainBenchmark.cpu();
    long t0 = System.nanoTime();
    c.score(input, out, runId);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = TrainBenchmark.cpu() - c0;
    RunRow run =
        LedgerTables.runs(new LedgerReader(ledger, spark.sparkContext().hadoopConfiguration()))
            .stream()
            .filter(x -> x.runId().equals(runId))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no ledger row for " + runId));
    return new Figures(name, rows, wall, cpu, run.energyJ());
  }

  /**
   * Runs {@code body} as a ledger-recorded run, as every Verdant job is, so that all contenders
   * have the same meter.
   */
  private void recorded(String runId, long rows, ThrowingRunnable body) throws Exception {
    try (JobRun run =
        JobRun.start(
            spark,
            "bench-score",
            runId,
            Map.of(),
            List.of(new LedgerRecorder(LedgerOptions.of(ledger))))) {
      try {
        body.run();
        run.attribute(JobRun.PREDICTIONS, String.valueOf(rows));
        run.succeeded();
      } catch (Exception e) {
        run.failed(e);
        throw e;
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  Contender verdant(String model) {
    return (input, out, runId) -> {
      int code =
          Verdant.run(
              "score",
              "--model",
              model,
              "--data",
              input,
              "--out",
              out,
              "--run-id",
              runId,
              "--ledger",
              ledger,
              "--batch-size",
              String.valueOf(BATCH));
      if (code != 0) {
        throw new IllegalStateException("verdant score exited " + code);
      }
    };
  }

  Contender dl4j(String denseDir) throws Exception {
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(new File(denseDir, ModelFiles.MODEL_ZIP), false);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StructType schema =
        new StructType()
            .add("row_id", DataTypes.LongType)
            .add("prediction", DataTypes.IntegerType)
            .add("probability", DataTypes.createArrayType(DataTypes.FloatType, false));
    return (input, out, runId) ->
        recorded(
            runId,
            rows(input),
            () -> {
              // A copy per run: in local mode the tasks get the broadcast parameters
              // themselves, and DL4J releases them when a partition is done, so the next
              // run's broadcast of the same network failed ("You can't use DataBuffer once it
              // was released").
              SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net.clone(), null);
              JavaPairRDD<Long, INDArray> features =
                  tableRows(input)
                      .mapToPair(
                          r ->
                              new Tuple2<>(
                                  r.getRowId(),
                                  Nd4j.create(
                                      r.getFeatures(),
                                      new long[] {1, r.getFeatures().length},
                                      'c')));
              JavaRDD<Row> predicted =
                  sparkNet
                      .feedForwardWithKey(features, BATCH)
                      .map(
                          t -> {
                            float[] p = t._2().dup('c').data().asFloat();
                            return RowFactory.create(t._1(), t._2().argMax(1).getInt(0), p);
                          });
              spark
                  .createDataFrame(predicted, schema)
                  .write()
                  .mode(SaveMode.ErrorIfExists)
                  .parquet(out);
            });
  }

  Contender mllib(Manifest.Loaded source) {
    Dataset<Row> train =
        spark
            .read()
            .parquet(source.tablePath())
            .where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TRAIN))
            .limit(2_000)
            .select(
                org.apache
                    .spark
                    .ml
                    .functions
                    .array_to_vector(col(FeatureTable.FEATURES))
                    .as("features"),
                col(FeatureTable.LABEL).cast("double").as("label"));
    // The weights do not change the cost of transform: one L-BFGS iteration gives a model of the
    // same layer sizes.
    MultilayerPerceptronClassificationModel model =
        new MultilayerPerceptronClassifier()
            .setLayers(new int[] {784, 300, 100, 10})
            .setMaxIter(1)
            .setSeed(42)
            .fit(train);
    return (input, out, runId) ->
        recorded(
            runId,
            rows(input),
            () -> {
              Dataset<Row> in =
                  spark
                      .read()
                      .parquet(input + "/" + FeatureTable.TABLE_DIR)
                      .select(
                          col(FeatureTable.ROW_ID),
                          org.apache
                              .spark
                              .ml
                              .functions
                              .array_to_vector(col(FeatureTable.FEATURES))
                              .as("features"));
              model
                  .transform(in)
                  .select(FeatureTable.ROW_ID, "prediction", "probability")
                  .write()
                  .mode(SaveMode.ErrorIfExists)
                  .parquet(out);
            });
  }

  private long rows(String input) {
    return Manifest.read(input, spark.sparkContext().hadoopConfiguration())
        .manifest()
        .rows(FeatureTable.TEST);
  }

  private JavaRDD<TableRow> tableRows(String input) {
    return spark
        .read()
        .parquet(input + "/" + FeatureTable.TABLE_DIR)
        .select(
            col(FeatureTable.ROW_ID).as("rowId"),
            col(FeatureTable.FEATURES),
            col(FeatureTable.LABEL).cast("double"),
            col(FeatureTable.SPLIT))
        .as(Encoders.bean(TableRow.class))
        .javaRDD();
  }

  /**
   * A feature table whose test split is the source's test rows repeated to at least {@code rows}
   * rows (new row ids), written once under the work directory and reused by later runs.
   */
  String repeatedTable(Manifest.Loaded source, long rows) throws Exception {
    long testRows = source.manifest().rows(FeatureTable.TEST);
    long copies = (rows + testRows - 1) / testRows;
    String dir = work + "/mnist-test-x" + copies;
    FileSystem fs = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
    if (fs.exists(new Path(dir, FeatureTable.MANIFEST))) {
      return dir;
    }
    Dataset<Row> test =
        spark
            .read()
            .parquet(source.tablePath())
            .where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TEST))
            .select(FeatureTable.ROW_ID, FeatureTable.FEATURES, FeatureTable.LABEL);
    Dataset<Row> repeated =
        spark
            .range(copies)
            .toDF("copy")
            .crossJoin(test)
            .select(
                col("copy")
                    .multiply(testRows)
                    .plus(col(FeatureTable.ROW_ID))
                    .as(FeatureTable.ROW_ID),
                col(FeatureTable.FEATURES),
                col(FeatureTable.LABEL),
                lit(FeatureTable.TEST).as(FeatureTable.SPLIT));
    int files = (int) Math.max(2, copies * testRows / 100_000);
    repeated
        .repartition(files)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(FeatureTable.SPLIT)
        .parquet(dir + "/" + FeatureTable.TABLE_DIR);
    Manifest m = source.manifest();
    Map<String, Manifest.SplitStats> splits = new LinkedHashMap<>();
    splits.put(FeatureTable.TRAIN, new Manifest.SplitStats(0, Map.of()));
    splits.put(FeatureTable.VALIDATION, new Manifest.SplitStats(0, Map.of()));
    splits.put(FeatureTable.TEST, new Manifest.SplitStats(copies * testRows, null));
    new Manifest(
            m.schemaVersion(),
            m.dataset() + "-test-x" + copies,
            "bench-score",
            m.createdAt(),
            m.verdantVersion(),
            m.sparkVersion(),
            m.format(),
            m.task(),
            m.featureCount(),
            m.featureNames(),
            m.shape(),
            m.numClasses(),
            m.classNames(),
            m.featuresType(),
            m.labelType(),
            m.table(),
            m.partitionedBy(),
            m.seed(),
            m.validationFraction(),
            m.testSource(),
            m.testFraction(),
            m.normalization(),
            splits,
            m.sources())
        .write(fs, new Path(dir, FeatureTable.MANIFEST));
    return dir;
  }
}

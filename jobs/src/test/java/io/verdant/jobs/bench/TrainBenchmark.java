package io.verdant.jobs.bench;

import static org.apache.spark.sql.functions.col;

import io.verdant.common.spark.SparkSessions;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.train.MinibatchExport;
import io.verdant.jobs.train.SparkTrainer;
import io.verdant.jobs.train.TrainOptions;
import io.verdant.jobs.train.Training;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The train benchmark (scripts/bench-train.sh): a network on an ingested MNIST table, one way per
 * process, so that no way inherits another's heap, JIT state or thread settings:
 *
 * <ul>
 *   <li>{@code verdant}: Verdant's Spark training (the train job's MinibatchExport + SparkTrainer,
 *       parameter averaging, local[2], one ND4J thread per task slot), with the train job's
 *       defaults unless overridden;
 *   <li>{@code single}: a plain single-JVM MultiLayerNetwork.fit with the same network, initial
 *       weights, minibatches, order and updater, ND4J with OMP_NUM_THREADS threads;
 *   <li>{@code mllib}: Spark MLlib's MultilayerPerceptronClassifier with LeNet-300-100's layers
 *       (L-BFGS), warm-started in chunks of iterations to trace accuracy over time;
 *   <li>{@code split}: the verdant way with DL4J's training statistics, printing how each epoch's
 *       time splits between worker fit, data loading, broadcast, model setup on the workers and the
 *       rest (scheduling, serialization, aggregation, waiting for the slower worker);
 *   <li>{@code export-raw}: writes the train and test splits as raw little-endian float32 features
 *       and uint8 labels (plus meta.json) for the PyTorch anchors.
 * </ul>
 *
 * Each training way prints {@code <way> setup <s> s} for its one-off preparation and one line per
 * epoch (or chunk): {@code <way> epoch <n> <s> s cpu <s> s test <percent>%}; test-set evaluation
 * after each epoch is not in the epoch's time. A way stops after {@code bench.stopAt} test accuracy
 * (default: never).
 *
 * <p>Arguments: {@code <way> <table dir> [epochs=12] [mllib seconds budget=300] [mllib iterations
 * per fit=10] [mllib target=0.98]}, or {@code export-raw <table dir> <out dir>}. System properties
 * (defaults: the train job's): {@code bench.model}, {@code bench.batch}, {@code bench.lr}, {@code
 * bench.lrSchedule}, {@code bench.l2}, {@code bench.averagingFrequency}, {@code bench.prefetch},
 * {@code bench.stopAt}, {@code bench.workers} (2).
 */
public final class TrainBenchmark {
  private static final int WORKERS = Integer.getInteger("bench.workers", 2);
  private static final long SEED = 42;

  /** What to train and how, from the system properties. */
  record Setup(
      String model,
      int batch,
      double lr,
      String schedule,
      double l2,
      int averagingFrequency,
      double stopAt) {
    static Setup fromProperties() {
      return new Setup(
          System.getProperty("bench.model", "lenet-300-100"),
          Integer.getInteger("bench.batch", TrainOptions.DEFAULT_BATCH_SIZE),
          Double.parseDouble(
              System.getProperty("bench.lr", "" + TrainOptions.DEFAULT_LEARNING_RATE)),
          System.getProperty("bench.lrSchedule", TrainOptions.DEFAULT_LR_SCHEDULE),
          Double.parseDouble(System.getProperty("bench.l2", "0")),
          Integer.getInteger("bench.averagingFrequency", TrainOptions.DEFAULT_AVERAGING_FREQUENCY),
          Double.parseDouble(System.getProperty("bench.stopAt", "2")));
    }
  }

  /**
   * CPU seconds this process has used (all threads): less sensitive than wall time to other load on
   * the machine.
   */
  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private TrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    String way = args[0];
    String table = args[1];
    int epochs = args.length > 2 && !way.equals("export-raw") ? Integer.parseInt(args[2]) : 12;
    Setup setup = Setup.fromProperties();
    SparkConf conf = SparkSessions.defaults("verdant-bench-train-" + way);
    conf.set("spark.master", "local[" + WORKERS + "]");
    conf.setIfMissing("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.create(conf);
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Manifest.Loaded data = Manifest.read(table, jsc.hadoopConfiguration());
      if (way.equals("mllib")) {
        double budget = args.length > 3 ? Double.parseDouble(args[3]) : 300;
        int chunk = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        double target = args.length > 5 ? Double.parseDouble(args[5]) : 0.98;
        mllib(spark, data, budget, chunk, target);
        return;
      }
      String work = Files.createTempDirectory("verdant-bench-train").toString();
      try {
        if (way.equals("export-raw")) {
          exportRaw(spark, data, work, args[2]);
          return;
        }
        System.out.printf(
            Locale.ROOT,
            "# %s: %s, batch %d, Nesterov lr %s (schedule %s) momentum 0.9, averaging frequency %d, %d epochs, %d cores, OMP_NUM_THREADS=%s%n",
            way,
            setup.model(),
            setup.batch(),
            setup.lr(),
            setup.schedule(),
            setup.averagingFrequency(),
            epochs,
            Runtime.getRuntime().availableProcessors(),
            System.getenv("OMP_NUM_THREADS"));
        train(way, spark, data, setup, epochs, work);
      } finally {
        FileSystem.getLocal(jsc.hadoopConfiguration()).delete(new Path(work), true);
      }
    } finally {
      spark.stop();
    }
  }

  static void train(
      String way, SparkSession spark, Manifest.Loaded data, Setup setup, int epochs, String work)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Architectures.DataShape shape = Training.shape(data.manifest());
    Architectures.Hyper hyper =
        new Architectures.Hyper(
            Architectures.UpdaterKind.nesterov, setup.lr(), 0.9, setup.l2(), 0, SEED);
    // ND4J's threads come from OMP_NUM_THREADS, which the script sets for every way (as
    // submit/verdant does); without it, cores / task slots as the train job does in local mode.
    Training.configureThreads(spark, WORKERS);
    long t0 = System.nanoTime();
    MinibatchExport.Exported train =
        MinibatchExport.exportTrain(
            spark,
            data.tablePath(),
            10,
            true,
            setup.batch(),
            WORKERS,
            SEED,
            work + "/export",
            true);
    double exportSeconds = (System.nanoTime() - t0) / 1e9;
    MinibatchExport.Exported test =
        MinibatchExport.exportEval(
            spark, data.tablePath(), FeatureTable.TEST, 10, true, 500, work + "/export");
    MultiLayerNetwork initial =
        new MultiLayerNetwork(Architectures.build(setup.model(), shape, hyper));
    initial.init();
    switch (way) {
      case "verdant", "verdant1", "split" -> {
        System.out.printf(Locale.ROOT, "%s setup %.2f s (minibatch export)%n", way, exportSeconds);
        verdant(way, jsc, initial, setup, train, test, epochs);
      }
      case "single" -> single(jsc, initial, setup, train, test, epochs, work);
      default ->
          throw new IllegalArgumentException(
              "way must be verdant, verdant1, split, single, mllib or export-raw, cannot be: "
                  + way);
    }
  }

  static void verdant(
      String way,
      JavaSparkContext jsc,
      MultiLayerNetwork initial,
      Setup setup,
      MinibatchExport.Exported train,
      MinibatchExport.Exported test,
      int epochs) {
    boolean split = way.equals("split");
    JavaRDD<String> testRdd = jsc.parallelize(test.paths(), WORKERS).cache();
    SparkTrainer trainer =
        new SparkTrainer(
            jsc,
            initial,
            new SparkTrainer.Settings(
                WORKERS,
                setup.batch(),
                setup.averagingFrequency(),
                Integer.getInteger("bench.prefetch", TrainOptions.DEFAULT_PREFETCH),
                split),
            List.of());
    Map<String, Integer> seen = new HashMap<>();
    RoundTimeline timeline = new RoundTimeline();
    if (split) {
      jsc.sc().addSparkListener(timeline);
    }
    for (int e = 1; e <= epochs; e++) {
      trainer
          .network()
          .setLearningRate(setup.lr() * TrainOptions.scheduleFactor(setup.schedule(), e));
      double c0 = cpu();
      SparkTrainer.EpochResult r =
          trainer.fitEpoch(SparkTrainer.epochOrder(train.paths(), SEED, e));
      double c = cpu() - c0;
      double acc = trainer.evaluate(testRdd, new Evaluation(10)).accuracy();
      System.out.printf(
          Locale.ROOT,
          "%s epoch %d %.3f s cpu %.3f s test %.2f%%%n",
          way,
          e,
          r.seconds(),
          c,
          100 * acc);
      if (split) {
        printSplit(e, r, trainer.stats(), seen);
        timeline.print(e, WORKERS);
      }
      if (acc >= setup.stopAt()) {
        break;
      }
    }
  }

  /**
   * Prints how the epoch's wall time splits, from the DL4J events recorded since the last call:
   * worker-side figures are summed over the workers and divided by their number (the epoch's wall
   * time is spent by all of them at once).
   */
  static void printSplit(
      int epoch, SparkTrainer.EpochResult r, SparkTrainingStats stats, Map<String, Integer> seen) {
    double wall = 1000 * r.seconds();
    double fit = newMs(stats, "ParameterAveragingWorkerFitTimesMs", seen) / WORKERS;
    double load = newMs(stats, "WorkerFlatMapDataSetGetTimesMs", seen) / WORKERS;
    double init = newMs(stats, "ParameterAveragingWorkerInitTimeMs", seen) / WORKERS;
    double broadcast = newMs(stats, "ParameterAveragingMasterBroadcastCreateTimesMs", seen);
    double update = newMs(stats, "ParameterAveragingMasterProcessParamsUpdaterTimesMs", seen);
    double rest = wall - fit - load - init - broadcast - update;
    System.out.printf(
        Locale.ROOT,
        "split epoch %d rounds %d minibatches %d wall %.0f ms: worker fit %.0f (%.0f%%), data load %.0f (%.0f%%), worker model setup %.0f (%.0f%%), broadcast %.0f (%.0f%%), averaged-parameter update %.0f (%.0f%%), scheduling+aggregation+wait %.0f (%.0f%%)%n",
        epoch,
        r.rounds(),
        r.minibatches(),
        wall,
        fit,
        100 * fit / wall,
        load,
        100 * load / wall,
        init,
        100 * init / wall,
        broadcast,
        100 * broadcast / wall,
        update,
        100 * update / wall,
        rest,
        100 * rest / wall);
  }

  /** The sum of the durations of {@code key}'s events not counted by an earlier call. */
  static double newMs(SparkTrainingStats stats, String key, Map<String, Integer> seen) {
    List<EventStats> events = null;
    for (SparkTrainingStats s = stats;
        s != null && events == null;
        s = s.getNestedTrainingStats()) {
      if (s.getKeySet().contains(key)) {
        events = s.getValue(key);
      }
    }
    if (events == null) {
      return 0;
    }
    int from = seen.getOrDefault(key, 0);
    seen.put(key, events.size());
    double ms = 0;
    for (EventStats e : events.subList(from, events.size())) {
      ms += e.getDurationMs();
    }
    return ms;
  }

  static void single(
      JavaSparkContext jsc,
      MultiLayerNetwork net,
      Setup setup,
      MinibatchExport.Exported train,
      MinibatchExport.Exported test,
      int epochs,
      String work)
      throws Exception {
    System.out.println("single setup 0 s (minibatches loaded into memory beforehand)");
    FileSystem fs = new Path(work).getFileSystem(jsc.hadoopConfiguration());
    Map<String, DataSet> batches = new HashMap<>();
    for (String p : train.paths()) {
      batches.put(p, load(fs, p));
    }
    List<DataSet> testSets = new ArrayList<>();
    for (String p : test.paths()) {
      testSets.add(load(fs, p));
    }
    for (int e = 1; e <= epochs; e++) {
      List<String> order = SparkTrainer.epochOrder(train.paths(), SEED, e);
      net.setLearningRate(setup.lr() * TrainOptions.scheduleFactor(setup.schedule(), e));
      long te = System.nanoTime();
      double c0 = cpu();
      for (String p : order) {
        net.fit(batches.get(p));
      }
      double s = (System.nanoTime() - te) / 1e9;
      double c = cpu() - c0;
      Evaluation ev = new Evaluation(10);
      for (DataSet ds : testSets) {
        ev.eval(ds.getLabels(), net.output(ds.getFeatures(), false));
      }
      System.out.printf(
          Locale.ROOT,
          "single epoch %d %.3f s cpu %.3f s test %.2f%%%n",
          e,
          s,
          c,
          100 * ev.accuracy());
      if (ev.accuracy() >= setup.stopAt()) {
        break;
      }
    }
  }

  /**
   * Writes {@code <split>.x} (float32, little-endian, row-major), {@code <split>.y} (uint8 class)
   * for train and test, and meta.json, through the train job's own minibatch export.
   */
  static void exportRaw(SparkSession spark, Manifest.Loaded data, String work, String out)
      throws Exception {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    FileSystem fs = new Path(work).getFileSystem(jsc.hadoopConfiguration());
    Files.createDirectories(Paths.get(out));
    Map<String, Long> rows = new HashMap<>();
    int features = 0;
    for (String split : List.of(FeatureTable.TRAIN, FeatureTable.TEST)) {
      MinibatchExport.Exported e =
          MinibatchExport.exportEval(spark, data.tablePath(), split, 10, true, 1000, work);
      try (OutputStream xs = Files.newOutputStream(Paths.get(out, split + ".x"));
          OutputStream ys = Files.newOutputStream(Paths.get(out, split + ".y"))) {
        for (String p : e.paths()) {
          DataSet ds = load(fs, p);
          float[] x = ds.getFeatures().data().asFloat();
          ByteBuffer b = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
          b.asFloatBuffer().put(x);
          xs.write(b.array());
          long[] labels = ds.getLabels().argMax(1).toLongVector();
          byte[] y = new byte[labels.length];
          for (int i = 0; i < y.length; i++) {
            y[i] = (byte) labels[i];
          }
          ys.write(y);
          features = (int) ds.getFeatures().size(1);
        }
      }
      rows.put(split, e.examples());
    }
    List<Integer> shape = data.manifest().shape();
    String meta =
        String.format(
            Locale.ROOT,
            "{\"rows\": {\"train\": %d, \"test\": %d}, \"features\": %d, \"shape\": %s, \"classes\": %d}%n",
            rows.get(FeatureTable.TRAIN),
            rows.get(FeatureTable.TEST),
            features,
            shape,
            data.manifest().numClasses());
    Files.writeString(Paths.get(out, "meta.json"), meta, StandardCharsets.UTF_8);
    System.out.printf(Locale.ROOT, "export-raw %s to %s%n", rows, out);
  }

  /**
   * MLlib's MLP (sigmoid hidden layers, L-BFGS), warm-started every {@code chunk} iterations until
   * the budget or target.
   */
  static void mllib(
      SparkSession spark, Manifest.Loaded data, double budget, int chunk, double target) {
    Dataset<Row> all =
        spark
            .read()
            .parquet(data.tablePath())
            .select(
                org.apache
                    .spark
                    .ml
                    .functions
                    .array_to_vector(col(FeatureTable.FEATURES))
                    .as("features"),
                col(FeatureTable.LABEL).cast("double").as("label"),
                col(FeatureTable.SPLIT));
    Dataset<Row> mlTrain =
        all.where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TRAIN))
            .drop(FeatureTable.SPLIT)
            .cache();
    Dataset<Row> mlTest =
        all.where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TEST))
            .drop(FeatureTable.SPLIT)
            .cache();
    mlTrain.count();
    mlTest.count();
    System.out.println("mllib setup 0 s");
    MulticlassClassificationEvaluator accEval =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Vector weights = null;
    double cum = 0;
    int iterations = 0;
    while (cum < budget) {
      MultilayerPerceptronClassifier mlp =
          new MultilayerPerceptronClassifier()
              .setLayers(new int[] {784, 300, 100, 10})
              .setBlockSize(128)
              .setSeed(SEED)
              .setMaxIter(chunk)
              .setSolver("l-bfgs");
      if (weights != null) {
        mlp.setInitialWeights(weights);
      }
      double c0 = cpu();
      long tf = System.nanoTime();
      MultilayerPerceptronClassificationModel model = mlp.fit(mlTrain);
      double s = (System.nanoTime() - tf) / 1e9;
      double c = cpu() - c0;
      cum += s;
      iterations += chunk;
      weights = model.weights();
      double acc = accEval.evaluate(model.transform(mlTest));
      // One "epoch" line per chunk of L-BFGS iterations (each iteration is one pass over the data).
      System.out.printf(
          Locale.ROOT,
          "mllib epoch %d %.3f s cpu %.3f s test %.2f%% iterations %d%n",
          iterations / chunk,
          s,
          c,
          100 * acc,
          iterations);
      if (acc >= target) {
        break;
      }
    }
  }

  static DataSet load(FileSystem fs, String p) throws Exception {
    try (InputStream in = fs.open(new Path(p))) {
      return io.verdant.jobs.train.MinibatchFile.read(in);
    }
  }
}

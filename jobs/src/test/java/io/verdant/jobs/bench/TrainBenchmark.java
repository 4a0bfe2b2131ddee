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
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The train benchmark (scripts/bench-train.sh): LeNet-300-100 on an ingested MNIST table, one way
 * per process, so that no way inherits another's heap, JIT state or thread settings:
 *
 * <ul>
 *   <li>{@code verdant}: Verdant's Spark training (the train job's MinibatchExport + SparkTrainer,
 *       parameter averaging, local[2], one ND4J thread per task slot);
 *   <li>{@code single}: a plain single-JVM MultiLayerNetwork.fit with the same network, initial
 *       weights, minibatches, order and updater, ND4J with OMP_NUM_THREADS threads;
 *   <li>{@code mllib}: Spark MLlib's MultilayerPerceptronClassifier with the same layers (L-BFGS),
 *       warm-started in chunks of iterations to trace accuracy over time.
 * </ul>
 *
 * Each prints one line per epoch (or chunk): {@code <way> epoch <n> <seconds> s cpu <seconds> s
 * test <percent>%} and {@code <way> setup <seconds> s} for the one-off minibatch export; the script
 * runs the ways alternately and summarizes. Test-set evaluation after each epoch is not counted in
 * any time.
 *
 * <p>Arguments: {@code <verdant|single|mllib> <table dir> [epochs=12] [mllib seconds budget=300]
 * [mllib iterations per fit=10] [mllib target=0.98]}. System properties: {@code
 * bench.averagingFrequency} (default: the train job's, {@value
 * TrainOptions#DEFAULT_AVERAGING_FREQUENCY}), {@code bench.prefetch} (the train job's, {@value
 * TrainOptions#DEFAULT_PREFETCH}), {@code bench.stats} (false).
 */
public final class TrainBenchmark {
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
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 12;
    double mllibBudget = args.length > 3 ? Double.parseDouble(args[3]) : 300;
    int mllibChunk = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    double target = args.length > 5 ? Double.parseDouble(args[5]) : 0.98;
    int batch = 64;
    int workers = 2;
    int avgFreq =
        Integer.getInteger("bench.averagingFrequency", TrainOptions.DEFAULT_AVERAGING_FREQUENCY);
    double lr = 0.1;
    long seed = 42;
    int cores = Runtime.getRuntime().availableProcessors();

    SparkConf conf = SparkSessions.defaults("verdant-bench-train-" + way);
    conf.set("spark.master", "local[" + workers + "]");
    conf.setIfMissing("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.create(conf);
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Manifest.Loaded data = Manifest.read(table, jsc.hadoopConfiguration());
      System.out.printf(
          "# %s: LeNet-300-100, batch %d, Nesterov lr %s momentum 0.9, averaging frequency %d, %d epochs, %d cores, OMP_NUM_THREADS=%s%n",
          way, batch, lr, avgFreq, epochs, cores, System.getenv("OMP_NUM_THREADS"));
      if (way.equals("mllib")) {
        mllib(spark, data, seed, mllibBudget, mllibChunk, target);
        return;
      }
      Architectures.DataShape shape = Training.shape(data.manifest());
      Architectures.Hyper hyper =
          new Architectures.Hyper(Architectures.UpdaterKind.nesterov, lr, 0.9, 0, 0, seed);
      String work = Files.createTempDirectory("verdant-bench-train").toString();
      try {
        // ND4J's threads come from OMP_NUM_THREADS, which the script sets for both ways (as
        // submit/verdant does);
        // without it, the Verdant way sets cores / task slots as the train job does in local mode.
        Training.configureThreads(spark, workers);
        long t0 = System.nanoTime();
        MinibatchExport.Exported train =
            MinibatchExport.exportTrain(
                spark, data.tablePath(), 10, true, batch, workers, seed, work + "/export", true);
        double exportSeconds = (System.nanoTime() - t0) / 1e9;
        MinibatchExport.Exported test =
            MinibatchExport.exportEval(
                spark, data.tablePath(), FeatureTable.TEST, 10, true, 500, work + "/export");
        MultiLayerNetwork initial =
            new MultiLayerNetwork(Architectures.build("lenet-300-100", shape, hyper));
        initial.init();
        if (way.equals("verdant")) {
          System.out.printf("verdant setup %.2f s (minibatch export)%n", exportSeconds);
          JavaRDD<String> testRdd = jsc.parallelize(test.paths(), workers).cache();
          SparkTrainer trainer =
              new SparkTrainer(
                  jsc,
                  initial,
                  new SparkTrainer.Settings(
                      workers,
                      batch,
                      avgFreq,
                      Integer.getInteger("bench.prefetch", TrainOptions.DEFAULT_PREFETCH),
                      Boolean.getBoolean("bench.stats")),
                  List.of());
          for (int e = 1; e <= epochs; e++) {
            double c0 = cpu();
            SparkTrainer.EpochResult r =
                trainer.fitEpoch(SparkTrainer.epochOrder(train.paths(), seed, e));
            double c = cpu() - c0;
            double acc = trainer.evaluate(testRdd, new Evaluation(10)).accuracy();
            System.out.printf(
                "verdant epoch %d %.3f s cpu %.3f s test %.2f%%%n", e, r.seconds(), c, 100 * acc);
          }
          if (trainer.stats() != null) {
            System.out.println(trainer.stats().statsAsString());
          }
        } else if (way.equals("single")) {
          System.out.println(
              "single setup 0 s (minibatches loaded into memory beforehand, not counted)");
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
            List<String> order = SparkTrainer.epochOrder(train.paths(), seed, e);
            long te = System.nanoTime();
            double c0 = cpu();
            for (String p : order) {
              initial.fit(batches.get(p));
            }
            double s = (System.nanoTime() - te) / 1e9;
            double c = cpu() - c0;
            Evaluation ev = new Evaluation(10);
            for (DataSet ds : testSets) {
              ev.eval(ds.getLabels(), initial.output(ds.getFeatures(), false));
            }
            System.out.printf(
                "single epoch %d %.3f s cpu %.3f s test %.2f%%%n", e, s, c, 100 * ev.accuracy());
          }
        } else {
          throw new IllegalArgumentException(
              "way must be verdant, single or mllib, cannot be: " + way);
        }
      } finally {
        FileSystem.getLocal(jsc.hadoopConfiguration()).delete(new Path(work), true);
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * MLlib's MLP (sigmoid hidden layers, L-BFGS), warm-started every {@code chunk} iterations until
   * the budget or target.
   */
  static void mllib(
      SparkSession spark,
      Manifest.Loaded data,
      long seed,
      double budget,
      int chunk,
      double target) {
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
              .setSeed(seed)
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
          "mllib epoch %d %.3f s cpu %.3f s test %.2f%% iterations %d%n",
          iterations / chunk, s, c, 100 * acc, iterations);
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

package io.verdant.jobs.bench;

import static org.apache.spark.sql.functions.col;

import io.verdant.common.spark.SparkSessions;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.train.MinibatchExport;
import io.verdant.jobs.train.SparkTrainer;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * The train benchmark (scripts/bench-train.sh): LeNet-300-100 on an ingested MNIST table, local[2], three ways in
 * one run: Verdant's Spark training (the train job's MinibatchExport + SparkTrainer, parameter averaging), a plain
 * single-JVM MultiLayerNetwork.fit with the same network, minibatches, order and updater, and Spark MLlib's
 * MultilayerPerceptronClassifier with the same layers. Prints seconds per epoch, time to the target test accuracy
 * and the ratios. Test-set evaluation after each epoch is not counted in any time.
 *
 * <p>Arguments: {@code <table dir> [epochs=12] [target=0.98] [mllib seconds budget=300] [mllib iterations per fit=50]}.
 */
public final class TrainBenchmark {
  record Point(int epoch, double seconds, double cumulative, double accuracy, double cpuSeconds) {}

  /** CPU seconds this process has used (all threads): less sensitive than wall time to other load on the machine. */
  static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private TrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    String table = args[0];
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    double target = args.length > 2 ? Double.parseDouble(args[2]) : 0.98;
    double mllibBudget = args.length > 3 ? Double.parseDouble(args[3]) : 300;
    int mllibChunk = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    int batch = 64;
    int workers = 2;
    int avgFreq = Integer.getInteger("bench.averagingFrequency", 20);
    double lr = 0.1;
    long seed = 42;

    SparkConf conf = SparkSessions.defaults("verdant-bench-train");
    conf.set("spark.master", "local[" + workers + "]");
    conf.setIfMissing("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.create(conf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Manifest.Loaded data = Manifest.read(table, jsc.hadoopConfiguration());
    Architectures.DataShape shape = Training.shape(data.manifest());
    Architectures.Hyper hyper = new Architectures.Hyper(Architectures.UpdaterKind.nesterov, lr, 0.9, 0, 0, seed);
    String work = Files.createTempDirectory("verdant-bench-train").toString();
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("# LeNet-300-100, batch %d, Nesterov lr %s momentum 0.9, %d epochs, target %.1f%%, %d cores, OMP_NUM_THREADS=%s%n",
        batch, lr, epochs, 100 * target, cores, System.getenv("OMP_NUM_THREADS"));

    // 1. Verdant: export once, then parameter averaging on local[2], one ND4J thread per task slot.
    Nd4j.getEnvironment().setMaxThreads(Math.max(1, cores / workers));
    long t0 = System.nanoTime();
    MinibatchExport.Exported train = MinibatchExport.exportTrain(spark, data.tablePath(), 10, true, batch, workers, seed,
        work + "/export", true);
    double exportSeconds = (System.nanoTime() - t0) / 1e9;
    MinibatchExport.Exported test = MinibatchExport.exportEval(spark, data.tablePath(), FeatureTable.TEST, 10, true, 500,
        work + "/export");
    JavaRDD<String> testRdd = jsc.parallelize(test.paths(), workers).cache();
    MultiLayerNetwork initial = new MultiLayerNetwork(Architectures.build("lenet-300-100", shape, hyper));
    initial.init();
    SparkTrainer trainer = new SparkTrainer(jsc, initial.clone(), new SparkTrainer.Settings(workers, batch, avgFreq, 2, Boolean.getBoolean("bench.stats")), List.of());
    List<Point> verdant = new ArrayList<>();
    double cum = exportSeconds;
    for (int e = 1; e <= epochs; e++) {
      double c0 = cpu();
      SparkTrainer.EpochResult r = trainer.fitEpoch(SparkTrainer.epochOrder(train.paths(), seed, e), null);
      double c = cpu() - c0;
      cum += r.seconds();
      double acc = trainer.evaluate(testRdd, new Evaluation(10)).accuracy();
      verdant.add(new Point(e, r.seconds(), cum, acc, c));
      System.out.printf("verdant   epoch %2d  %6.2f s  cpu %6.2f s  test %.2f%%%n", e, r.seconds(), c, 100 * acc);
    }

    if (trainer.stats() != null) {
      System.out.println(trainer.stats().statsAsString());
    }

    // 2. Single JVM: the same minibatches in the same order, all cores for one process.
    Nd4j.getEnvironment().setMaxThreads(cores);
    FileSystem fs = new Path(work).getFileSystem(jsc.hadoopConfiguration());
    Map<String, DataSet> batches = new HashMap<>();
    for (String p : train.paths()) {
      batches.put(p, load(fs, p));
    }
    List<DataSet> testSets = new ArrayList<>();
    for (String p : test.paths()) {
      testSets.add(load(fs, p));
    }
    MultiLayerNetwork single = initial.clone();
    List<Point> jvm = new ArrayList<>();
    cum = 0;
    for (int e = 1; e <= epochs; e++) {
      List<String> order = SparkTrainer.epochOrder(train.paths(), seed, e);
      long te = System.nanoTime();
      double c0 = cpu();
      for (String p : order) {
        single.fit(batches.get(p));
      }
      double s = (System.nanoTime() - te) / 1e9;
      double c = cpu() - c0;
      cum += s;
      Evaluation ev = new Evaluation(10);
      for (DataSet ds : testSets) {
        ev.eval(ds.getLabels(), single.output(ds.getFeatures(), false));
      }
      jvm.add(new Point(e, s, cum, ev.accuracy(), c));
      System.out.printf("singlejvm epoch %2d  %6.2f s  cpu %6.2f s  test %.2f%%%n", e, s, c, 100 * ev.accuracy());
    }
    batches.clear();
    fs.delete(new Path(work), true);

    // 3. Spark MLlib's MLP (sigmoid hidden layers, L-BFGS), warm-started in chunks to trace accuracy over time.
    Dataset<Row> all = spark.read().parquet(data.tablePath())
        .select(org.apache.spark.ml.functions.array_to_vector(col(FeatureTable.FEATURES)).as("features"),
            col(FeatureTable.LABEL).cast("double").as("label"), col(FeatureTable.SPLIT));
    Dataset<Row> mlTrain = all.where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TRAIN)).drop(FeatureTable.SPLIT).cache();
    Dataset<Row> mlTest = all.where(col(FeatureTable.SPLIT).equalTo(FeatureTable.TEST)).drop(FeatureTable.SPLIT).cache();
    mlTrain.count();
    mlTest.count();
    MulticlassClassificationEvaluator accEval = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    Vector weights = null;
    List<Point> mllib = new ArrayList<>();
    cum = 0;
    int iterations = 0;
    while (cum < mllibBudget) {
      MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {784, 300, 100, 10})
          .setBlockSize(128).setSeed(seed).setMaxIter(mllibChunk).setSolver("l-bfgs");
      if (weights != null) {
        mlp.setInitialWeights(weights);
      }
      long tf = System.nanoTime();
      MultilayerPerceptronClassificationModel model = mlp.fit(mlTrain);
      double s = (System.nanoTime() - tf) / 1e9;
      cum += s;
      iterations += mllibChunk;
      weights = model.weights();
      double acc = accEval.evaluate(model.transform(mlTest));
      mllib.add(new Point(iterations, s / mllibChunk, cum, acc, Double.NaN));
      System.out.printf("mllib     iter %4d  %6.2f s/iter  %7.1f s  test %.2f%%%n", iterations, s / mllibChunk, cum, 100 * acc);
      if (acc >= target) {
        break;
      }
    }

    double vEpoch = steady(verdant);
    double jEpoch = steady(jvm);
    double vCpu = steadyCpu(verdant);
    double jCpu = steadyCpu(jvm);
    double mIter = mllib.stream().mapToDouble(Point::seconds).average().orElse(Double.NaN);
    System.out.println();
    System.out.printf("# summary (target %.1f%% test accuracy)%n", 100 * target);
    System.out.printf("verdant    steady epoch %6.2f s  first epoch %6.2f s (+ export %5.1f s)  %s%n", vEpoch,
        verdant.get(0).seconds(), exportSeconds, reach(verdant, target, "epoch"));
    System.out.printf("singlejvm  steady epoch %6.2f s  %s%n", jEpoch, reach(jvm, target, "epoch"));
    System.out.printf("mllib      %6.2f s per L-BFGS iteration (one pass over the data)  %s%n", mIter, reach(mllib, target, "iteration"));
    System.out.printf("ratio verdant/singlejvm epoch time: %.2f (target <= 1.3); CPU seconds per epoch %.2f vs %.2f: %.2f%n",
        vEpoch / jEpoch, vCpu, jCpu, vCpu / jCpu);
    Point vr = first(verdant, target);
    Point mr = first(mllib, target);
    if (vr != null) {
      double mTime = mr != null ? mr.cumulative() : mllib.get(mllib.size() - 1).cumulative();
      System.out.printf("ratio mllib/verdant time to %.1f%%: %s%.2f (target >= 3)%n", 100 * target, mr == null ? ">= " : "",
          mTime / vr.cumulative());
    }
    spark.stop();
  }

  static DataSet load(FileSystem fs, String p) throws Exception {
    try (InputStream in = fs.open(new Path(p))) {
      return io.verdant.jobs.train.MinibatchFile.read(in);
    }
  }

  /** Median epoch time from epoch 2 on (the first includes JIT warm-up). */
  static double steady(List<Point> pts) {
    List<Double> s = new ArrayList<>();
    for (int i = pts.size() > 1 ? 1 : 0; i < pts.size(); i++) {
      s.add(pts.get(i).seconds());
    }
    s.sort(Double::compare);
    return s.get(s.size() / 2);
  }

  static double steadyCpu(List<Point> pts) {
    List<Double> s = new ArrayList<>();
    for (int i = pts.size() > 1 ? 1 : 0; i < pts.size(); i++) {
      s.add(pts.get(i).cpuSeconds());
    }
    s.sort(Double::compare);
    return s.get(s.size() / 2);
  }

  static Point first(List<Point> pts, double target) {
    return pts.stream().filter(p -> p.accuracy() >= target).findFirst().orElse(null);
  }

  static String reach(List<Point> pts, double target, String unit) {
    Point p = first(pts, target);
    Point best = pts.stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElseThrow();
    if (p != null) {
      return String.format("reached %.2f%% at %s %d after %.1f s; best %.2f%%", 100 * p.accuracy(), unit, p.epoch(),
          p.cumulative(), 100 * best.accuracy());
    }
    return String.format("never reached the target; best %.2f%% at %s %d (%.1f s)", 100 * best.accuracy(), unit, best.epoch(),
        best.cumulative());
  }
}

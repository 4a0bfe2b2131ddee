package io.verdant.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.nn.DirectUpdater;
import io.verdant.testing.LocalSpark;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Spark parameter averaging against single-JVM training, and the distributed evaluation. */
class SparkTrainerTest {
  private static SparkSession spark;
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("spark-trainer");
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Minibatches of a learnable 3-class problem on 20 features, saved as DataSet files. */
  static List<String> minibatches(Path dir, int count, int batch, long seed) throws Exception {
    Random rnd = new Random(seed);
    List<String> paths = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      float[] x = new float[batch * 20];
      float[] y = new float[batch * 3];
      for (int i = 0; i < batch; i++) {
        int c = rnd.nextInt(3);
        for (int j = 0; j < 20; j++) {
          x[i * 20 + j] = (float) (rnd.nextGaussian() * 0.5 + (j % 3 == c ? 1.0 : 0.0));
        }
        y[i * 3 + c] = 1f;
      }
      Path p = dir.resolve(String.format("mb-%04d.vmb", b));
      try (OutputStream os = Files.newOutputStream(p)) {
        MinibatchFile.write(os, x, batch, 20, y, 3);
      }
      paths.add(p.toUri().toString());
    }
    return paths;
  }

  static DataSet load(String path) throws Exception {
    try (InputStream in = Files.newInputStream(Path.of(java.net.URI.create(path)))) {
      return MinibatchFile.read(in);
    }
  }

  static MultiLayerNetwork net(Architectures.UpdaterKind updater, double lr) {
    Architectures.DataShape shape = new Architectures.DataShape(true, 20, List.of(20), 3);
    MultiLayerNetwork n =
        new MultiLayerNetwork(
            Architectures.build(
                "mlp:20-16-3", shape, new Architectures.Hyper(updater, lr, 0.9, 0, 0, 7)));
    n.init();
    return n;
  }

  @Test
  void oneWorkerFitsAnEpochInOneRoundAndEqualsSingleJvmFit(@TempDir Path tmp) throws Exception {
    List<String> paths = minibatches(tmp, 12, 16, 1);
    MultiLayerNetwork single = net(Architectures.UpdaterKind.nesterov, 0.05);
    MultiLayerNetwork distributed = single.clone();
    assertEquals(single.params(), distributed.params());
    SparkTrainer trainer =
        new SparkTrainer(sc, distributed, new SparkTrainer.Settings(1, 16, 1, 0, false), List.of());
    for (int epoch = 1; epoch <= 2; epoch++) {
      List<String> order = SparkTrainer.epochOrder(paths, 42, epoch);
      SparkTrainer.EpochResult r = trainer.fitEpoch(order);
      // A single worker's average is itself: no rounds within the epoch (averaging frequency 1).
      assertEquals(1, r.rounds());
      assertEquals(12, r.minibatches());
      for (String p : order) {
        single.fit(load(p));
      }
    }
    INDArray a = single.params();
    INDArray b = trainer.network().params();
    assertNotEquals(
        net(Architectures.UpdaterKind.nesterov, 0.05).params(),
        b,
        "training changed the parameters");
    double maxDiff = a.sub(b).amaxNumber().doubleValue();
    assertTrue(
        maxDiff < 1e-5,
        "Spark (1 worker, one round per epoch) and single-JVM parameters differ by " + maxDiff);
    double updaterDiff =
        single
            .getUpdater()
            .getStateViewArray()
            .sub(trainer.network().getUpdater().getStateViewArray())
            .amaxNumber()
            .doubleValue();
    assertTrue(updaterDiff < 1e-5, "updater states differ by " + updaterDiff);
  }

  @Test
  void theWorkersNetworksUpdateWithDirectUpdaterWithAndWithoutStatistics() {
    for (boolean stats : new boolean[] {false, true}) {
      var master =
          new SparkTrainer.RoundTrainingMaster(new SparkTrainer.Settings(2, 16, 5, 0, stats));
      MultiLayerNetwork driver = net(Architectures.UpdaterKind.nesterov, 0.05);
      MultiLayerNetwork worker =
          master.getWorkerInstance(new SparkDl4jMultiLayer(sc, driver, master)).getInitialModel();
      assertInstanceOf(DirectUpdater.class, worker.getUpdater(), "stats " + stats);
      assertEquals(driver.params(), worker.params());
      assertEquals(
          driver.getUpdater().getStateViewArray(), worker.getUpdater().getStateViewArray());
    }
  }

  @Test
  void epochOrderDependsOnlyOnSeedAndEpoch() {
    List<String> p = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      p.add("f" + i);
    }
    List<String> shuffledInput = new ArrayList<>(p);
    java.util.Collections.reverse(shuffledInput);
    assertEquals(SparkTrainer.epochOrder(p, 1, 3), SparkTrainer.epochOrder(shuffledInput, 1, 3));
    assertNotEquals(SparkTrainer.epochOrder(p, 1, 3), SparkTrainer.epochOrder(p, 1, 4));
    assertNotEquals(SparkTrainer.epochOrder(p, 1, 3), SparkTrainer.epochOrder(p, 2, 3));
  }

  @Test
  void twoWorkersLearnAndDistributedEvaluationMatchesLocal(@TempDir Path tmp) throws Exception {
    List<String> paths = minibatches(tmp, 40, 16, 2);
    MultiLayerNetwork n = net(Architectures.UpdaterKind.nesterov, 0.05);
    SparkTrainer trainer =
        new SparkTrainer(sc, n, new SparkTrainer.Settings(2, 16, 5, 1, false), List.of());
    SparkTrainer.EpochResult first = trainer.fitEpoch(SparkTrainer.epochOrder(paths, 3, 1));
    SparkTrainer.EpochResult second = null;
    for (int e = 2; e <= 4; e++) {
      second = trainer.fitEpoch(SparkTrainer.epochOrder(paths, 3, e));
    }
    assertEquals(4, first.rounds());
    assertEquals(40, first.minibatches());
    assertTrue(second.loss() < first.loss(), "loss fell: " + first.loss() + " -> " + second.loss());
    Evaluation dist = trainer.evaluate(sc.parallelize(paths, 2), new Evaluation(3));
    Evaluation local = new Evaluation(3);
    for (String p : paths) {
      DataSet ds = load(p);
      local.eval(ds.getLabels(), trainer.network().output(ds.getFeatures(), false));
    }
    assertEquals(640, dist.getNumRowCounter());
    assertEquals(local.accuracy(), dist.accuracy(), 1e-9);
    assertTrue(dist.accuracy() > 0.9, "accuracy " + dist.accuracy());
  }
}

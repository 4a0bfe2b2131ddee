package io.verdant.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.train.MinibatchFile;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * RMSE, MAE and R^2 from merged sufficient statistics against their closed form on the real wine
 * data (label: alcohol, features: the 12 other measurements), one pass or merged from chunks, and
 * evaluated by Spark over several partitions.
 */
class RegressionStatsTest {
  private static SparkSession spark;
  private static float[][] features;
  private static double[] alcohol;

  @BeforeAll
  static void start() throws IOException {
    spark = LocalSpark.start("regression-stats");
    List<String> lines = Files.readAllLines(LocalSpark.testData("tabular").resolve("wine.csv"));
    int n = lines.size() - 1;
    features = new float[n][12];
    alcohol = new double[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      alcohol[i] = Double.parseDouble(f[0]);
      for (int k = 0; k < 12; k++) {
        features[i][k] = Float.parseFloat(f[k + 1]);
      }
    }
    // Standardized, as ingest writes them.
    for (int k = 0; k < 12; k++) {
      final int col = k;
      double mean = Arrays.stream(features).mapToDouble(r -> r[col]).average().orElseThrow();
      double std =
          Math.sqrt(
              Arrays.stream(features)
                  .mapToDouble(r -> (r[col] - mean) * (r[col] - mean))
                  .average()
                  .orElseThrow());
      for (float[] r : features) {
        r[k] = (float) ((r[k] - mean) / std);
      }
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** RMSE, MAE and R^2 = 1 - SSE / SST, with the mean taken first (two passes). */
  private static double[] closedForm(double[] y, double[] p) {
    double mean = Arrays.stream(y).average().orElseThrow();
    double sse = 0;
    double sae = 0;
    double sst = 0;
    for (int i = 0; i < y.length; i++) {
      sse += (y[i] - p[i]) * (y[i] - p[i]);
      sae += Math.abs(y[i] - p[i]);
      sst += (y[i] - mean) * (y[i] - mean);
    }
    return new double[] {Math.sqrt(sse / y.length), sae / y.length, 1 - sse / sst};
  }

  private static void assertMatches(double[] expected, RegressionStats s, double relative) {
    assertEquals(expected[0], s.rmse(), relative * expected[0], "RMSE");
    assertEquals(expected[1], s.mae(), relative * expected[1], "MAE");
    assertEquals(expected[2], s.r2(), relative * Math.max(1, Math.abs(expected[2])), "R^2");
  }

  @Test
  void mergedChunksGiveTheClosedFormOfAllRows() {
    // A crude predictor: alcohol from color intensity (column 10 of wine.csv).
    double[] p = new double[alcohol.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = 13 + 0.5 * features[i][8];
    }
    double[] expected = closedForm(alcohol, p);
    assertTrue(
        expected[2] > 0 && expected[2] < 1, "a predictor better than the mean: R^2 " + expected[2]);
    RegressionStats one = new RegressionStats();
    for (int i = 0; i < p.length; i++) {
      one.add(alcohol[i], p[i]);
    }
    assertMatches(expected, one, 1e-12);
    for (int chunks : new int[] {2, 3, 7, 178}) {
      RegressionStats merged = new RegressionStats();
      for (int c = 0; c < chunks; c++) {
        RegressionStats part = new RegressionStats();
        for (int i = c * p.length / chunks; i < (c + 1) * p.length / chunks; i++) {
          part.add(alcohol[i], p[i]);
        }
        merged.merge(part);
      }
      merged.merge(new RegressionStats());
      assertEquals(178, merged.count());
      assertMatches(expected, merged, 1e-12);
    }
  }

  @Test
  void constantLabelsHaveNoRSquared() {
    RegressionStats s = new RegressionStats();
    s.add(3, 2);
    s.add(3, 4);
    assertEquals(1.0, s.rmse(), 0);
    assertEquals(1.0, s.mae(), 0);
    assertTrue(Double.isNaN(s.r2()));
    assertTrue(Double.isNaN(new RegressionStats().rmse()));
  }

  @Test
  void sparkEvaluationOverSeveralPartitionsGivesTheClosedForm(@TempDir Path tmp)
      throws IOException {
    Architectures.DataShape shape = new Architectures.DataShape(false, 12, List.of(12), 0);
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            Architectures.build(
                "linear",
                shape,
                new Architectures.Hyper(Architectures.UpdaterKind.nesterov, 0.01, 0.9, 0, 0, 7)));
    net.init();
    // Untrained weights around the labels' mean: a poor but finite model.
    net.getLayer(0).setParam("b", Nd4j.valueArrayOf(new long[] {1, 1}, 13.0f));
    int n = alcohol.length;
    float[] x = new float[n * 12];
    for (int i = 0; i < n; i++) {
      System.arraycopy(features[i], 0, x, i * 12, 12);
    }
    INDArray out = net.output(Nd4j.create(x, new long[] {n, 12}), false);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = out.getDouble(i, 0);
    }
    double[] expected = closedForm(alcohol, p);
    // Minibatches of 8 rows (the last one shorter), spread over 4 partitions.
    List<String> paths = new ArrayList<>();
    for (int from = 0; from < n; from += 8) {
      int rows = Math.min(8, n - from);
      float[] y = new float[rows];
      for (int i = 0; i < rows; i++) {
        y[i] = (float) alcohol[from + i];
      }
      Path f = tmp.resolve(String.format("mb-%03d.vmb", from / 8));
      try (OutputStream os = Files.newOutputStream(f)) {
        MinibatchFile.write(
            os, Arrays.copyOfRange(x, from * 12, (from + rows) * 12), rows, 12, y, 1);
      }
      paths.add(f.toUri().toString());
    }
    JavaRDD<String> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(paths, 4);
    assertEquals(4, rdd.getNumPartitions());
    RegressionStats s =
        SparkEvaluation.evaluate(
            JavaSparkContext.fromSparkContext(spark.sparkContext()),
            net,
            rdd,
            new RegressionStats());
    assertEquals(n, s.count());
    // The labels went through float32 files: 1e-6 relative.
    assertMatches(expected, s, 1e-6);
  }
}

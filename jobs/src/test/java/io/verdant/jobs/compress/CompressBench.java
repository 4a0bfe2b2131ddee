package io.verdant.jobs.compress;

import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.common.spark.SparkSessions;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.Predictions;
import io.verdant.jobs.model.SharedWeights;
import io.verdant.jobs.model.TableData;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The compress benchmark (scripts/bench-compress.sh):
 *
 * <ul>
 *   <li>{@code codec [modelDir...]}: encode and decode throughput (dense float32 MB/s) of
 *       LeNet-300-100 and LeNet-5 pruned (92% dense, 70% conv) and quantized (5 / 8 bits), or of
 *       the given model directories;
 *   <li>{@code train <arch> <table> <outDir> <epochs>}: trains lenet-300-100 (Nesterov 0.01, 0.9,
 *       minibatch 64) or lenet5 (Adam 1e-3) in one JVM on a feature table's train split and saves
 *       it in the train job's layout.
 * </ul>
 */
public final class CompressBench {
  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "codec" : args[0]) {
      case "codec" -> codec(args);
      case "train" -> train(args[1], args[2], args[3], Integer.parseInt(args[4]));
      case "retrain-local" ->
          retrainLocal(
              args[1], args[2], args[3], Integer.parseInt(args[4]), Double.parseDouble(args[5]));
      default ->
          throw new IllegalArgumentException(
              "usage: codec [modelDir...] | train <arch> <table> <outDir> <epochs>");
    }
  }

  static void codec(String[] args) {
    if (args.length > 1) {
      for (int i = 1; i < args.length; i++) {
        MultiLayerNetwork net =
            ModelStore.load(args[i], "--model", new org.apache.hadoop.conf.Configuration()).net();
        throughput(args[i], net, 0.92, 0.7);
      }
      return;
    }
    throughput("lenet-300-100", TestModels.lenet300100(1), 0.92, 0.7);
    throughput("lenet5", TestModels.lenet5(1, 20, 50, 500), 0.92, 0.7);
  }

  static void throughput(
      String name, MultiLayerNetwork net, double denseSparsity, double convSparsity) {
    float[] flat = NetParams.flat(net);
    float[] mask = Pruning.ones(flat.length);
    Map<String, ModelCodec.WeightCoding> coding = new java.util.LinkedHashMap<>();
    for (NetParams.Param p : NetParams.weights(net)) {
      Pruning.prune(flat, mask, p.offset(), p.length(), p.conv() ? convSparsity : denseSparsity);
      int bits = p.conv() ? 8 : 5;
      SharedWeights q =
          WeightSharing.kmeans(
              java.util.Arrays.copyOfRange(flat, p.offset(), p.offset() + p.length()), bits, 50);
      System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
      coding.put(p.key(), new ModelCodec.WeightCoding(q, bits, 4));
    }
    NetParams.set(net, flat);
    double mb = 4.0 * net.numParams() / 1e6;
    byte[] bytes = null;
    int reps = 20;
    long encNs = Long.MAX_VALUE;
    long fileNs = Long.MAX_VALUE;
    long decNs = Long.MAX_VALUE;
    long readNs = Long.MAX_VALUE;
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      ModelFile f = ModelCodec.toModelFile(net, coding, "{}");
      long tf = System.nanoTime();
      bytes = ModelFileWriter.encode(f).bytes();
      long t1 = System.nanoTime();
      ModelFile back = ModelFileReader.decode(bytes, "bench").model();
      long tr = System.nanoTime();
      ModelCodec.toNetwork(back, "bench");
      long t2 = System.nanoTime();
      encNs = Math.min(encNs, t1 - t0);
      fileNs = Math.min(fileNs, t1 - tf);
      decNs = Math.min(decNs, t2 - t1);
      readNs = Math.min(readNs, tr - t1);
    }
    System.out.printf(
        Locale.ROOT,
        "%-14s %,9d params (%.2f MB float32) -> %,8d bytes (%.1fx): encode %.1f MB/s (%.1f ms; file writer alone"
            + " %.1f MB/s), decode %.1f MB/s (%.1f ms; file reader alone %.1f MB/s, the rest rebuilds the DL4J network), best of %d%n",
        name,
        net.numParams(),
        mb,
        bytes.length,
        4.0 * net.numParams() / bytes.length,
        mb / (encNs / 1e9),
        encNs / 1e6,
        mb / (fileNs / 1e9),
        mb / (decNs / 1e9),
        decNs / 1e6,
        mb / (readNs / 1e9),
        reps);
  }

  /**
   * Prunes (comma-separated sparsity per weight layer) and retrains with masks in one JVM: the
   * reference for Spark retraining.
   */
  static void retrainLocal(
      String modelDir, String tableDir, String sparsities, int epochs, double lr) throws Exception {
    SparkSession spark =
        SparkSessions.create(
            SparkSessions.defaults("compress-bench-retrain").set("spark.ui.enabled", "false"));
    try {
      Manifest.Loaded table = Manifest.read(tableDir, spark.sparkContext().hadoopConfiguration());
      MultiLayerNetwork net =
          ModelStore.load(modelDir, "--model", spark.sparkContext().hadoopConfiguration()).net();
      float[] flat = NetParams.flat(net);
      float[] mask = Pruning.ones(flat.length);
      String[] sp = sparsities.split(",");
      java.util.List<NetParams.Param> ws = NetParams.weights(net);
      for (int i = 0; i < ws.size(); i++) {
        Pruning.prune(
            flat, mask, ws.get(i).offset(), ws.get(i).length(), Double.parseDouble(sp[i]));
      }
      NetParams.set(net, flat);
      net.setLearningRate(lr);
      net.setListeners(new MaskListener(mask));
      var val = TableData.batches(spark, table, "validation", 256).cache();
      System.out.printf(
          Locale.ROOT, "pruned: validation %.2f%%%n", 100 * Predictions.of(val, net).accuracy());
      var train = new java.util.ArrayList<>(TestModels.split(spark, table, "train", 64));
      for (int e = 1; e <= epochs; e++) {
        long t0 = System.nanoTime();
        java.util.Collections.shuffle(train, new java.util.Random(e));
        TestModels.fit(net, train, 1);
        System.out.printf(
            Locale.ROOT,
            "retrain epoch %d (%d ms): validation %.2f%%%n",
            e,
            (System.nanoTime() - t0) / 1_000_000,
            100 * Predictions.of(val, net).accuracy());
      }
    } finally {
      spark.stop();
    }
  }

  static void train(String arch, String tableDir, String outDir, int epochs) throws Exception {
    SparkConf conf =
        SparkSessions.defaults("compress-bench-train").set("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.create(conf);
    try {
      Manifest.Loaded table = Manifest.read(tableDir, spark.sparkContext().hadoopConfiguration());
      MultiLayerNetwork net;
      if (arch.equals("lenet5")) {
        net = TestModels.lenet5(123, 20, 50, 500);
        net.getLayerWiseConfigurations()
            .getConfs()
            .forEach(
                c -> {
                  if (c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl) {
                    bl.setIUpdater(new Adam(1e-3));
                  }
                });
        net = new MultiLayerNetwork(net.getLayerWiseConfigurations());
        net.init();
      } else {
        net = TestModels.lenet300100(123);
      }
      var train = new java.util.ArrayList<>(TestModels.split(spark, table, "train", 64));
      var test = TableData.batches(spark, table, "test", 256).cache();
      for (int e = 1; e <= epochs; e++) {
        long t0 = System.nanoTime();
        java.util.Collections.shuffle(train, new java.util.Random(e));
        TestModels.fit(net, train, 1);
        long fit = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(
            Locale.ROOT,
            "%s epoch %d: fit %d ms, test accuracy %.2f%%%n",
            arch,
            e,
            fit,
            100 * Predictions.of(test, net).accuracy());
      }
      Path out = Paths.get(outDir);
      TestModels.save(net, arch, table, out);
      System.out.println(
          "Saved " + out.resolve("model.zip") + " (" + ModelSerializer.class.getSimpleName() + ")");
    } finally {
      spark.stop();
    }
  }
}

package io.verdant.jobs.compress;

import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.SharedWeights;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning of shared weights (Deep Compression, section 3.3): the gradient of a centroid is the
 * sum of the gradients of the weights that share it. Each step computes, on the executors, every
 * minibatch's gradient of a sample of the training split, sums it per cluster, and moves each
 * centroid by {@code -lr * (sum / minibatches)} on the driver. Codebook entry 0 (pruned weights)
 * never moves, so the sparsity pattern is unchanged.
 */
public final class CentroidFineTuning {
  private static final Logger LOG = LoggerFactory.getLogger(CentroidFineTuning.class);

  private CentroidFineTuning() {}

  /** Updates the codebooks in {@code coding} and the quantized values in {@code flat}, in place. */
  public static void run(
      JavaSparkContext jsc,
      MultiLayerNetwork template,
      float[] flat,
      List<NetParams.Param> weights,
      Map<String, ModelCodec.WeightCoding> coding,
      JavaRDD<DataSet> train,
      double lr,
      int steps,
      double fraction,
      long seed) {
    Clusters clusters = Clusters.of(weights, coding);
    Broadcast<String> conf = jsc.broadcast(template.getLayerWiseConfigurations().toJson());
    Broadcast<int[][]> assign = jsc.broadcast(clusters.assignments());
    try {
      for (int step = 0; step < steps; step++) {
        JavaRDD<DataSet> sample =
            fraction >= 1 ? train : train.sample(false, fraction, seed + step);
        ClusterSums total = gradientSums(jsc, sample, flat, conf, assign, clusters);
        if (total.batches == 0) {
          return;
        }
        moveCentroids(flat, weights, coding, total, lr);
        LOG.info(
            "Centroid fine-tuning step {}/{} over {} minibatches", step + 1, steps, total.batches);
      }
    } finally {
      conf.destroy();
      assign.destroy();
    }
  }

  /**
   * The gradients of the sample at parameters {@code flat}, summed per cluster; partitions are
   * added in order.
   */
  private static ClusterSums gradientSums(
      JavaSparkContext jsc,
      JavaRDD<DataSet> sample,
      float[] flat,
      Broadcast<String> conf,
      Broadcast<int[][]> assign,
      Clusters clusters) {
    Broadcast<float[]> params = jsc.broadcast(flat.clone());
    try {
      List<ClusterSums> parts =
          sample
              .mapPartitions(
                  new PartitionSums(conf, params, assign, clusters.offsets(), clusters.sizes()))
              .collect();
      ClusterSums total = new ClusterSums(clusters.sizes());
      for (ClusterSums part : parts) {
        total.add(part);
      }
      return total;
    } finally {
      params.destroy();
    }
  }

  /**
   * Moves every shared value but entry 0 by {@code -lr} times its mean gradient, and writes the
   * values into {@code flat}.
   */
  private static void moveCentroids(
      float[] flat,
      List<NetParams.Param> weights,
      Map<String, ModelCodec.WeightCoding> coding,
      ClusterSums total,
      double lr) {
    for (int i = 0; i < weights.size(); i++) {
      NetParams.Param p = weights.get(i);
      ModelCodec.WeightCoding wc = coding.get(p.key());
      float[] cb = wc.quantized().codebook().clone();
      double[] gradient = total.sums[i];
      for (int c = 1; c < cb.length; c++) {
        float v = (float) (cb[c] - lr * gradient[c] / total.batches);
        // 0 means pruned; a shared value that reaches it is nudged, as weight sharing does.
        cb[c] = v == 0f ? Float.MIN_NORMAL : v;
      }
      SharedWeights q = new SharedWeights(cb, wc.quantized().assignment());
      System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
      coding.put(p.key(), new ModelCodec.WeightCoding(q, wc.weightBits(), wc.gapBits()));
    }
  }

  /**
   * Per weight array: its offset in the flat parameters, its codebook size and its codebook
   * indices.
   */
  private record Clusters(int[] offsets, int[] sizes, int[][] assignments) {
    static Clusters of(List<NetParams.Param> weights, Map<String, ModelCodec.WeightCoding> coding) {
      int n = weights.size();
      Clusters c = new Clusters(new int[n], new int[n], new int[n][]);
      for (int i = 0; i < n; i++) {
        NetParams.Param p = weights.get(i);
        SharedWeights q = coding.get(p.key()).quantized();
        c.offsets[i] = p.offset();
        c.sizes[i] = q.codebook().length;
        c.assignments[i] = q.assignment();
      }
      return c;
    }
  }

  /**
   * Per weight array and codebook entry, gradients summed over minibatches; and how many
   * minibatches.
   */
  private static final class ClusterSums implements Serializable {
    private final double[][] sums;
    private long batches;

    ClusterSums(int[] sizes) {
      sums = new double[sizes.length][];
      for (int i = 0; i < sizes.length; i++) {
        sums[i] = new double[sizes[i]];
      }
    }

    /** Adds one minibatch's flattened gradient. */
    void add(float[] gradient, int[][] assignments, int[] offsets) {
      for (int i = 0; i < sums.length; i++) {
        int[] a = assignments[i];
        double[] s = sums[i];
        int off = offsets[i];
        for (int j = 0; j < a.length; j++) {
          s[a[j]] += gradient[off + j];
        }
      }
      batches++;
    }

    void add(ClusterSums other) {
      for (int i = 0; i < sums.length; i++) {
        for (int c = 0; c < sums[i].length; c++) {
          sums[i][c] += other.sums[i][c];
        }
      }
      batches += other.batches;
    }
  }

  /**
   * On an executor: one network per partition, the cluster sums of the partition's minibatches
   * (none if empty).
   */
  private record PartitionSums(
      Broadcast<String> conf,
      Broadcast<float[]> params,
      Broadcast<int[][]> assign,
      int[] offsets,
      int[] sizes)
      implements FlatMapFunction<Iterator<DataSet>, ClusterSums> {
    @Override
    public Iterator<ClusterSums> call(Iterator<DataSet> batches) {
      if (!batches.hasNext()) {
        return Collections.emptyIterator();
      }
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
      net.init();
      NetParams.set(net, params.value());
      ClusterSums sums = new ClusterSums(sizes);
      int[][] assignments = assign.value();
      while (batches.hasNext()) {
        DataSet d = batches.next();
        net.setInput(d.getFeatures());
        net.setLabels(d.getLabels());
        net.computeGradientAndScore();
        sums.add(net.getFlattenedGradients().dup().data().asFloat(), assignments, offsets);
      }
      return List.of(sums).iterator();
    }
  }
}

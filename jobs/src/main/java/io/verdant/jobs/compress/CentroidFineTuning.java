package io.verdant.jobs.compress;

import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.NetParams;
import io.verdant.jobs.model.SharedWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning of shared weights (Deep Compression, section 3.3): the gradient of a centroid is the sum of the
 * gradients of the weights that share it. Each step computes, on the executors, every minibatch's gradient of a
 * sample of the training split, sums it per cluster, and moves each centroid by {@code -lr * (sum / minibatches)}
 * on the driver. Codebook entry 0 (pruned weights) never moves, so the sparsity pattern is unchanged.
 */
public final class CentroidFineTuning {
  private static final Logger LOG = LoggerFactory.getLogger(CentroidFineTuning.class);

  private CentroidFineTuning() {}

  /** Updates the codebooks in {@code coding} and the quantized values in {@code flat}, in place. */
  public static void run(JavaSparkContext jsc, MultiLayerNetwork template, float[] flat, List<NetParams.Param> weights,
      Map<String, ModelCodec.WeightCoding> coding, JavaRDD<DataSet> train, double lr, int steps, double fraction, long seed) {
    int n = weights.size();
    int[] offsets = new int[n];
    int[][] assignments = new int[n][];
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) {
      NetParams.Param p = weights.get(i);
      offsets[i] = p.offset();
      assignments[i] = coding.get(p.key()).quantized().assignment();
      sizes[i] = coding.get(p.key()).quantized().codebook().length;
    }
    Broadcast<String> conf = jsc.broadcast(template.getLayerWiseConfigurations().toJson());
    Broadcast<int[][]> assign = jsc.broadcast(assignments);
    try {
      for (int step = 0; step < steps; step++) {
        Broadcast<float[]> params = jsc.broadcast(flat.clone());
        JavaRDD<DataSet> sample = fraction >= 1 ? train : train.sample(false, fraction, seed + step);
        List<double[][]> parts = sample.mapPartitions(it -> {
          List<double[][]> out = new ArrayList<>();
          if (!it.hasNext()) {
            return out.iterator();
          }
          MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
          net.init();
          NetParams.set(net, params.value());
          double[][] sums = new double[n + 1][];
          for (int i = 0; i < n; i++) {
            sums[i] = new double[sizes[i]];
          }
          sums[n] = new double[1];
          int[][] a = assign.value();
          while (it.hasNext()) {
            DataSet d = it.next();
            net.setInput(d.getFeatures());
            net.setLabels(d.getLabels());
            net.computeGradientAndScore();
            float[] g = net.getFlattenedGradients().dup().data().asFloat();
            for (int i = 0; i < n; i++) {
              int[] ai = a[i];
              double[] s = sums[i];
              int off = offsets[i];
              for (int j = 0; j < ai.length; j++) {
                s[ai[j]] += g[off + j];
              }
            }
            sums[n][0]++;
          }
          out.add(sums);
          return out.iterator();
        }).collect();
        params.destroy();
        double batches = 0;
        double[][] total = new double[n][];
        for (int i = 0; i < n; i++) {
          total[i] = new double[sizes[i]];
        }
        for (double[][] part : parts) {
          for (int i = 0; i < n; i++) {
            for (int c = 0; c < sizes[i]; c++) {
              total[i][c] += part[i][c];
            }
          }
          batches += part[n][0];
        }
        if (batches == 0) {
          return;
        }
        for (int i = 0; i < n; i++) {
          NetParams.Param p = weights.get(i);
          ModelCodec.WeightCoding wc = coding.get(p.key());
          float[] cb = wc.quantized().codebook().clone();
          for (int c = 1; c < cb.length; c++) {
            float v = (float) (cb[c] - lr * total[i][c] / batches);
            cb[c] = v == 0f ? Float.MIN_NORMAL : v;
          }
          SharedWeights q = new SharedWeights(cb, wc.quantized().assignment());
          System.arraycopy(q.values(), 0, flat, p.offset(), p.length());
          coding.put(p.key(), new ModelCodec.WeightCoding(q, wc.weightBits(), wc.gapBits()));
        }
        LOG.info("Centroid fine-tuning step {}/{} over {} minibatches", step + 1, steps, (long) batches);
      }
    } finally {
      conf.destroy();
      assign.destroy();
    }
  }
}

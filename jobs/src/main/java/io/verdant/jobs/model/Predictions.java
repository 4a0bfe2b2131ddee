package io.verdant.jobs.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A model's predicted class for every row of a split, computed on the executors (the configuration
 * and the flat parameters are broadcast; each partition builds the network once), collected in
 * row-id order.
 */
public record Predictions(long[] rowIds, int[] predicted, int[] labels) {

  public static Predictions of(JavaRDD<TableData.Batch> batches, MultiLayerNetwork net) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(batches.context());
    Broadcast<String> conf = jsc.broadcast(net.getLayerWiseConfigurations().toJson());
    Broadcast<float[]> params = jsc.broadcast(NetParams.flat(net));
    List<long[]> rows =
        batches
            .mapPartitions(
                it -> {
                  List<long[]> out = new ArrayList<>();
                  MultiLayerNetwork local = null;
                  while (it.hasNext()) {
                    TableData.Batch b = it.next();
                    if (local == null) {
                      local = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
                      local.init();
                      NetParams.set(local, params.value());
                    }
                    int[] p = b.predict(local);
                    for (int i = 0; i < p.length; i++) {
                      out.add(new long[] {b.rowIds()[i], p[i], b.labels()[i]});
                    }
                  }
                  return out.iterator();
                })
            .collect();
    conf.destroy();
    params.destroy();
    long[][] sorted = rows.toArray(new long[0][]);
    Arrays.sort(sorted, Comparator.comparingLong(r -> r[0]));
    long[] ids = new long[sorted.length];
    int[] pred = new int[sorted.length];
    int[] lab = new int[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      ids[i] = sorted[i][0];
      pred[i] = (int) sorted[i][1];
      lab[i] = (int) sorted[i][2];
    }
    return new Predictions(ids, pred, lab);
  }

  public double accuracy() {
    int ok = 0;
    for (int i = 0; i < predicted.length; i++) {
      ok += predicted[i] == labels[i] ? 1 : 0;
    }
    return predicted.length == 0 ? 0 : (double) ok / predicted.length;
  }

  /** Rows where two prediction sets over the same rows disagree. */
  public int differences(Predictions other) {
    if (!Arrays.equals(rowIds, other.rowIds)) {
      return Math.max(rowIds.length, other.rowIds.length);
    }
    int d = 0;
    for (int i = 0; i < predicted.length; i++) {
      d += predicted[i] != other.predicted[i] ? 1 : 0;
    }
    return d;
  }
}

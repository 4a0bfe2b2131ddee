package io.verdant.jobs.eval;

import io.verdant.jobs.train.MinibatchFile;
import java.io.InputStream;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Evaluates a network on exported minibatch files, distributed: the configuration and parameters
 * are broadcast, each task builds one network and adds the predictions of its files to an empty
 * {@link PartialMetric}, and the driver merges the partial metrics (DL4J's path evaluation for
 * MultiLayerNetwork goes through a ComputationGraph code path that fails in 1.0.0-M2).
 */
public final class SparkEvaluation {
  private SparkEvaluation() {}

  /** The metric over every minibatch in {@code paths}; {@code empty} itself when there are none. */
  public static <M extends PartialMetric<M>> M evaluate(
      JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<String> paths, M empty) {
    Broadcast<String> conf = sc.broadcast(net.getLayerWiseConfigurations().toJson());
    Broadcast<INDArray> params = sc.broadcast(net.params().dup());
    Broadcast<SerializableHadoopConfig> hconf =
        sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
    try {
      List<M> parts =
          paths.mapPartitions(new EvaluatePaths<>(conf, params, hconf, empty)).collect();
      M total = null;
      for (M part : parts) {
        if (total == null) {
          total = part;
        } else {
          total.merge(part);
        }
      }
      return total == null ? empty : total;
    } finally {
      conf.destroy();
      params.destroy();
      hconf.destroy();
    }
  }

  static final class EvaluatePaths<M extends PartialMetric<M>>
      implements FlatMapFunction<Iterator<String>, M> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<String> conf;
    private final Broadcast<INDArray> params;
    private final Broadcast<SerializableHadoopConfig> hconf;
    private final M empty;

    EvaluatePaths(
        Broadcast<String> conf,
        Broadcast<INDArray> params,
        Broadcast<SerializableHadoopConfig> hconf,
        M empty) {
      this.conf = conf;
      this.params = params;
      this.hconf = hconf;
      this.empty = empty;
    }

    @Override
    public Iterator<M> call(Iterator<String> it) throws Exception {
      if (!it.hasNext()) {
        return Collections.emptyIterator();
      }
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
      net.init(params.value().dup(), false);
      M metric = empty.empty();
      while (it.hasNext()) {
        Path p = new Path(it.next());
        DataSet ds;
        try (InputStream in = p.getFileSystem(hconf.value().getConfiguration()).open(p)) {
          ds = MinibatchFile.read(in);
        }
        metric.add(ds.getLabels(), net.output(ds.getFeatures(), false));
      }
      return Collections.singletonList(metric).iterator();
    }
  }
}

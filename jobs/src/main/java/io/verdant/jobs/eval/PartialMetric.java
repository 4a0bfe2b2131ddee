package io.verdant.jobs.eval;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A metric that each Spark partition accumulates from the labels and predictions of its
 * minibatches, and that the driver merges: the merged value must equal the value over all rows,
 * whatever the partitioning.
 *
 * @param <M> the metric's own type
 */
public interface PartialMetric<M extends PartialMetric<M>> extends Serializable {
  /** An empty metric of the same kind and settings. */
  M empty();

  /** Adds a minibatch: labels and predictions of the same shape, one row per example. */
  void add(INDArray labels, INDArray predictions);

  /** Folds another partition's metric into this one. */
  void merge(M other);
}

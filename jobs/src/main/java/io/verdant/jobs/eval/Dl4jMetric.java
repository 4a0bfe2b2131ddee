package io.verdant.jobs.eval;

import org.nd4j.evaluation.IEvaluation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A DL4J evaluation (e.g. {@code Evaluation} for classification) as a {@link PartialMetric}. */
public final class Dl4jMetric<T extends IEvaluation<T>> implements PartialMetric<Dl4jMetric<T>> {
  private static final long serialVersionUID = 1L;
  private final T evaluation;

  public Dl4jMetric(T evaluation) {
    this.evaluation = evaluation;
  }

  public T evaluation() {
    return evaluation;
  }

  @Override
  public Dl4jMetric<T> empty() {
    return new Dl4jMetric<>(evaluation.newInstance());
  }

  @Override
  public void add(INDArray labels, INDArray predictions) {
    evaluation.eval(labels, predictions);
  }

  @Override
  public void merge(Dl4jMetric<T> other) {
    evaluation.merge(other.evaluation);
  }
}

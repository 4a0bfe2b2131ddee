package io.verdant.jobs.compress;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps pruned weights exactly zero while training: after every parameter update (on each Spark
 * worker, which receives this listener with the network) the parameters are multiplied by the 0/1
 * mask, and the gradient is masked before the updater sees it so that momentum never builds up on
 * pruned weights. Parameter averaging of exact zeros is exact zero, so the averaged model keeps the
 * mask too.
 */
public final class MaskListener extends BaseTrainingListener implements java.io.Serializable {
  private final float[] mask;
  private transient INDArray maskArray;

  public MaskListener(float[] mask) {
    this.mask = mask.clone();
  }

  private INDArray mask(INDArray like) {
    if (maskArray == null || maskArray.dataType() != like.dataType()) {
      maskArray = Nd4j.create(mask, new long[] {1, mask.length}, 'c').castTo(like.dataType());
    }
    return maskArray;
  }

  @Override
  public void onGradientCalculation(Model model) {
    INDArray g = model.gradient() == null ? null : model.gradient().gradient();
    if (g != null && g.length() == mask.length) {
      g.muli(mask(g).reshape(g.shape()));
    }
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    applyTo(model);
  }

  /** Zeroes the pruned parameters of {@code model} in place. */
  public void applyTo(Model model) {
    INDArray p = model.params();
    p.muli(mask(p).reshape(p.shape()));
  }
}

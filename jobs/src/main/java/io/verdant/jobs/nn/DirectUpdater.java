package io.verdant.jobs.nn;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J's updater of a {@link MultiLayerNetwork} without its per-step bookkeeping. On every step
 * DL4J's {@code MultiLayerUpdater} regroups the gradient by layer, slices the gradient again for
 * the division by the minibatch size, and slices every parameter's gradient and values twice more
 * to look for regularization, even where there is none: on LeNet-300-100 with minibatches of 128
 * that was a third of a step (docs/train.md, "Speed"). This one divides the whole flattened
 * gradient once, applies each updater block's own {@link GradientUpdater} (Nesterov, Adam, ...) to
 * the block's gradient view, and regularizes only the parameters that have some, through the views
 * DL4J made once. The operations and their order are DL4J's, so the parameters and the updater
 * state come out the same (DirectUpdaterTest).
 *
 * <p>Only for networks where that holds ({@link #supports}): no gradient normalization, and every
 * gradient divided by the minibatch size. Anything else goes to DL4J's own update.
 */
public final class DirectUpdater extends MultiLayerUpdater {
  private static final long serialVersionUID = 1L;
  private long directUpdates;

  public DirectUpdater(MultiLayerNetwork network, INDArray updaterState) {
    super(network, updaterState);
  }

  /**
   * Installs a DirectUpdater on {@code network}, keeping its updater state, where it {@link
   * #supports} the network.
   *
   * @return whether it did
   */
  public static boolean install(MultiLayerNetwork network) {
    if (!supports(network)) {
      return false;
    }
    network.setUpdater(new DirectUpdater(network, network.getUpdater().getStateViewArray()));
    return true;
  }

  /** Whether a network's update is one this class does as DL4J does. */
  public static boolean supports(MultiLayerNetwork network) {
    for (Layer layer : network.getLayers()) {
      TrainingConfig c = layer.getConfig();
      if (c == null || layer.numParams() == 0) {
        continue;
      }
      GradientNormalization n = c.getGradientNormalization();
      if (n != null && n != GradientNormalization.None) {
        return false;
      }
      for (String p : layer.paramTable(false).keySet()) {
        if (!layer.updaterDivideByMinibatch(p) || c.isPretrainParam(p)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public synchronized void update(
      Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
    INDArray flat = getFlattenedGradientsView();
    if (!sameArray(gradient.gradient(), flat)) {
      // An external gradient (computed in another network): DL4J slices it itself.
      super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
      return;
    }
    directUpdates++;
    if (isMiniBatch()) {
      flat.divi(batchSize);
    }
    workspaceMgr.assertNotOpen(ArrayType.UPDATER_WORKING_MEM, "Updater working memory");
    for (UpdaterBlock block : updaterBlocks) {
      if (block.getLayersAndVariablesInBlock().get(0).getLayer().numParams() == 0) {
        continue;
      }
      try (MemoryWorkspace ws = workspaceMgr.notifyScopeEntered(ArrayType.UPDATER_WORKING_MEM)) {
        apply(block, iteration, epoch);
      }
    }
  }

  private static void apply(UpdaterBlock block, int iteration, int epoch) {
    if (block.getGradientUpdater() == null) {
      block.init();
    }
    GradientUpdater<?> updater = block.getGradientUpdater();
    double lr =
        updater.getConfig().hasLearningRate()
            ? updater.getConfig().getLearningRate(iteration, epoch)
            : 1.0;
    regularize(block, Regularization.ApplyStep.BEFORE_UPDATER, lr, iteration, epoch);
    updater.applyUpdater(block.getGradientView(), iteration, epoch);
    regularize(block, Regularization.ApplyStep.POST_UPDATER, lr, iteration, epoch);
  }

  private static void regularize(
      UpdaterBlock block, Regularization.ApplyStep step, double lr, int iteration, int epoch) {
    for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
      List<Regularization> rs = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
      if (rs == null) {
        continue;
      }
      for (Regularization r : rs) {
        if (r.applyStep() == step) {
          r.apply(p.getParamView(), p.getGradView(), lr, iteration, epoch);
        }
      }
    }
  }

  /** How many updates went the direct way (the others were of external gradients). */
  long directUpdates() {
    return directUpdates;
  }

  /**
   * Whether two arrays are the same elements of the same memory: DL4J hands the updater a reshaped
   * view of the flattened gradients, with a buffer object of its own over the same memory.
   */
  private static boolean sameArray(INDArray a, INDArray b) {
    return a == b
        || (a != null
            && a.dataType() == b.dataType()
            && a.length() == b.length()
            && a.elementWiseStride() == 1
            && b.elementWiseStride() == 1
            && a.data().address() + a.offset() * a.data().getElementSize()
                == b.data().address() + b.offset() * b.data().getElementSize());
  }
}

package org.nd4j.nativeblas;

/**
 * A bridge for a class that DL4J 1.0.0-M2.1 looks up by a name ND4J M2.1 no longer has.
 *
 * <p>DL4J's oneDNN layer helpers (convolution, subsampling, batch and local response normalization)
 * ask {@code BaseMKLDNNHelper.mklDnnEnabled()} whether the backend uses oneDNN, by reflection on
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}; M2.1 moved that class to {@code
 * org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}, so the lookup fails and every layer
 * falls back to DL4J's own im2col path. This class answers the lookup from the real environment.
 * With nd4j-native's {@code linux-x86_64-onednn} natives and {@code
 * -Dorg.eclipse.deeplearning4j.helpers.disable=false} (submit/conf/java17-jvm-flags), LeNet-5's
 * training steps take less than half the CPU time (docs/train.md).
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** What {@code BaseMKLDNNHelper} calls: {@code getInstance().isUseMKLDNN()}. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}

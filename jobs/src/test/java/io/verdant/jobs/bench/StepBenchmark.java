package io.verdant.jobs.bench;

import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.nn.DirectUpdater;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;

/**
 * Where one worker's training step goes, in one JVM and one thread (scripts/bench-step.sh): an
 * epoch of 54,000 random examples (the values do not change the work) through DL4J's {@code fit}
 * with its own updater and with {@link DirectUpdater}, alternating epochs, then the parts of a step
 * alone (forward and backward with the loss, the forward pass in training and in inference mode)
 * and, for dense networks, the step's GEMMs alone through ND4J: what the arithmetic costs without
 * DL4J around it.
 *
 * <p>Arguments: model, minibatch size, repetitions, L2, examples timed at a time (54,000, one MNIST
 * training epoch; fewer for slow models). Figures are scaled to an epoch of 54,000.
 */
public final class StepBenchmark {
  private static final int EPOCH = 54_000;

  private StepBenchmark() {}

  interface Step {
    void run(DataSet d);
  }

  public static void main(String[] args) {
    String model = args[0];
    int batch = Integer.parseInt(args[1]);
    int reps = Integer.parseInt(args[2]);
    double l2 = Double.parseDouble(args[3]);
    List<DataSet> data = minibatches(batch, args.length > 4 ? Integer.parseInt(args[4]) : EPOCH);
    var shape = new Architectures.DataShape(true, 784, List.of(1, 28, 28), 10);
    var hyper = new Architectures.Hyper(Architectures.UpdaterKind.nesterov, 0.05, 0.9, l2, 0, 42);
    MultiLayerNetwork dl4j = new MultiLayerNetwork(Architectures.build(model, shape, hyper));
    dl4j.init();
    MultiLayerNetwork direct = dl4j.clone();
    boolean installed = DirectUpdater.install(direct);
    System.out.printf(
        Locale.ROOT,
        "# %s, minibatch %d, L2 %s, %d steps timed at a time, OMP_NUM_THREADS=%s, DirectUpdater %s%n",
        model,
        batch,
        l2,
        data.size(),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        installed ? "installed" : "not applicable");
    for (int w = 0; w < 2; w++) {
      epoch(data, dl4j::fit);
      epoch(data, direct::fit);
    }
    double[][] fits = alternate(data, reps, dl4j::fit, direct::fit);
    print("fit, DL4J's updater", data, fits[0], fits[1]);
    print("fit, DirectUpdater", data, fits[2], fits[3]);
    part(data, reps, "forward + backward + loss, no update", d -> gradient(dl4j, d));
    part(data, reps, "forward, training mode", d -> dl4j.feedForward(d.getFeatures(), true));
    part(data, reps, "forward, inference", d -> dl4j.output(d.getFeatures(), false));
    if (model.startsWith("lenet-300-100") || model.startsWith("mlp:")) {
      part(data, reps, "the step's GEMMs alone", gemms(dl4j, batch));
    }
    System.out.printf(
        Locale.ROOT, "ops a fit step (ND4J's OpProfiler) %.1f%n", opsPerStep(dl4j, data));
  }

  private static void gradient(MultiLayerNetwork net, DataSet d) {
    net.setInput(d.getFeatures());
    net.setLabels(d.getLabels());
    net.computeGradientAndScore();
  }

  /** Forward x.W per dense layer, backward dW = x^T.delta per layer and dX = delta.W^T above it. */
  private static Step gemms(MultiLayerNetwork net, int batch) {
    int layers = net.getnLayers();
    INDArray[] w = new INDArray[layers];
    INDArray[] act = new INDArray[layers + 1];
    INDArray[] dw = new INDArray[layers];
    INDArray[] dx = new INDArray[layers];
    for (int l = 0; l < layers; l++) {
      w[l] = net.getLayer(l).getParam("W").dup();
      long in = w[l].size(0);
      long out = w[l].size(1);
      act[l + 1] = Nd4j.create(DataType.FLOAT, batch, out);
      dw[l] = Nd4j.create(DataType.FLOAT, in, out);
      dx[l] = Nd4j.create(DataType.FLOAT, batch, in);
    }
    return d -> {
      act[0] = d.getFeatures();
      for (int l = 0; l < layers; l++) {
        Nd4j.gemm(act[l], w[l], act[l + 1], false, false, 1.0, 0.0);
      }
      for (int l = layers - 1; l >= 0; l--) {
        Nd4j.gemm(act[l], act[l + 1], dw[l], true, false, 1.0, 0.0);
        if (l > 0) {
          Nd4j.gemm(act[l + 1], w[l], dx[l], false, true, 1.0, 0.0);
        }
      }
    };
  }

  private static double opsPerStep(MultiLayerNetwork net, List<DataSet> data) {
    int steps = Math.min(50, data.size());
    Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
    OpProfiler.getInstance().reset();
    for (int i = 0; i < steps; i++) {
      net.fit(data.get(i));
    }
    double ops = OpProfiler.getInstance().getInvocationsCount() / (double) steps;
    Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
    return ops;
  }

  /** Epochs of a and b in turn (a first on even repetitions): wall and CPU seconds of each. */
  private static double[][] alternate(List<DataSet> data, int reps, Step a, Step b) {
    double[][] out = new double[4][reps];
    for (int r = 0; r < reps; r++) {
      for (int k = 0; k < 2; k++) {
        boolean first = (r % 2 == 0) == (k == 0);
        double[] t = epoch(data, first ? a : b);
        int i = first ? 0 : 2;
        out[i][r] = t[0];
        out[i + 1][r] = t[1];
      }
    }
    return out;
  }

  private static void part(List<DataSet> data, int reps, String what, Step s) {
    epoch(data, s);
    double[] wall = new double[reps];
    double[] cpu = new double[reps];
    for (int r = 0; r < reps; r++) {
      double[] t = epoch(data, s);
      wall[r] = t[0];
      cpu[r] = t[1];
    }
    print(what, data, wall, cpu);
  }

  private static double[] epoch(List<DataSet> data, Step s) {
    double c0 = cpuSeconds();
    long t0 = System.nanoTime();
    for (DataSet d : data) {
      s.run(d);
    }
    return new double[] {(System.nanoTime() - t0) / 1e9, cpuSeconds() - c0};
  }

  /** Prints medians per step, and scaled to an epoch of 54,000 examples. */
  private static void print(String what, List<DataSet> data, double[] wall, double[] cpu) {
    int steps = data.size();
    double epochs = EPOCH / (double) (steps * data.get(0).numExamples());
    System.out.printf(
        Locale.ROOT,
        "%-38s %7.0f us a step  epoch %6.3f s (min %.3f, %d runs)  cpu %6.3f s%n",
        what,
        median(wall) / steps * 1e6,
        median(wall) * epochs,
        Arrays.stream(wall).min().orElse(0) * epochs,
        wall.length,
        median(cpu) * epochs);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static List<DataSet> minibatches(int batch, int examples) {
    Nd4j.getRandom().setSeed(1);
    List<DataSet> out = new ArrayList<>();
    for (int i = 0; i < examples / batch; i++) {
      INDArray x = Nd4j.rand(DataType.FLOAT, batch, 784);
      INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
      for (int j = 0; j < batch; j++) {
        y.putScalar(j, j % 10, 1f);
      }
      out.add(new DataSet(x, y));
    }
    return out;
  }

  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }
}

package io.verdant.jobs.score;

import io.verdant.common.modelfile.ModelFile;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.common.modelfile.Tensor;
import io.verdant.common.spark.SparkSessions;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.compress.TestModels;
import io.verdant.jobs.model.ModelCodec;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The timing harness that chose the compressed model's kernel (docs/score.md): one thread, the test
 * rows of a feature table through a compressed LeNet-300-100-shaped model, per kernel and batch
 * size, after a warm-up. Kernels:
 *
 * <ul>
 *   <li>{@code dl4j-dense}: the decoded dense network, DL4J's output (ND4J GEMM): the dense
 *       baseline;
 *   <li>{@code csc-rows4}: {@link SparseMlp}: CSC per output, the batch feature-major as one array
 *       per feature, four kept weights of a column per pass over the batch (the chosen kernel);
 *   <li>{@code csc-flat1}, {@code csc-flat4}: the same over one feature-major buffer (feature
 *       {@code i} at offset {@code i * batch}), one or four kept weights per pass;
 *   <li>{@code csr-flat}: CSR per input over the feature-major buffer (inner loop over the batch,
 *       scattered outputs);
 *   <li>{@code csr-scatter}: per row, CSR per input, skipping zero inputs (pixels, ReLU zeros),
 *       scalar scatter;
 *   <li>{@code csc-gather}: per row, CSC per output, scalar gather of the inputs.
 * </ul>
 *
 * Every kernel's predictions are compared with the dense network's. Times are the best of the
 * rounds' thread CPU times (ND4J runs on the calling thread with OMP_NUM_THREADS=1). Prints {@code
 * <kernel> batch <b> <us> us/row <rows/s> rows/s differing <n>}. Arguments: {@code <model.vdcm>
 * <table dir> [batch sizes=64,256,1024] [rounds=5]}. Timings are printed, never asserted.
 */
public final class KernelTimings {
  private KernelTimings() {}

  /** A forward pass over rows laid out row-major; returns row-major outputs. */
  interface Kernel {
    float[] forward(float[] x, int n);
  }

  public static void main(String[] args) throws Exception {
    byte[] bytes = Files.readAllBytes(Paths.get(args[0]));
    String table = args[1];
    int[] batches =
        java.util.Arrays.stream((args.length > 2 ? args[2] : "64,256,1024").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    ModelFile file = ModelFileReader.decode(bytes, args[0]).model();
    MultiLayerNetwork dense = ModelCodec.toNetwork(file, args[0]);
    SparseMlp sparse = SparseMlp.of(file);
    List<Layer> layers = layers(file);
    float[] x = testRows(table);
    int inputs = 784;
    int rows = x.length / inputs;
    System.out.printf(
        Locale.ROOT,
        "# %d rows, %d weights kept of %d (%.1f%%), one thread%n",
        rows,
        sparse.multiplyAdds(),
        dense.numParams(),
        100.0 * sparse.multiplyAdds() / dense.numParams());
    for (int b : batches) {
      int[] reference =
          argmax(run(new Dl4jModel(dense).newScorer(b)::forward, x, rows, inputs, b), 10);
      time(
          "dl4j-dense",
          new Dl4jModel(dense).newScorer(b)::forward,
          x,
          rows,
          inputs,
          b,
          rounds,
          reference);
      time("csc-rows4", sparse.newScorer(b)::forward, x, rows, inputs, b, rounds, reference);
      time("csc-flat1", cscFlat(layers, b, false), x, rows, inputs, b, rounds, reference);
      time("csc-flat4", cscFlat(layers, b, true), x, rows, inputs, b, rounds, reference);
      time("csr-flat", csrFlat(layers, b), x, rows, inputs, b, rounds, reference);
      time(
          "csr-scatter",
          (in, n) -> perRow(layers, in, n, true),
          x,
          rows,
          inputs,
          b,
          rounds,
          reference);
      time(
          "csc-gather",
          (in, n) -> perRow(layers, in, n, false),
          x,
          rows,
          inputs,
          b,
          rounds,
          reference);
    }
  }

  static float[] testRows(String table) {
    SparkConf conf = SparkSessions.defaults("kernel-timings").set("spark.master", "local[1]");
    SparkSession spark = SparkSessions.create(conf);
    try {
      List<DataSet> sets =
          TestModels.split(
              spark,
              Manifest.read(table, spark.sparkContext().hadoopConfiguration()),
              "test",
              1000);
      List<float[]> parts = new ArrayList<>();
      for (DataSet d : sets) {
        parts.add(d.getFeatures().dup('c').data().asFloat());
      }
      return concat(parts);
    } finally {
      spark.stop();
    }
  }

  static float[] concat(List<float[]> parts) {
    float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, o, p.length);
      o += p.length;
    }
    return all;
  }

  static float[] run(Kernel k, float[] x, int rows, int inputs, int batch) {
    List<float[]> outs = new ArrayList<>();
    float[] buf = new float[batch * inputs];
    for (int r = 0; r < rows; r += batch) {
      int n = Math.min(batch, rows - r);
      System.arraycopy(x, r * inputs, buf, 0, n * inputs);
      outs.add(k.forward(buf, n));
    }
    return concat(outs);
  }

  static void time(
      String name,
      Kernel k,
      float[] x,
      int rows,
      int inputs,
      int batch,
      int rounds,
      int[] reference) {
    int[] pred = argmax(run(k, x, rows, inputs, batch), 10);
    run(k, x, rows, inputs, batch);
    // The thread's CPU time, not wall time: the least disturbed by other load on a shared machine.
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < rounds; i++) {
      long t0 = threads.getCurrentThreadCpuTime();
      run(k, x, rows, inputs, batch);
      best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
    }
    int differ = 0;
    for (int i = 0; i < pred.length; i++) {
      differ += pred[i] != reference[i] ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s batch %5d %8.2f us/row %,10.0f rows/s differing %d%n",
        name,
        batch,
        best / 1e3 / rows,
        rows / (best / 1e9),
        differ);
  }

  static int[] argmax(float[] y, int outputs) {
    int[] p = new int[y.length / outputs];
    for (int t = 0; t < p.length; t++) {
      int best = 0;
      for (int j = 1; j < outputs; j++) {
        if (y[t * outputs + j] > y[t * outputs + best]) {
          best = j;
        }
      }
      p[t] = best;
    }
    return p;
  }

  /**
   * One layer in both sparse orders: CSC (per output) and CSR (per input), with codebook indices.
   */
  record Layer(
      int inputs,
      int outputs,
      int[] colStart,
      int[] rowIdx,
      byte[] colCode,
      int[] rowStart,
      int[] colIdx,
      byte[] rowCode,
      float[] codebook,
      float[] bias,
      boolean relu) {}

  static List<Layer> layers(ModelFile file) {
    List<Layer> out = new ArrayList<>();
    int layer = 0;
    while (true) {
      Tensor w = find(file, layer + "_W");
      if (w == null) {
        return out;
      }
      float[] bias = find(file, layer + "_b").values();
      int in = w.shape()[0];
      int o = w.shape()[1];
      int[] a = w.assignment();
      Sparse csc = Sparse.of(a, o, in, (j, i) -> i + j * in);
      Sparse csr = Sparse.of(a, in, o, (i, j) -> i + j * in);
      out.add(
          new Layer(
              in,
              o,
              csc.start(),
              csc.index(),
              csc.code(),
              csr.start(),
              csr.index(),
              csr.code(),
              w.codebook(),
              bias,
              find(file, (layer + 1) + "_W") != null));
      layer++;
    }
  }

  /**
   * A compressed sparse form: per outer index (a column for CSC, a row for CSR), its kept inner
   * indices and codes.
   */
  record Sparse(int[] start, int[] index, byte[] code) {
    static Sparse of(
        int[] assignment, int outer, int inner, java.util.function.IntBinaryOperator position) {
      int[] start = new int[outer + 1];
      List<Integer> index = new ArrayList<>();
      List<Byte> code = new ArrayList<>();
      for (int u = 0; u < outer; u++) {
        start[u] = index.size();
        for (int v = 0; v < inner; v++) {
          int c = assignment[position.applyAsInt(u, v)];
          if (c != 0) {
            index.add(v);
            code.add((byte) c);
          }
        }
      }
      start[outer] = index.size();
      byte[] codes = new byte[code.size()];
      for (int k = 0; k < codes.length; k++) {
        codes[k] = code.get(k);
      }
      return new Sparse(start, index.stream().mapToInt(Integer::intValue).toArray(), codes);
    }
  }

  static Tensor find(ModelFile f, String name) {
    return f.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * Row-major rows of 784 features into one feature-major buffer (feature {@code i} at {@code i *
   * stride}).
   */
  static void toFeatureMajor(float[] x, int n, float[] a, int stride) {
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < 784; i++) {
        a[i * stride + t] = x[t * 784 + i];
      }
    }
  }

  /** The 10 outputs of each row, row-major, from a feature-major buffer. */
  static float[] toRows(float[] cur, int n, int stride) {
    float[] y = new float[n * 10];
    for (int t = 0; t < n; t++) {
      for (int j = 0; j < 10; j++) {
        y[t * 10 + j] = cur[j * stride + t];
      }
    }
    return y;
  }

  /**
   * One layer's pass over a feature-major buffer: {@code next = relu?(cur x W + b)} for the batch's
   * {@code n} rows.
   */
  interface FlatLayer {
    void forward(Layer l, float[] cur, float[] next, int n, int stride);
  }

  /**
   * A kernel over one feature-major buffer (feature {@code i} of the batch at {@code i * stride}),
   * layer by layer.
   */
  static Kernel flat(List<Layer> layers, int stride, FlatLayer step) {
    float[] a = new float[784 * stride];
    float[] b = new float[784 * stride];
    return (x, n) -> {
      toFeatureMajor(x, n, a, stride);
      float[] cur = a;
      float[] next = b;
      for (Layer l : layers) {
        step.forward(l, cur, next, n, stride);
        if (l.relu()) {
          for (int q = 0; q < l.outputs() * stride; q++) {
            next[q] = Math.max(next[q], 0f);
          }
        }
        float[] s = cur;
        cur = next;
        next = s;
      }
      return toRows(cur, n, stride);
    };
  }

  /**
   * CSC over one feature-major buffer, one or four kept weights of a column per pass over the
   * batch.
   */
  static Kernel cscFlat(List<Layer> layers, int stride, boolean four) {
    return flat(
        layers,
        stride,
        (l, cur, next, n, st) -> {
          int[] rows = l.rowIdx();
          byte[] code = l.colCode();
          float[] cb = l.codebook();
          for (int j = 0; j < l.outputs(); j++) {
            int o = j * st;
            java.util.Arrays.fill(next, o, o + n, l.bias()[j]);
            int k = l.colStart()[j];
            int end = l.colStart()[j + 1];
            for (; four && k + 3 < end; k += 4) {
              int x0 = rows[k] * st;
              int x1 = rows[k + 1] * st;
              int x2 = rows[k + 2] * st;
              int x3 = rows[k + 3] * st;
              float w0 = cb[code[k] & 0xff];
              float w1 = cb[code[k + 1] & 0xff];
              float w2 = cb[code[k + 2] & 0xff];
              float w3 = cb[code[k + 3] & 0xff];
              for (int t = 0; t < n; t++) {
                next[o + t] +=
                    cur[x0 + t] * w0 + cur[x1 + t] * w1 + cur[x2 + t] * w2 + cur[x3 + t] * w3;
              }
            }
            for (; k < end; k++) {
              int x0 = rows[k] * st;
              float w0 = cb[code[k] & 0xff];
              for (int t = 0; t < n; t++) {
                next[o + t] += cur[x0 + t] * w0;
              }
            }
          }
        });
  }

  /**
   * CSR over one feature-major buffer: each input's kept weights add its batch row to their
   * outputs' rows.
   */
  static Kernel csrFlat(List<Layer> layers, int stride) {
    return flat(
        layers,
        stride,
        (l, cur, next, n, st) -> {
          for (int j = 0; j < l.outputs(); j++) {
            java.util.Arrays.fill(next, j * st, j * st + n, l.bias()[j]);
          }
          for (int i = 0; i < l.inputs(); i++) {
            int xi = i * st;
            for (int k = l.rowStart()[i]; k < l.rowStart()[i + 1]; k++) {
              float w = l.codebook()[l.rowCode()[k] & 0xff];
              int o = l.colIdx()[k] * st;
              for (int t = 0; t < n; t++) {
                next[o + t] += cur[xi + t] * w;
              }
            }
          }
        });
  }

  /**
   * Row by row: CSR scatter skipping zero inputs, or CSC gather. Logits only (softmax does not
   * change the argmax).
   */
  static float[] perRow(List<Layer> layers, float[] x, int n, boolean scatter) {
    float[] y = new float[n * 10];
    float[] cur = new float[784];
    float[] next = new float[784];
    for (int t = 0; t < n; t++) {
      System.arraycopy(x, t * 784, cur, 0, 784);
      for (Layer l : layers) {
        if (scatter) {
          System.arraycopy(l.bias(), 0, next, 0, l.outputs());
          for (int i = 0; i < l.inputs(); i++) {
            float v = cur[i];
            if (v == 0f) {
              continue;
            }
            for (int k = l.rowStart()[i]; k < l.rowStart()[i + 1]; k++) {
              next[l.colIdx()[k]] += v * l.codebook()[l.rowCode()[k] & 0xff];
            }
          }
        } else {
          for (int j = 0; j < l.outputs(); j++) {
            float s = l.bias()[j];
            for (int k = l.colStart()[j]; k < l.colStart()[j + 1]; k++) {
              s += cur[l.rowIdx()[k]] * l.codebook()[l.colCode()[k] & 0xff];
            }
            next[j] = s;
          }
        }
        if (l.relu()) {
          for (int j = 0; j < l.outputs(); j++) {
            next[j] = Math.max(next[j], 0f);
          }
        }
        float[] s = cur;
        cur = next;
        next = s;
      }
      System.arraycopy(cur, 0, y, t * 10, 10);
    }
    return y;
  }
}

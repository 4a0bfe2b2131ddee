package io.verdant.jobs.score;

import io.verdant.common.modelfile.Tensor;

/**
 * One pruned, weight-shared dense layer as a sparse matrix in compressed sparse column form (a
 * column per output), each kept weight stored as its input's index and its codebook index: the
 * weights are never expanded to a dense matrix. Its forward pass runs over a batch held
 * feature-major (one array per feature, indexed by row), so that the inner loop is a multiply-add
 * over the batch's rows that the JIT vectorizes (docs/score.md has the measurements that chose this
 * kernel).
 */
record CscLayer(
    int inputs,
    int outputs,
    Activation activation,
    int[] columnStart,
    int[] rowIndex,
    byte[] code,
    float[] codebook,
    float[] bias) {
  /**
   * The layer of a shared-value weight tensor of shape [inputs, outputs] in DL4J's column-major
   * order (the weight of input {@code i} to output {@code j} at position {@code i + j * inputs}),
   * with its bias.
   */
  static CscLayer of(Tensor weights, float[] bias, Activation activation) {
    int inputs = weights.shape()[0];
    int outputs = weights.shape()[1];
    int[] a = weights.assignment();
    int kept = 0;
    for (int c : a) {
      kept += c != 0 ? 1 : 0;
    }
    int[] start = new int[outputs + 1];
    int[] rows = new int[kept];
    byte[] codes = new byte[kept];
    int k = 0;
    for (int j = 0; j < outputs; j++) {
      start[j] = k;
      for (int i = 0, p = j * inputs; i < inputs; i++, p++) {
        if (a[p] != 0) {
          rows[k] = i;
          codes[k++] = (byte) a[p];
        }
      }
    }
    start[outputs] = k;
    return new CscLayer(
        inputs, outputs, activation, start, rows, codes, weights.codebook().clone(), bias.clone());
  }

  /** Weights kept: the multiply-adds per row. */
  int kept() {
    return rowIndex.length;
  }

  /**
   * {@code out = activation(in x W + b)} for the batch's first {@code n} rows, feature-major:
   * {@code in[i][t]} is input {@code i} of row {@code t}. Four kept weights of a column are applied
   * per pass over the batch; the loop indexes every array from 0 by the row, a shape the JIT turns
   * into vector instructions (an offset into a shared buffer would keep it scalar). Softmax is left
   * to the caller.
   */
  void forward(float[][] in, float[][] out, int n) {
    for (int j = 0; j < outputs; j++) {
      float[] o = out[j];
      java.util.Arrays.fill(o, 0, n, bias[j]);
      int k = columnStart[j];
      int end = columnStart[j + 1];
      for (; k + 3 < end; k += 4) {
        float[] x0 = in[rowIndex[k]];
        float[] x1 = in[rowIndex[k + 1]];
        float[] x2 = in[rowIndex[k + 2]];
        float[] x3 = in[rowIndex[k + 3]];
        float w0 = codebook[code[k] & 0xff];
        float w1 = codebook[code[k + 1] & 0xff];
        float w2 = codebook[code[k + 2] & 0xff];
        float w3 = codebook[code[k + 3] & 0xff];
        for (int t = 0; t < n; t++) {
          o[t] += x0[t] * w0 + x1[t] * w1 + x2[t] * w2 + x3[t] * w3;
        }
      }
      for (; k < end; k++) {
        float[] x0 = in[rowIndex[k]];
        float w0 = codebook[code[k] & 0xff];
        for (int t = 0; t < n; t++) {
          o[t] += x0[t] * w0;
        }
      }
      activation.applyElementwise(o, 0, n);
    }
  }
}

package io.verdant.common.modelfile;

import java.util.Arrays;

/**
 * One parameter array of a model, as stored in a model file. Either {@link Encoding#RAW_F32} (every
 * value as a float32: biases, layers left uncompressed) or {@link Encoding#SPARSE_SHARED}: a
 * codebook of shared values whose entry 0 is always exactly 0.0 (pruned weights and fillers), and
 * per position the codebook index.
 *
 * @param name the parameter's name in the model (e.g. {@code 0_W})
 * @param shape the array's shape; the values are in the model's flattened parameter order
 * @param raw the values of a RAW_F32 tensor (null otherwise)
 * @param codebook the shared values of a SPARSE_SHARED tensor, {@code codebook[0] == 0.0f}
 * @param assignment per position, the codebook index (0 = pruned)
 * @param weightBits bits of a codebook index before Huffman coding (codebook size at most
 *     2^weightBits)
 * @param gapBits bits of a relative index gap before Huffman coding
 * @param stride the traversal of positions by the sparse entries: entry order q visits position
 *     {@code (q % m) * stride + q / m} with {@code m = size / stride}; 1 is the flat order, the row
 *     length of a column-major matrix visits it row by row (docs/model-format.md)
 */
public record Tensor(
    String name,
    int[] shape,
    Encoding encoding,
    float[] raw,
    float[] codebook,
    int[] assignment,
    int weightBits,
    int gapBits,
    int stride) {

  public enum Encoding {
    RAW_F32,
    SPARSE_SHARED
  }

  public static final int MAX_BITS = 8;

  public static Tensor raw(String name, int[] shape, float[] values) {
    if (values.length != count(shape)) {
      throw new IllegalArgumentException(
          name + ": " + values.length + " values for shape " + Arrays.toString(shape));
    }
    return new Tensor(name, shape.clone(), Encoding.RAW_F32, values, null, null, 0, 0, 1);
  }

  public static Tensor sparseShared(
      String name, int[] shape, float[] codebook, int[] assignment, int weightBits, int gapBits) {
    return sparseShared(name, shape, codebook, assignment, weightBits, gapBits, 1);
  }

  public static Tensor sparseShared(
      String name,
      int[] shape,
      float[] codebook,
      int[] assignment,
      int weightBits,
      int gapBits,
      int stride) {
    if (stride < 1 || assignment.length % stride != 0) {
      throw new IllegalArgumentException(
          name + ": the stride must divide the size " + assignment.length + ": " + stride);
    }
    if (assignment.length != count(shape)) {
      throw new IllegalArgumentException(
          name + ": " + assignment.length + " indices for shape " + Arrays.toString(shape));
    }
    if (weightBits < 1 || weightBits > MAX_BITS || gapBits < 1 || gapBits > MAX_BITS) {
      throw new IllegalArgumentException(
          name + ": weight and gap bits must be between 1 and " + MAX_BITS);
    }
    if (codebook.length < 1
        || codebook.length > (1 << weightBits)
        || Float.floatToRawIntBits(codebook[0]) != 0) {
      throw new IllegalArgumentException(
          name + ": the codebook needs 1 to 2^" + weightBits + " entries and entry 0 = 0.0");
    }
    for (int a : assignment) {
      if (a < 0 || a >= codebook.length) {
        throw new IllegalArgumentException(name + ": codebook index out of range: " + a);
      }
    }
    return new Tensor(
        name,
        shape.clone(),
        Encoding.SPARSE_SHARED,
        null,
        codebook.clone(),
        assignment,
        weightBits,
        gapBits,
        stride);
  }

  /** The position the q-th step of a traversal with this stride visits. */
  public static int position(long q, int size, int stride) {
    long m = size / stride;
    return (int) ((q % m) * stride + q / m);
  }

  public static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  public int size() {
    return (int) count(shape);
  }

  /** The dense float32 values this tensor stands for. */
  public float[] values() {
    if (encoding == Encoding.RAW_F32) {
      return raw.clone();
    }
    float[] out = new float[assignment.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = codebook[assignment[i]];
    }
    return out;
  }

  /** Positions holding a non-zero value. */
  public int nonZero() {
    int n = 0;
    if (encoding == Encoding.RAW_F32) {
      for (float v : raw) {
        n += v != 0f ? 1 : 0;
      }
    } else {
      for (int a : assignment) {
        n += a != 0 ? 1 : 0;
      }
    }
    return n;
  }
}

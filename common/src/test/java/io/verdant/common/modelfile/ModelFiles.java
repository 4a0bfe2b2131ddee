package io.verdant.common.modelfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Test support: random models, and re-sealing a mutated file (fixing CRCs) so that decoders see the
 * mutation.
 */
final class ModelFiles {
  private ModelFiles() {}

  static ModelFile random(Random r, int layers) {
    List<Tensor> ts = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      int rows = 1 + r.nextInt(60);
      int cols = 1 + r.nextInt(60);
      int wb = 1 + r.nextInt(8);
      int gb = 1 + r.nextInt(8);
      int k = 1 + r.nextInt(1 << wb);
      float[] cb = new float[k];
      for (int c = 1; c < k; c++) {
        cb[c] = (float) r.nextGaussian();
      }
      double density = r.nextDouble();
      int[] a = new int[rows * cols];
      for (int i = 0; i < a.length; i++) {
        a[i] = k > 1 && r.nextDouble() < density * density ? 1 + r.nextInt(k - 1) : 0;
      }
      ts.add(
          Tensor.sparseShared(
              l + "_W",
              new int[] {rows, cols},
              cb,
              a,
              wb,
              gb,
              new int[] {1, rows, cols}[r.nextInt(3)]));
      float[] bias = new float[cols];
      for (int i = 0; i < cols; i++) {
        bias[i] = (float) r.nextGaussian();
      }
      ts.add(Tensor.raw(l + "_b", new int[] {1, cols}, bias));
    }
    return new ModelFile(
        "{\"architecture\":\"test\",\"layers\":" + layers + "}", "{\"conf\":\"x\"}", ts);
  }

  /** Recomputes the file length field, every block CRC that can be located, and the file CRC. */
  static byte[] reseal(byte[] f) {
    if (f.length < ModelFileFormat.HEADER + ModelFileFormat.TRAILER) {
      return f;
    }
    putInt(f, 10, f.length);
    int pos = ModelFileFormat.HEADER;
    int end = f.length - 4;
    while (pos + 5 <= end) {
      long len = getInt(f, pos + 1) & 0xffffffffL;
      if (pos + 5 + len + 4 > end) {
        break;
      }
      CRC32 c = new CRC32();
      c.update(f, pos, 5 + (int) len);
      putInt(f, pos + 5 + (int) len, (int) c.getValue());
      pos += 5 + (int) len + 4;
    }
    CRC32 c = new CRC32();
    c.update(f, 0, f.length - 4);
    putInt(f, f.length - 4, (int) c.getValue());
    return f;
  }

  static int getInt(byte[] b, int p) {
    return ((b[p] & 0xff) << 24)
        | ((b[p + 1] & 0xff) << 16)
        | ((b[p + 2] & 0xff) << 8)
        | (b[p + 3] & 0xff);
  }

  static void putInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }
}

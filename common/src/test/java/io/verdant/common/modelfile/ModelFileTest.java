package io.verdant.common.modelfile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelFileTest {
  private static void assertSame(ModelFile a, ModelFile b) {
    assertEquals(a.metadataJson(), b.metadataJson());
    assertEquals(a.configJson(), b.configJson());
    assertEquals(a.tensors().size(), b.tensors().size());
    for (int i = 0; i < a.tensors().size(); i++) {
      Tensor x = a.tensors().get(i);
      Tensor y = b.tensors().get(i);
      assertEquals(x.name(), y.name());
      assertArrayEquals(x.shape(), y.shape());
      assertEquals(x.encoding(), y.encoding());
      assertEquals(x.stride(), y.stride());
      float[] vx = x.values();
      float[] vy = y.values();
      for (int j = 0; j < vx.length; j++) {
        assertEquals(
            Float.floatToRawIntBits(vx[j]),
            Float.floatToRawIntBits(vy[j]),
            x.name() + "[" + j + "]");
      }
    }
  }

  @Test
  void roundTripIsBitExactForRandomModels() {
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      ModelFile m = ModelFiles.random(r, 1 + r.nextInt(4));
      ModelFileWriter.Encoded e = ModelFileWriter.encode(m);
      ModelFileReader.Decoded d = ModelFileReader.decode(e.bytes(), "m.vdcm");
      assertSame(m, d.model());
      for (int t = 0; t < m.tensors().size(); t++) {
        assertEquals(e.stats().get(t).nonZero(), d.stats().get(t).nonZero());
        assertEquals(e.stats().get(t).entries(), d.stats().get(t).entries());
        assertEquals(e.stats().get(t).blockBytes(), d.stats().get(t).blockBytes());
      }
    }
  }

  @Test
  void gapsThatOverflowBecomeFillerZeros() {
    int[] a = new int[1000];
    a[0] = 1;
    a[100] = 2;
    a[999] = 1;
    Tensor t = Tensor.sparseShared("w", new int[] {1000}, new float[] {0f, 0.5f, -0.25f}, a, 2, 3);
    ModelFileWriter.Encoded e = ModelFileWriter.encode(new ModelFile("{}", "{}", List.of(t)));
    TensorStats s = e.stats().get(0);
    assertEquals(3, s.nonZero());
    // Gaps of 99 and 898 with 3-bit gaps (span 8): 12 + 112 fillers.
    assertEquals(12 + 112, s.fillers());
    assertEquals(3 + 124, s.entries());
    float[] v = ModelFileReader.decode(e.bytes(), "f").model().tensors().get(0).values();
    assertEquals(0.5f, v[0]);
    assertEquals(-0.25f, v[100]);
    assertEquals(0.5f, v[999]);
    assertEquals(
        3,
        Arrays.stream(ModelFileReader.decode(e.bytes(), "f").model().tensors().get(0).assignment())
            .filter(x -> x != 0)
            .count());
  }

  @Test
  void aStrideTraversesAColumnMajorMatrixRowByRow() {
    // A 4 x 3 matrix stored column-major (flat = i + 4 j); row 1 holds the only non-zeros.
    int[] a = new int[12];
    a[1] = 1;
    a[5] = 2;
    a[9] = 1;
    Tensor t = Tensor.sparseShared("w", new int[] {4, 3}, new float[] {0f, 1f, 2f}, a, 2, 1, 4);
    ModelFileWriter.Encoded e = ModelFileWriter.encode(new ModelFile("{}", "{}", List.of(t)));
    // Row by row: positions 0, 4, 8, 1, 5, 9, ...: one gap of 3, then two of 0; with 1-bit gaps a
    // filler covers
    // the 3, and another the trailing zeros (12 values need (entries + 1) * 2 >= 12).
    assertEquals(5, e.stats().get(0).entries());
    assertEquals(2, e.stats().get(0).fillers());
    Tensor back = ModelFileReader.decode(e.bytes(), "f").model().tensors().get(0);
    assertArrayEquals(a, back.assignment());
    assertEquals(4, back.stride());
  }

  @Test
  void trailingZerosAndEmptyTensorsRoundTrip() {
    int[] a = new int[5000];
    a[3] = 1;
    Tensor t = Tensor.sparseShared("w", new int[] {50, 100}, new float[] {0f, 1f}, a, 1, 4);
    Tensor empty = Tensor.sparseShared("z", new int[] {7}, new float[] {0f}, new int[7], 1, 8);
    ModelFile m = new ModelFile("{}", "{}", List.of(t, empty));
    assertSame(m, ModelFileReader.decode(ModelFileWriter.encode(m).bytes(), "f").model());
  }

  @Test
  void huffmanBeatsFixedWidthOnSkewedIndices() {
    Random r = new Random(1);
    int[] a = new int[100_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextDouble() < 0.1 ? (r.nextDouble() < 0.8 ? 1 : 2 + r.nextInt(30)) : 0;
    }
    float[] cb = new float[32];
    for (int c = 1; c < 32; c++) {
      cb[c] = c * 0.01f;
    }
    TensorStats s =
        ModelFileWriter.encode(
                new ModelFile(
                    "{}",
                    "{}",
                    List.of(Tensor.sparseShared("w", new int[] {a.length}, cb, a, 5, 4))))
            .stats()
            .get(0);
    assertTrue(s.weightBitsHuffman() < 3.0, "index bits after Huffman: " + s.weightBitsHuffman());
    assertTrue(s.gapBitsHuffman() < 4.0, "gap bits after Huffman: " + s.gapBitsHuffman());
  }

  private static byte[] sample() {
    return ModelFileWriter.encode(ModelFiles.random(new Random(3), 3)).bytes();
  }

  private static String error(byte[] f) {
    return assertThrows(ModelFileException.class, () -> ModelFileReader.decode(f, "bad.vdcm"))
        .getMessage();
  }

  @Test
  void truncatedFileIsRejected() {
    byte[] f = sample();
    for (int cut : new int[] {0, 5, 17, 30, f.length / 2, f.length - 1}) {
      String msg = error(Arrays.copyOf(f, cut));
      assertTrue(msg.startsWith("bad.vdcm: "), msg);
      if (cut >= 22) {
        assertEquals(
            "bad.vdcm: header: truncated: the header declares "
                + f.length
                + " bytes, the file has "
                + cut,
            msg);
      }
    }
  }

  @Test
  void flippedBitFailsTheCrc() {
    byte[] f = sample();
    f[f.length / 2] ^= 0x10;
    assertTrue(
        error(f)
            .matches(
                "bad\\.vdcm: header: file CRC32 mismatch \\(stored [0-9a-f]{8}, computed [0-9a-f]{8}\\): the file is corrupted"));
    // A block whose bytes and file CRC were rewritten but whose block CRC was not: the block CRC
    // catches it.
    byte[] g = sample();
    g[ModelFileFormat.HEADER + 7] ^= 0x01;
    java.util.zip.CRC32 c = new java.util.zip.CRC32();
    c.update(g, 0, g.length - 4);
    ModelFiles.putInt(g, g.length - 4, (int) c.getValue());
    assertTrue(error(g).matches("bad\\.vdcm: block 0: block CRC32 mismatch .*"), error(g));
  }

  @Test
  void unknownVersionIsRejected() {
    byte[] f = sample();
    f[9] = 9;
    assertEquals(
        "bad.vdcm: unknown model file format version 9; this Verdant reads versions 1 to 1 (a newer Verdant wrote it?)",
        error(ModelFiles.reseal(f)));
  }

  @Test
  void notAModelFile() {
    assertEquals(
        "bad.vdcm: not a Verdant model file (its first bytes are not the model file magic)",
        error(
            "PK\u0003\u0004 this is a zip, not a model file at all"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void oversizedSizesAreRejectedBeforeAllocation() {
    byte[] f = sample();
    // The block count claims 2^31 blocks.
    byte[] a = f.clone();
    ModelFiles.putInt(a, 14, Integer.MAX_VALUE);
    assertTrue(
        error(ModelFiles.reseal(a))
            .startsWith("bad.vdcm: header: block count 2147483647 does not fit"),
        error(a));
    // The first block's length claims 2 GiB.
    byte[] b = f.clone();
    ModelFiles.putInt(b, ModelFileFormat.HEADER + 1, 0x7fff_fff0);
    assertTrue(
        error(ModelFiles.reseal(b))
            .startsWith("bad.vdcm: block 0: block length 2147483632 does not fit"),
        error(b));
    // The metadata claims 60 MiB of text inside a few bytes.
    byte[] c = f.clone();
    ModelFiles.putInt(c, ModelFileFormat.HEADER + 5, 60 << 20);
    assertTrue(
        error(ModelFiles.reseal(c))
            .startsWith("bad.vdcm: block 0: text length 62914560 does not fit the"),
        error(c));
    // A tensor whose shape claims 2^31 x 2^31 values.
    Tensor t = Tensor.raw("w", new int[] {2, 2}, new float[] {1, 2, 3, 4});
    byte[] d = ModelFileWriter.encode(new ModelFile("{}", "{}", List.of(t))).bytes();
    int tensorAt = tensorBlockPayload(d);
    // payload: name length u16, name "w", rank u8, dims.
    ModelFiles.putInt(d, tensorAt + 2 + 1 + 1, 0x7fffffff);
    ModelFiles.putInt(d, tensorAt + 2 + 1 + 1 + 4, 0x7fffffff);
    assertEquals(
        "bad.vdcm: tensor w: the shape holds more than 2147483639 values",
        error(ModelFiles.reseal(d)));
    ModelFiles.putInt(d, tensorAt + 2 + 1 + 1 + 4, 1000);
    ModelFiles.putInt(d, tensorAt + 2 + 1 + 1, 1000);
    assertEquals(
        "bad.vdcm: tensor w: 1000000 float32 values need 4000000 bytes, 16 remain",
        error(ModelFiles.reseal(d)));
  }

  /** Offset of the first tensor block's payload. */
  private static int tensorBlockPayload(byte[] f) {
    int pos = ModelFileFormat.HEADER;
    while (f[pos] != ModelFileFormat.BLOCK_TENSOR) {
      pos += 5 + ModelFiles.getInt(f, pos + 1) + 4;
    }
    return pos + 5;
  }
}

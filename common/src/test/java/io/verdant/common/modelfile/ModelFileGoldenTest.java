package io.verdant.common.modelfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins the format to known bytes: the expected values were computed by the codec as it stood before
 * a refactoring, so any change to the bytes written, the statistics reported or the outcome of
 * decoding (including every error message) fails here. Both texts are {@code {}}: two literals
 * leave a deflater no choice, so the expected bytes do not depend on the zlib build.
 */
class ModelFileGoldenTest {
  /**
   * A raw tensor (with -0.0 and NaN bits) and a strided sparse tensor whose gaps overflow into
   * fillers.
   */
  private static ModelFile tiny() {
    Tensor bias =
        Tensor.raw(
            "0_b", new int[] {1, 3}, new float[] {1.5f, -0f, Float.intBitsToFloat(0x7fc00001)});
    int[] a = new int[12];
    a[1] = 1;
    a[5] = 2;
    a[9] = 1;
    a[11] = 3;
    Tensor w =
        Tensor.sparseShared(
            "0_W", new int[] {4, 3}, new float[] {0f, 0.25f, -2f, 3e-8f}, a, 2, 1, 4);
    return new ModelFile("{}", "{}", List.of(w, bias));
  }

  @Test
  void aTinyModelEncodesToKnownBytes() {
    ModelFileWriter.Encoded e = ModelFileWriter.encode(tiny());
    assertEquals(TINY_HEX, HexFormat.of().formatHex(e.bytes()));
    assertEquals(TINY_STATS, e.stats().toString());
  }

  @Test
  void randomModelsEncodeAndDecodeAsBefore() {
    Random r = new Random(11);
    MessageDigest sha = sha256();
    for (int i = 0; i < 300; i++) {
      ModelFile m = ModelFiles.random(r, 1 + r.nextInt(4));
      ModelFileWriter.Encoded e = ModelFileWriter.encode(new ModelFile("{}", "{}", m.tensors()));
      sha.update(e.bytes());
      sha.update(e.stats().toString().getBytes(StandardCharsets.UTF_8));
      sha.update(outcome(e.bytes()).getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(RANDOM_SHA256, HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void mutatedFilesDecodeOrFailAsBefore() {
    Random r = new Random(5);
    MessageDigest sha = sha256();
    List<String> firstOutcomes = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] f =
          ModelFileWriter.encode(
                  new ModelFile("{}", "{}", ModelFiles.random(r, 1 + r.nextInt(3)).tensors()))
              .bytes();
      for (int m = 0; m < 25; m++) {
        byte[] g = ModelFileFuzzTest.mutate(f, r);
        String outcome = outcome(r.nextInt(8) != 0 ? ModelFiles.reseal(g) : g);
        sha.update(outcome.getBytes(StandardCharsets.UTF_8));
        if (firstOutcomes.size() < 3) {
          firstOutcomes.add(outcome);
        }
      }
    }
    assertEquals(
        MUTATED_SHA256, HexFormat.of().formatHex(sha.digest()), String.join("\n", firstOutcomes));
  }

  /**
   * The decoded statistics and values, or the error (zlib's own wording of a corrupt stream left
   * out).
   */
  private static String outcome(byte[] file) {
    try {
      ModelFileReader.Decoded d = ModelFileReader.decode(file, "m");
      StringBuilder s = new StringBuilder("ok ").append(d.stats());
      for (Tensor t : d.model().tensors()) {
        for (float v : t.values()) {
          s.append(Float.floatToRawIntBits(v)).append(',');
        }
      }
      return s.append('\n').toString();
    } catch (ModelFileException e) {
      String msg = e.getMessage();
      int zlib = msg.indexOf("the compressed text is corrupted: ");
      return (zlib < 0 ? msg : msg.substring(0, zlib)) + '\n';
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** docs/model-format.md, field by field. */
  private static final String TINY_HEX =
      ""
          // magic, version 1, file length 169, 4 blocks
          + "895644434d0d0a1a"
          + "0001"
          + "000000a9"
          + "00000004"
          // metadata and configuration blocks: type, length 14, text length 2, deflated "{}", block
          // CRC
          + "01"
          + "0000000e"
          + "00000002"
          + "78daabae0500017500f9"
          + "42dba374"
          + "02"
          + "0000000e"
          + "00000002"
          + "78daabae0500017500f9"
          + "e18d25dd"
          // tensor 0_W: name, rank 2, 4 x 3, sparse shared, 2 weight bits, 1 gap bit, stride 4,
          // codebook 0.25 -2 3e-8
          + "03"
          + "00000038"
          + "0003305f57"
          + "02"
          + "00000004"
          + "00000003"
          + "01"
          + "02"
          + "01"
          + "00000004"
          + "0004"
          + "3e800000"
          + "c0000000"
          + "3300d959"
          // index and gap code lengths, 7 entries (3 fillers), gap stream 1 byte, index stream 2
          // bytes, block CRC
          + "01020303"
          + "0101"
          + "00000007"
          + "00000001"
          + "00000002"
          + "ce"
          + "5a38"
          + "72f73a31"
          // tensor 0_b: name, rank 2, 1 x 3, raw float32 1.5 -0.0 NaN(0x7fc00001), block CRC
          + "03"
          + "0000001b"
          + "0003305f62"
          + "02"
          + "00000001"
          + "00000003"
          + "00"
          + "3fc00000"
          + "80000000"
          + "7fc00001"
          + "72f6e33e"
          // file CRC
          + "114f7ab9";

  private static final String TINY_STATS =
      "[TensorStats[name=0_W, encoding=SPARSE_SHARED, weights=12, nonZero=4, entries=7, "
          + "fillers=3, weightBits=2, gapBits=1, indexStreamBits=13, gapStreamBits=7, blockBytes=65], TensorStats[name=0_b, "
          + "encoding=RAW_F32, weights=3, nonZero=2, entries=0, fillers=0, weightBits=32, gapBits=0, indexStreamBits=0, "
          + "gapStreamBits=0, blockBytes=36]]";
  private static final String RANDOM_SHA256 =
      "f25920bf897e1941fb6aa98b705a490135e89051f53dedc8535ea2e0b2ea3664";
  private static final String MUTATED_SHA256 =
      "f9f57a385de367b41f947512c703c44acc1c36667f007091e2b4617689cd4c84";
}

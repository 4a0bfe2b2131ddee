package io.verdant.common.modelfile;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bounded-time mutation fuzzer of the decoder: random valid files are mutated (bit flips, byte
 * runs, inserted and removed bytes, size fields set to extremes) and re-sealed with correct CRCs so
 * that the mutation reaches the parser. Every outcome must be a decoded model or a {@link
 * ModelFileException}: never another exception, an out-of-memory or a hang. The budget is {@code
 * verdant.fuzz.seconds} (default 20 s); the seed is printed.
 */
class ModelFileFuzzTest {
  @Test
  void decoderRejectsMutationsCleanly() {
    long seconds = Long.getLong("verdant.fuzz.seconds", 20);
    long seed = Long.getLong("verdant.fuzz.seed", System.nanoTime());
    Random r = new Random(seed);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long runs = 0;
    long accepted = 0;
    while (System.nanoTime() < deadline) {
      byte[] f = ModelFileWriter.encode(ModelFiles.random(r, 1 + r.nextInt(3))).bytes();
      for (int m = 0; m < 50; m++) {
        byte[] g = mutate(f, r);
        if (r.nextInt(8) != 0) {
          g = ModelFiles.reseal(g);
        }
        runs++;
        try {
          ModelFileReader.decode(g, "fuzz");
          accepted++;
        } catch (ModelFileException expected) {
          assertTrue(expected.getMessage().startsWith("fuzz: "), expected.getMessage());
        } catch (Throwable t) {
          fail("seed " + seed + ", run " + runs + ": decoder threw " + t, t);
        }
      }
    }
    System.out.printf(
        "decoder fuzz: %d mutated files in %d s (%d decoded, the rest rejected), seed %d%n",
        runs, seconds, accepted, seed);
    assertTrue(runs > 1000, "too few fuzz runs: " + runs);
  }

  /** One to four random mutations of {@code f} (a copy; {@code f} is left as it is). */
  static byte[] mutate(byte[] f, Random r) {
    byte[] g = f.clone();
    int k = 1 + r.nextInt(4);
    for (int i = 0; i < k && g.length > 0; i++) {
      int p = r.nextInt(g.length);
      switch (r.nextInt(6)) {
        case 0 -> g[p] ^= (byte) (1 << r.nextInt(8));
        case 1 -> g[p] = (byte) r.nextInt(256);
        case 2 -> {
          if (p + 4 <= g.length) {
            int[] extremes = {
              0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x10000, 255, r.nextInt()
            };
            ModelFiles.putInt(g, p, extremes[r.nextInt(extremes.length)]);
          }
        }
        case 3 -> g = java.util.Arrays.copyOf(g, r.nextInt(g.length + 1));
        case 4 -> {
          int n = 1 + r.nextInt(16);
          byte[] h = new byte[g.length + n];
          System.arraycopy(g, 0, h, 0, p);
          for (int j = 0; j < n; j++) {
            h[p + j] = (byte) r.nextInt(256);
          }
          System.arraycopy(g, p, h, p + n, g.length - p);
          g = h;
        }
        default -> {
          int n = Math.min(g.length - p, 1 + r.nextInt(16));
          byte[] h = new byte[g.length - n];
          System.arraycopy(g, 0, h, 0, p);
          System.arraycopy(g, p + n, h, p, g.length - p - n);
          g = h;
        }
      }
    }
    return g;
  }
}

package io.verdant.common.modelfile;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Canonical Huffman codes over a small alphabet (at most 256 symbols here). Only the code lengths
 * are stored; codes are assigned in (length, symbol) order, so writer and reader derive the same
 * codes from the lengths.
 */
final class Huffman {
  /** The longest code the format allows. */
  static final int MAX_LENGTH = 24;

  private Huffman() {}

  /**
   * Code lengths for symbol frequencies: 0 for unused symbols, 1 for a lone symbol, all at most
   * {@link #MAX_LENGTH}.
   */
  static int[] lengths(long[] freq) {
    long[] f = freq.clone();
    while (true) {
      int[] len = buildLengths(f);
      int max = Arrays.stream(len).max().orElse(0);
      if (max <= MAX_LENGTH) {
        return len;
      }
      // Flatten the distribution and rebuild: halving keeps every used symbol's frequency at least
      // 1.
      for (int i = 0; i < f.length; i++) {
        if (f[i] > 0) {
          f[i] = Math.max(1, f[i] >>> 1);
        }
      }
    }
  }

  private static int[] buildLengths(long[] f) {
    int n = f.length;
    int[] len = new int[n];
    int used = 0;
    int lone = -1;
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        used++;
        lone = i;
      }
    }
    if (used == 0) {
      return len;
    }
    if (used == 1) {
      len[lone] = 1;
      return len;
    }
    // Nodes 0..n-1 are leaves, n.. are internal; parent links give each leaf's depth.
    int[] parent = new int[2 * n];
    long[] weight = new long[2 * n];
    PriorityQueue<long[]> q =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        weight[i] = f[i];
        q.add(new long[] {f[i], i});
      }
    }
    int next = n;
    while (q.size() > 1) {
      long[] a = q.poll();
      long[] b = q.poll();
      int node = next++;
      weight[node] = a[0] + b[0];
      parent[(int) a[1]] = node;
      parent[(int) b[1]] = node;
      q.add(new long[] {weight[node], node});
    }
    int root = next - 1;
    for (int i = 0; i < n; i++) {
      if (f[i] > 0) {
        int d = 0;
        for (int x = i; x != root; x = parent[x]) {
          d++;
        }
        len[i] = d;
      }
    }
    return len;
  }

  /** The canonical codes for lengths (codes[i] meaningful where lengths[i] > 0). */
  static int[] codes(int[] lengths) {
    int[] count = new int[MAX_LENGTH + 1];
    for (int l : lengths) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = new int[MAX_LENGTH + 2];
    int code = 0;
    for (int l = 1; l <= MAX_LENGTH; l++) {
      code = (code + count[l - 1]) << 1;
      next[l] = code;
    }
    int[] codes = new int[lengths.length];
    for (int s = 0; s < lengths.length; s++) {
      if (lengths[s] > 0) {
        codes[s] = next[lengths[s]]++;
      }
    }
    return codes;
  }

  /** Decodes symbols of one canonical code; built from stored lengths, which it validates first. */
  static final class Decoder {
    private final int[] count = new int[MAX_LENGTH + 1];
    private final int[] symbols;

    Decoder(int[] lengths, String what) {
      int used = 0;
      for (int l : lengths) {
        if (l < 0 || l > MAX_LENGTH) {
          throw new ModelFileException(
              what
                  + ": a Huffman code length must be between 0 and "
                  + MAX_LENGTH
                  + ", cannot be: "
                  + l);
        }
        count[l]++;
        if (l > 0) {
          used++;
        }
      }
      count[0] = 0;
      long left = 1;
      for (int l = 1; l <= MAX_LENGTH; l++) {
        left <<= 1;
        left -= count[l];
        if (left < 0) {
          throw new ModelFileException(
              what + ": the Huffman code lengths are over-subscribed (not a prefix code)");
        }
      }
      symbols = new int[used];
      int[] offs = new int[MAX_LENGTH + 2];
      for (int l = 1; l <= MAX_LENGTH; l++) {
        offs[l + 1] = offs[l] + count[l];
      }
      for (int s = 0; s < lengths.length; s++) {
        if (lengths[s] > 0) {
          symbols[offs[lengths[s]]++] = s;
        }
      }
    }

    int decode(BitReader in, String what) {
      int code = 0;
      int first = 0;
      int index = 0;
      for (int l = 1; l <= MAX_LENGTH; l++) {
        code |= in.bit();
        int c = count[l];
        if (code - first < c) {
          return symbols[index + code - first];
        }
        index += c;
        first += c;
        first <<= 1;
        code <<= 1;
      }
      throw new ModelFileException(what + ": a bit sequence that is no Huffman code of this block");
    }
  }
}

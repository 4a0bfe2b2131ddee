package io.verdant.common.modelfile;

import java.util.Arrays;

/** Appends codes most-significant bit first into a growing byte array. */
final class BitWriter {
  private byte[] buf = new byte[64];
  private long bits;

  void write(int code, int length) {
    for (int i = length - 1; i >= 0; i--) {
      int byteIndex = (int) (bits >>> 3);
      if (byteIndex >= buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      if (((code >>> i) & 1) != 0) {
        buf[byteIndex] |= (byte) (0x80 >>> (bits & 7));
      }
      bits++;
    }
  }

  long bitCount() {
    return bits;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, (int) ((bits + 7) >>> 3));
  }
}

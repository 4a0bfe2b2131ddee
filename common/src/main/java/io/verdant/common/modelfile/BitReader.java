package io.verdant.common.modelfile;

/** Reads bits most-significant first from a byte range; running past the end is a format error. */
final class BitReader {
  private final byte[] buf;
  private final long endBit;
  private long pos;
  private final String what;

  BitReader(byte[] buf, int offset, int length, String what) {
    this.buf = buf;
    this.pos = (long) offset * 8;
    this.endBit = ((long) offset + length) * 8;
    this.what = what;
  }

  int bit() {
    if (pos >= endBit) {
      throw new ModelFileException(what + ": the bit stream ends before its last code");
    }
    int b = (buf[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
    pos++;
    return b;
  }
}

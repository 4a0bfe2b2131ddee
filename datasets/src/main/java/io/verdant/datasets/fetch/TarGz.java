package io.verdant.datasets.fetch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Extracts chosen regular files from a .tgz (ustar/GNU tar, as npm pack writes) without a tar
 * binary.
 */
final class TarGz {
  private TarGz() {}

  /**
   * Extracts each entry named in {@code wanted} (entry path to destination file); returns how many
   * were found.
   */
  static int extract(Path tgz, Map<String, Path> wanted) throws IOException {
    int found = 0;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
      byte[] header = new byte[512];
      String longName = null;
      while (true) {
        if (!readFully(in, header)) {
          break;
        }
        if (isZero(header)) {
          break;
        }
        String name = longName != null ? longName : field(header, 0, 100);
        longName = null;
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty() && header[257] == 'u') {
          name = prefix + "/" + name;
        }
        long size =
            Long.parseLong(
                field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
        char type = (char) header[156];
        long padded = (size + 511) / 512 * 512;
        if (type == 'L') {
          byte[] buf = in.readNBytes((int) padded);
          longName = new String(buf, 0, (int) size, StandardCharsets.UTF_8).replace("\0", "");
          continue;
        }
        Path dest = (type == '0' || type == '\0') ? wanted.get(name) : null;
        if (dest != null) {
          try (OutputStream out = Files.newOutputStream(dest)) {
            copy(in, out, size);
          }
          skip(in, padded - size);
          found++;
        } else {
          skip(in, padded);
        }
      }
    }
    return found;
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean readFully(InputStream in, byte[] b) throws IOException {
    int n = in.readNBytes(b, 0, b.length);
    if (n == 0) {
      return false;
    }
    if (n < b.length) {
      throw new EOFException("truncated tar header");
    }
    return true;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException("truncated tar entry");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated tar");
        }
        s = 1;
      }
      left -= s;
    }
  }
}

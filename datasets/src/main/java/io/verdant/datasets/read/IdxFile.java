package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An IDX file (the MNIST format): a big-endian header of magic {@code 0x000008NN} (NN = number of
 * dimensions, unsigned bytes), the dimension sizes, then the data. Plain and {@code .gz} files are
 * read alike. {@link #open} checks the magic and that the data length matches the header exactly,
 * so truncated and padded files are refused before any Spark work.
 */
public record IdxFile(String path, int count, int[] recordDims, int headerBytes, boolean gzipped)
    implements java.io.Serializable {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  /**
   * Reads and validates the header and the data length of {@code path}, expecting {@code magic}.
   */
  public static IdxFile open(String path, int magic, Configuration conf) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw VerdantException.of("%s: file not found", path);
      }
      boolean gz = path.endsWith(".gz");
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(stream(fs, p, gz), 1 << 16))) {
        int[] sizes = header(in, path, magic);
        int[] record = java.util.Arrays.copyOfRange(sizes, 1, sizes.length);
        IdxFile f = new IdxFile(path, sizes[0], record, 4 + 4 * sizes.length, gz);
        f.checkDataBytes(
            gz
                ? in.transferTo(java.io.OutputStream.nullOutputStream())
                : fs.getFileStatus(p).getLen() - f.headerBytes);
        return f;
      }
    } catch (IOException e) {
      if (e instanceof java.util.zip.ZipException || e instanceof EOFException) {
        throw VerdantException.of("%s: corrupt or truncated gzip stream: %s", path, e.getMessage());
      }
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /** Reads the magic number, expecting {@code magic}, and the dimension sizes. */
  private static int[] header(DataInputStream in, String path, int magic) throws IOException {
    int m;
    try {
      m = in.readInt();
    } catch (EOFException e) {
      throw VerdantException.of("%s: not an IDX file: shorter than the 4-byte magic number", path);
    }
    if (m != magic) {
      throw VerdantException.of(
          "%s: wrong IDX magic number 0x%08x, expected 0x%08x (%s)",
          path,
          m,
          magic,
          magic == IMAGES_MAGIC
              ? "unsigned-byte images, 3 dimensions"
              : "unsigned-byte labels, 1 dimension");
    }
    int dims = magic & 0xff;
    int[] sizes = new int[dims];
    for (int i = 0; i < dims; i++) {
      try {
        sizes[i] = in.readInt();
      } catch (EOFException e) {
        throw VerdantException.of(
            "%s: truncated IDX header: %d of %d dimension sizes present", path, i, dims);
      }
      if (sizes[i] < 0 || (i > 0 && sizes[i] == 0)) {
        throw VerdantException.of("%s: invalid IDX dimension %d size: %d", path, i, sizes[i]);
      }
    }
    return sizes;
  }

  /** The data must be exactly as long as the header declares. */
  private void checkDataBytes(long actual) {
    long expected = dataBytes();
    if (actual < expected) {
      throw VerdantException.of(
          "%s: truncated IDX file: header says %d records of %d bytes (%d bytes of data), found %d bytes",
          path, count, recordBytes(), expected, actual);
    }
    if (actual > expected) {
      throw VerdantException.of(
          "%s: IDX file has %d bytes after the %d records its header declares",
          path, actual - expected, count);
    }
  }

  private static InputStream stream(FileSystem fs, Path p, boolean gz) throws IOException {
    FSDataInputStream raw = fs.open(p, 1 << 16);
    return gz ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  /**
   * Opens the data positioned at record {@code first}: a seek for plain files, a skip through gzip.
   */
  public DataInputStream openAt(long first, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    long offset = headerBytes + first * recordBytes();
    if (gzipped) {
      InputStream in = new BufferedInputStream(stream(fs, p, true), 1 << 16);
      in.skipNBytes(offset);
      return new DataInputStream(in);
    }
    FSDataInputStream in = fs.open(p, 1 << 16);
    in.seek(offset);
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
  }

  /** The bytes of one record: the product of its dimensions. */
  public int recordBytes() {
    int rb = 1;
    for (int d : recordDims) {
      rb *= d;
    }
    return rb;
  }

  @Override
  public int[] recordDims() {
    return recordDims.clone();
  }

  public long dataBytes() {
    return (long) count * recordBytes();
  }
}

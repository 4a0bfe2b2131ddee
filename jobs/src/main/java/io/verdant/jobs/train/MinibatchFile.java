package io.verdant.jobs.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Verdant's minibatch file: a 16-byte header (magic {@code VMB1}, rows, feature width, label width;
 * big-endian ints) then the features and the labels as little-endian float32, row-major. Read in
 * bulk, it loads ~100x faster than DL4J's {@code DataSet.save} format, whose reader decodes every
 * float through {@code DataInputStream.readFloat} (measured: that reader was most of the workers'
 * CPU time in Spark training).
 */
public final class MinibatchFile {
  static final int MAGIC = 0x564D4231;

  private MinibatchFile() {}

  public static void write(
      OutputStream os, float[] features, int rows, int featureWidth, float[] labels, int labelWidth)
      throws IOException {
    if (features.length != rows * featureWidth || labels.length != rows * labelWidth) {
      throw new IllegalArgumentException(
          "features/labels do not match " + rows + " rows of " + featureWidth + "/" + labelWidth);
    }
    DataOutputStream out = new DataOutputStream(os);
    out.writeInt(MAGIC);
    out.writeInt(rows);
    out.writeInt(featureWidth);
    out.writeInt(labelWidth);
    out.write(bytes(features));
    out.write(bytes(labels));
    out.flush();
  }

  private static byte[] bytes(float[] a) {
    ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(a);
    return b.array();
  }

  public static DataSet read(InputStream is) throws IOException {
    return decode(is).toDataSet();
  }

  /** A minibatch file's contents on the heap. */
  record Decoded(int rows, int featureWidth, int labelWidth, float[] features, float[] labels) {
    DataSet toDataSet() {
      return new DataSet(
          Nd4j.create(features, new long[] {rows, featureWidth}, DataType.FLOAT),
          Nd4j.create(labels, new long[] {rows, labelWidth}, DataType.FLOAT));
    }
  }

  static Decoded decode(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          "not a Verdant minibatch file (magic " + Integer.toHexString(magic) + ")");
    }
    int rows = in.readInt();
    int fw = in.readInt();
    int lw = in.readInt();
    return new Decoded(rows, fw, lw, floats(in, rows * fw), floats(in, rows * lw));
  }

  private static float[] floats(DataInputStream in, int n) throws IOException {
    byte[] raw = new byte[n * 4];
    in.readFully(raw);
    float[] out = new float[n];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /**
   * The loader DL4J's {@code fitPaths} uses on the workers. It keeps what it decoded on the heap,
   * softly referenced, so a JVM that meets a file again (every epoch of a job) skips the filesystem
   * and the decoding: opening and reading each file through Hadoop was 40% of a LeNet-300-100
   * epoch's wall time on the workers (docs/train.md). The garbage collector drops entries before
   * the heap runs out; export paths are unique per job, so no entry outlives its file's contents.
   */
  public static final class Loader implements DataSetLoader {
    private static final long serialVersionUID = 1L;
    private static final Map<String, SoftReference<Decoded>> CACHE = new ConcurrentHashMap<>();

    @Override
    public DataSet load(Source source) throws IOException {
      SoftReference<Decoded> ref = CACHE.get(source.getPath());
      Decoded d = ref == null ? null : ref.get();
      if (d == null) {
        try (InputStream in = source.getInputStream()) {
          d = decode(in);
        }
        CACHE.put(source.getPath(), new SoftReference<>(d));
      }
      return d.toDataSet();
    }

    /**
     * Remembers what this JVM just wrote under {@code path}, so its first load skips the read and
     * the decoding (in local mode the export and the workers share the JVM).
     */
    static void remember(String path, Decoded contents) {
      CACHE.put(path, new SoftReference<>(contents));
    }

    /** Forgets every decoded file (when a job's train export starts, and tests). */
    static void clear() {
      CACHE.clear();
    }
  }
}

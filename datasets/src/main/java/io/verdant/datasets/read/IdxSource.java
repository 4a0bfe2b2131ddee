package io.verdant.datasets.read;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Reads IDX image and label files (plain or .gz) as RDDs. Headers and lengths are checked on the
 * driver; the records are read on the executors, each task seeking to its own range of both files,
 * so nothing but a few ranges passes through the driver. Pixels are scaled from [0, 255] to [0, 1].
 */
public record IdxSource(
    String trainImages,
    String trainLabels,
    String testImages,
    String testLabels,
    int numClasses,
    Map<String, String> verifiedSha256)
    implements FeatureSource {
  /** Records per task: ~12 MB of pixels for 28x28 images. */
  static final int RECORDS_PER_SPLIT = 15_000;

  private static final double SCALE = 255.0;
  private static final int NUM_CLASSES = 10;

  /** Grey level to feature: {@code v / 255} for every unsigned byte value. */
  private static final float[] PIXEL = new float[256];

  /** Grey level as it is: raw features that the scoring model's normalization scales. */
  static final float[] GREY_LEVEL = new float[256];

  static {
    for (int v = 0; v < 256; v++) {
      PIXEL[v] = (float) (v / SCALE);
      GREY_LEVEL[v] = v;
    }
  }

  /**
   * Makes the record of one image: its row id, features and label (-1 when there are no labels).
   */
  interface RecordMaker<R> extends java.io.Serializable {
    R make(long rowId, float[] features, int label);
  }

  public IdxSource(String trainImages, String trainLabels, String testImages, String testLabels) {
    this(trainImages, trainLabels, testImages, testLabels, NUM_CLASSES, Map.of());
  }

  /**
   * Files whose SHA-256 was verified just before (a catalog dataset in the cache), by path: the
   * manifest records these checksums instead of hashing the files a second time.
   */
  public IdxSource withVerifiedChecksums(Map<String, String> sha256ByPath) {
    return new IdxSource(
        trainImages, trainLabels, testImages, testLabels, numClasses, Map.copyOf(sha256ByPath));
  }

  @Override
  public SourceData read(SparkSession spark) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    IdxFile trI = IdxFile.open(trainImages, IdxFile.IMAGES_MAGIC, conf);
    IdxFile trL = IdxFile.open(trainLabels, IdxFile.LABELS_MAGIC, conf);
    checkPair(trI, trL);
    IdxFile teI = null;
    IdxFile teL = null;
    if (testImages != null) {
      teI = IdxFile.open(testImages, IdxFile.IMAGES_MAGIC, conf);
      teL = IdxFile.open(testLabels, IdxFile.LABELS_MAGIC, conf);
      checkPair(teI, teL);
      if (teI.recordBytes() != trI.recordBytes()) {
        throw VerdantException.of(
            "%s: test images are %s but training images (%s) are %s",
            testImages, dims(teI), trainImages, dims(trI));
      }
    }
    if (trI.count() == 0) {
      throw VerdantException.of("%s: empty input: the IDX header declares 0 images", trainImages);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableConfiguration> bconf = jsc.broadcast(new SerializableConfiguration(conf));
    JavaRDD<LabeledRecord> train =
        records(
            jsc, bconf, new ImageRecords<>(trI, trL, 0L, numClasses, PIXEL, LabeledRecord::new));
    JavaRDD<LabeledRecord> test =
        teI == null
            ? null
            : records(
                jsc,
                bconf,
                new ImageRecords<>(teI, teL, trI.count(), numClasses, PIXEL, LabeledRecord::new));
    List<Integer> shape = shape(trI);
    List<SourceFile> files = new ArrayList<>();
    files.add(sourceFile("train-images", trainImages, conf, verifiedSha256.get(trainImages)));
    files.add(sourceFile("train-labels", trainLabels, conf, verifiedSha256.get(trainLabels)));
    if (teI != null) {
      files.add(sourceFile("test-images", testImages, conf, verifiedSha256.get(testImages)));
      files.add(sourceFile("test-labels", testLabels, conf, verifiedSha256.get(testLabels)));
    }
    return new SourceData(
        "idx",
        trainImages,
        train,
        test,
        trI.recordBytes(),
        null,
        shape,
        TaskType.CLASSIFICATION,
        numClasses,
        null,
        SCALE,
        files);
  }

  /** The shape of one image: one channel, then the file's record dimensions. */
  static List<Integer> shape(IdxFile images) {
    List<Integer> shape = new ArrayList<>();
    shape.add(1);
    for (int x : images.recordDims()) {
      shape.add(x);
    }
    return shape;
  }

  private static String dims(IdxFile f) {
    return java.util.Arrays.toString(f.recordDims());
  }

  static void checkPair(IdxFile images, IdxFile labels) {
    if (images.count() != labels.count()) {
      throw VerdantException.of(
          "%s has %d images but %s has %d labels; the counts must match",
          images.path(), images.count(), labels.path(), labels.count());
    }
    if (labels.recordBytes() != 1) {
      throw VerdantException.of(
          "%s: labels must be one byte each, found records of %d bytes",
          labels.path(), labels.recordBytes());
    }
  }

  static SourceFile sourceFile(String role, String path, Configuration conf, String knownSha256) {
    Path p = new Path(path);
    try {
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(conf);
      long len = fs.getFileStatus(p).getLen();
      String qualified = fs.makeQualified(p).toString();
      if (knownSha256 != null) {
        return new SourceFile(role, qualified, len, knownSha256);
      }
      try (InputStream in = fs.open(p)) {
        return new SourceFile(role, qualified, len, Checksums.sha256(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /**
   * What {@link #records} reads: the images, their labels (null when there are none), the row id of
   * the first, the number of classes a label must be below, each grey level's feature value, and
   * how a record is made.
   */
  record ImageRecords<R>(
      IdxFile images,
      IdxFile labels,
      long rowIdOffset,
      int numClasses,
      float[] pixel,
      RecordMaker<R> maker)
      implements java.io.Serializable {}

  /** The images as records, read on the executors. */
  static <R> JavaRDD<R> records(
      JavaSparkContext jsc, Broadcast<SerializableConfiguration> bconf, ImageRecords<R> in) {
    List<long[]> ranges = new ArrayList<>();
    int n = in.images().count();
    int splits =
        Math.max(jsc.defaultParallelism(), (n + RECORDS_PER_SPLIT - 1) / RECORDS_PER_SPLIT);
    splits = Math.max(1, Math.min(splits, n));
    for (int i = 0; i < splits; i++) {
      long from = (long) n * i / splits;
      long to = (long) n * (i + 1) / splits;
      ranges.add(new long[] {from, to});
    }
    return jsc.parallelize(ranges, ranges.size())
        .mapPartitions(it -> new RangeReader<>(it, bconf.value().value(), in));
  }

  /**
   * Streams the records of a task's ranges one at a time (nothing is buffered beyond one record and
   * the stream buffers), closing each range's streams when it is exhausted.
   */
  private static final class RangeReader<R> implements Iterator<R> {
    private final Iterator<long[]> ranges;
    private final Configuration conf;
    private final ImageRecords<R> in;
    private final byte[] buf;
    private DataInputStream img;
    private DataInputStream lab;
    private long next;
    private long end;

    RangeReader(Iterator<long[]> ranges, Configuration conf, ImageRecords<R> in) {
      this.ranges = ranges;
      this.conf = conf;
      this.in = in;
      this.buf = new byte[in.images().recordBytes()];
    }

    @Override
    public boolean hasNext() {
      try {
        while (next >= end || img == null) {
          closeStreams();
          if (!ranges.hasNext()) {
            return false;
          }
          long[] r = ranges.next();
          next = r[0];
          end = r[1];
          if (next < end) {
            img = in.images().openAt(next, conf);
            lab = in.labels() == null ? null : in.labels().openAt(next, conf);
          }
        }
        return true;
      } catch (IOException e) {
        closeStreams();
        throw new UncheckedIOException("Cannot read " + describe(), e);
      }
    }

    private String describe() {
      return in.labels() == null
          ? in.images().path()
          : in.images().path() + " or " + in.labels().path();
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      try {
        img.readFully(buf);
        int label = lab == null ? -1 : lab.readUnsignedByte();
        long i = next++;
        if (label >= in.numClasses()) {
          closeStreams();
          throw VerdantException.of(
              "%s: label %d at record %d is outside the %d classes 0..%d",
              in.labels().path(), label, i, in.numClasses(), in.numClasses() - 1);
        }
        float[] pixel = in.pixel();
        float[] f = new float[buf.length];
        for (int k = 0; k < buf.length; k++) {
          f[k] = pixel[buf[k] & 0xff];
        }
        if (next >= end) {
          closeStreams();
        }
        return in.maker().make(in.rowIdOffset() + i, f, label);
      } catch (IOException e) {
        closeStreams();
        throw new UncheckedIOException("Cannot read " + describe(), e);
      }
    }

    private void closeStreams() {
      for (java.io.Closeable c : new java.io.Closeable[] {img, lab}) {
        if (c != null) {
          try {
            c.close();
          } catch (IOException e) {
            // A failed close of a stream only read from loses nothing.
          }
        }
      }
      img = null;
      lab = null;
    }
  }
}

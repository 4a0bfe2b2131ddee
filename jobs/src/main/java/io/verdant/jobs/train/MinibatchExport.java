package io.verdant.jobs.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import io.verdant.datasets.table.FeatureTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Turns one split of a feature table into serialized DataSet minibatches, on the executors: each
 * task reads its rows, builds minibatches and writes them as {@link MinibatchFile}s under the
 * export directory, and its JVM's {@link MinibatchFile.Loader} remembers them (in local mode the
 * workers then never read them back); only the file paths come back to the driver. Training
 * minibatches are exported once per job and reused every epoch (only their order changes from epoch
 * to epoch), so no epoch pays for Parquet decoding, shuffling or repartitioning again.
 */
public final class MinibatchExport {
  private static final Logger LOG = LoggerFactory.getLogger(MinibatchExport.class);

  /** The exported minibatches of one split, in a deterministic order. */
  public record Exported(List<String> paths, long examples, long dropped) {}

  private MinibatchExport() {}

  /**
   * Exports the training split: each read partition's rows (spread over {@code partitions} tasks by
   * a hash of (seed, row id) only when the table has fewer read partitions) are ordered by a hash
   * of (seed, row id), so the minibatches' composition depends only on the seed and the table's
   * files. With {@code fullBatchesOnly}, each partition's last partial minibatch is dropped (at
   * most partitions x (batch-1) rows): parameter averaging weighs every worker's minibatch the
   * same.
   */
  public static Exported exportTrain(
      SparkSession spark,
      String tablePath,
      int outputs,
      boolean classification,
      int batchSize,
      int partitions,
      long seed,
      String dir,
      boolean fullBatchesOnly) {
    // A job's minibatches start here: the loader forgets earlier jobs' files (their memory, and
    // any file a rerun in this JVM writes again under the same path; the writer remembers anew).
    MinibatchFile.Loader.clear();
    Dataset<Row> rows = split(spark, tablePath, FeatureTable.TRAIN);
    // A shuffle of the whole split (~170 MB for MNIST) only when the table has fewer read
    // partitions than workers.
    if (rows.rdd().getNumPartitions() < partitions) {
      rows = rows.repartition(partitions, xxhash64(col(FeatureTable.ROW_ID), lit(seed)));
    }
    rows = rows.sortWithinPartitions(xxhash64(col(FeatureTable.ROW_ID), lit(seed + 1)));
    return export(spark, rows, outputs, classification, batchSize, dir + "/train", fullBatchesOnly);
  }

  /** Exports an evaluation split (validation or test) as it is, keeping every row. */
  public static Exported exportEval(
      SparkSession spark,
      String tablePath,
      String splitName,
      int outputs,
      boolean classification,
      int batchSize,
      String dir) {
    return export(
        spark,
        split(spark, tablePath, splitName),
        outputs,
        classification,
        batchSize,
        dir + "/" + splitName,
        false);
  }

  private static Dataset<Row> split(SparkSession spark, String tablePath, String name) {
    return spark
        .read()
        .parquet(tablePath)
        .where(col(FeatureTable.SPLIT).equalTo(name))
        .select(FeatureTable.ROW_ID, FeatureTable.FEATURES, FeatureTable.LABEL);
  }

  private static Exported export(
      SparkSession spark,
      Dataset<Row> rows,
      int outputs,
      boolean classification,
      int batchSize,
      String dir,
      boolean fullBatchesOnly) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConfig> conf =
        jsc.broadcast(new SerializableHadoopConfig(jsc.hadoopConfiguration()));
    // Catalyst's rows, not Row: a Row boxes every float of the features array (47 million boxed
    // Floats for MNIST's train split), an InternalRow copies the array out in one call.
    JavaRDD<Tuple2<String, long[]>> written =
        rows.queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitionsWithIndex(
                new WriteMinibatches(
                    conf, dir, batchSize, outputs, classification, fullBatchesOnly),
                true);
    List<Tuple2<String, long[]>> out = written.collect();
    List<String> paths = new ArrayList<>();
    long examples = 0;
    long dropped = 0;
    for (Tuple2<String, long[]> t : out) {
      if (t._1() != null) {
        paths.add(t._1());
      }
      examples += t._2()[0];
      dropped += t._2()[1];
    }
    conf.destroy();
    LOG.info(
        "Exported {} minibatches ({} examples, {} dropped to keep whole minibatches of {}) to {}",
        paths.size(),
        examples,
        dropped,
        batchSize,
        dir);
    return new Exported(List.copyOf(paths), examples, dropped);
  }

  /**
   * Runs on the executors: one task's rows become minibatch files; returns (path, [examples,
   * dropped]) per file.
   */
  record WriteMinibatches(
      Broadcast<SerializableHadoopConfig> conf,
      String dir,
      int batchSize,
      int outputs,
      boolean classification,
      boolean fullBatchesOnly)
      implements Function2<Integer, Iterator<InternalRow>, Iterator<Tuple2<String, long[]>>> {

    @Override
    public Iterator<Tuple2<String, long[]>> call(Integer partition, Iterator<InternalRow> it)
        throws IOException {
      List<Tuple2<String, long[]>> out = new ArrayList<>();
      FileSystem fs = new Path(dir).getFileSystem(conf.value().getConfiguration());
      List<float[]> feats = new ArrayList<>(batchSize);
      List<Double> labels = new ArrayList<>(batchSize);
      int index = 0;
      while (it.hasNext()) {
        InternalRow r = it.next();
        feats.add(r.getArray(1).toFloatArray());
        labels.add(classification ? (double) r.getInt(2) : r.getDouble(2));
        if (feats.size() == batchSize) {
          out.add(
              new Tuple2<>(
                  write(fs, partition, index++, feats, labels), new long[] {feats.size(), 0}));
          feats.clear();
          labels.clear();
        }
      }
      if (!feats.isEmpty()) {
        if (fullBatchesOnly) {
          out.add(new Tuple2<>(null, new long[] {0, feats.size()}));
        } else {
          out.add(
              new Tuple2<>(
                  write(fs, partition, index, feats, labels), new long[] {feats.size(), 0}));
        }
      }
      return out.iterator();
    }

    /**
     * Local files are written with java.nio: Hadoop's local filesystem forks a {@code chmod}
     * process for every file it creates (and writes a .crc beside it), which made the export of 843
     * minibatches take ~40 s.
     */
    private static OutputStream open(FileSystem fs, Path p) throws IOException {
      if ("file".equals(p.toUri().getScheme())) {
        java.nio.file.Path local = java.nio.file.Paths.get(p.toUri());
        java.nio.file.Files.createDirectories(local.getParent());
        return java.nio.file.Files.newOutputStream(local);
      }
      return fs.create(p, true);
    }

    private String write(
        FileSystem fs, int partition, int index, List<float[]> feats, List<Double> labels) {
      int n = feats.size();
      int width = feats.get(0).length;
      float[] flat = new float[n * width];
      for (int i = 0; i < n; i++) {
        System.arraycopy(feats.get(i), 0, flat, i * width, width);
      }
      float[] y = new float[n * outputs];
      for (int i = 0; i < n; i++) {
        if (classification) {
          y[i * outputs + (int) Math.round(labels.get(i))] = 1f;
        } else {
          y[i * outputs] = labels.get(i).floatValue();
        }
      }
      Path p =
          fs.makeQualified(
              new Path(dir, String.format(Locale.ROOT, "part-%05d-%06d.vmb", partition, index)));
      try (OutputStream os = open(fs, p)) {
        MinibatchFile.write(
            new java.io.BufferedOutputStream(os, 1 << 16), flat, n, width, y, outputs);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write minibatch " + p, e);
      }
      MinibatchFile.Loader.remember(
          p.toString(), new MinibatchFile.Decoded(n, width, outputs, flat, y));
      return p.toString();
    }
  }
}

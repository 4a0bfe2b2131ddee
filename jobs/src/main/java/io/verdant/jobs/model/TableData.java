package io.verdant.jobs.model;

import io.verdant.common.VerdantException;
import io.verdant.datasets.table.Manifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a split of a Verdant feature table as minibatch DataSets (features flat, labels one-hot),
 * distributed.
 */
public final class TableData {
  private TableData() {}

  /**
   * A split's rows as minibatches; each minibatch also carries its row ids (for prediction-level
   * comparisons).
   */
  public static JavaRDD<Batch> batches(
      SparkSession spark, Manifest.Loaded table, String split, int batchSize) {
    if (table.manifest().rows(split) == 0) {
      throw VerdantException.of("--data %s has no rows in the %s split", table.tablePath(), split);
    }
    int numClasses = table.manifest().numClasses();
    int features = table.manifest().featureCount();
    return spark
        .read()
        .parquet(table.tablePath())
        .where(functions.col("split").equalTo(split))
        .select("row_id", "features", "label")
        .javaRDD()
        .mapPartitions(
            (Iterator<Row> rows) -> {
              List<Batch> out = new ArrayList<>();
              List<Row> buf = new ArrayList<>(batchSize);
              while (rows.hasNext()) {
                buf.add(rows.next());
                if (buf.size() == batchSize || !rows.hasNext()) {
                  out.add(Batch.of(buf, features, numClasses));
                  buf.clear();
                }
              }
              return out.iterator();
            });
  }

  public static JavaRDD<DataSet> dataSets(JavaRDD<Batch> batches) {
    return batches.map(Batch::dataSet);
  }

  /** One minibatch: row ids, features (rows x features), integer labels. */
  public record Batch(long[] rowIds, float[][] features, int[] labels, int numClasses)
      implements java.io.Serializable {
    static Batch of(List<Row> rows, int featureCount, int numClasses) {
      int n = rows.size();
      long[] ids = new long[n];
      float[][] f = new float[n][];
      int[] l = new int[n];
      for (int i = 0; i < n; i++) {
        Row r = rows.get(i);
        ids[i] = r.getLong(0);
        List<Float> v = r.getList(1);
        if (v.size() != featureCount) {
          throw VerdantException.of(
              "row %d has %d features, the manifest declares %d", ids[i], v.size(), featureCount);
        }
        float[] x = new float[featureCount];
        for (int j = 0; j < featureCount; j++) {
          x[j] = v.get(j);
        }
        f[i] = x;
        l[i] = r.getInt(2);
      }
      return new Batch(ids, f, l, numClasses);
    }

    public DataSet dataSet() {
      float[][] y = new float[labels.length][numClasses];
      for (int i = 0; i < labels.length; i++) {
        y[i][labels[i]] = 1f;
      }
      return new DataSet(Nd4j.create(features), Nd4j.create(y));
    }

    /** Predicted classes of this batch's rows. */
    public int[] predict(MultiLayerNetwork net) {
      return net.output(Nd4j.create(features), false).argMax(1).toIntVector();
    }
  }
}

package io.verdant.jobs.score;

import io.verdant.datasets.read.ScoringRecord;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.runtime.AbstractFunction1;

/**
 * A feature table's rows ({@code row_id}, {@code features}, {@code label}) as scoring records, read
 * from the Parquet reader's column batches when the plan is a bare scan: each row's features are
 * copied once, straight from the batch, where turning the batch into rows first would copy and
 * null-check every value (measured: a third of the compressed model's scoring time on MNIST). Any
 * other plan is read through Spark's internal rows.
 */
final class TableBatches {
  private static final Logger LOG = LoggerFactory.getLogger(TableBatches.class);

  private TableBatches() {}

  /**
   * @param table a projection of a Parquet read to row_id (bigint), features (array of float) and
   *     label (int or double)
   */
  static JavaRDD<ScoringRecord> records(Dataset<Row> table) {
    SparkPlan scan = bareScan(table.queryExecution().executedPlan());
    boolean intLabel = table.schema().apply(2).dataType().equals(DataTypes.IntegerType);
    LOG.info(
        "Reading the table's rows {}",
        scan != null ? "from the Parquet reader's column batches" : "as rows");
    if (scan == null) {
      return table
          .queryExecution()
          .toRdd()
          .toJavaRDD()
          .map(
              r ->
                  new ScoringRecord(
                      r.getLong(0),
                      r.getArray(1).toFloatArray(),
                      intLabel ? r.getInt(2) : r.getDouble(2)));
    }
    int[] columns = new int[3];
    for (int c = 0; c < 3; c++) {
      columns[c] = scan.output().indexWhere(new NameIs(table.schema().fieldNames()[c]));
    }
    return scan.executeColumnar().toJavaRDD().flatMap(b -> rows(b, columns, intLabel));
  }

  /**
   * The columnar scan under a plan made only of the nodes that turn its batches into rows and drop
   * columns (the partition column), or null: a plan that filters or computes anything is read as
   * rows.
   */
  private static SparkPlan bareScan(SparkPlan plan) {
    SparkPlan p = plan;
    while (p instanceof WholeStageCodegenExec
        || p instanceof ColumnarToRowExec
        || p instanceof InputAdapter
        || (p instanceof ProjectExec project && project.projectList().forall(new IsAttribute()))) {
      if (p.children().size() != 1) {
        return null;
      }
      p = p.children().head();
    }
    return p != plan && p.children().isEmpty() && p.supportsColumnar() ? p : null;
  }

  private static final class NameIs extends AbstractFunction1<Attribute, Object>
      implements java.io.Serializable {
    private final String name;

    NameIs(String name) {
      this.name = name;
    }

    @Override
    public Object apply(Attribute a) {
      return a.name().equals(name);
    }
  }

  private static final class IsAttribute extends AbstractFunction1<NamedExpression, Object> {
    @Override
    public Object apply(NamedExpression e) {
      return e instanceof Attribute;
    }
  }

  /** The rows of one batch, read before the reader reuses the batch for the next. */
  private static Iterator<ScoringRecord> rows(
      ColumnarBatch batch, int[] columns, boolean intLabel) {
    ColumnVector ids = batch.column(columns[0]);
    ColumnVector features = batch.column(columns[1]);
    ColumnVector labels = batch.column(columns[2]);
    int n = batch.numRows();
    return new Iterator<>() {
      private int i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public ScoringRecord next() {
        if (i >= n) {
          throw new NoSuchElementException();
        }
        ScoringRecord r =
            new ScoringRecord(
                ids.getLong(i),
                features.getArray(i).toFloatArray(),
                intLabel ? labels.getInt(i) : labels.getDouble(i));
        i++;
        return r;
      }
    };
  }
}

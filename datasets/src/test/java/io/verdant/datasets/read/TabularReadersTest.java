package io.verdant.datasets.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.verdant.common.VerdantException;
import io.verdant.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text readers on their own: row ids independent of partitioning, label coding, quoting, test
 * files.
 */
class TabularReadersTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("tabular-readers");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Map<Long, LabeledRecord> byId(List<LabeledRecord> rs) {
    Map<Long, LabeledRecord> m = new TreeMap<>();
    for (LabeledRecord r : rs) {
      m.put(r.rowId(), r);
    }
    return m;
  }

  @Test
  void rowIdsDoNotDependOnPartitioning() {
    String wine = LocalSpark.testData("tabular").resolve("wine.csv").toString();
    SourceData one = new CsvSource(wine, null, "class", null, 1).read(spark);
    SourceData five = new CsvSource(wine, null, "class", null, 5).read(spark);
    assertEquals(5, five.train().getNumPartitions());
    Map<Long, LabeledRecord> a = byId(one.train().collect());
    Map<Long, LabeledRecord> b = byId(five.train().collect());
    assertEquals(178, a.size());
    assertEquals(0L, ((TreeMap<Long, LabeledRecord>) a).firstKey());
    assertEquals(177L, ((TreeMap<Long, LabeledRecord>) a).lastKey());
    for (long id : a.keySet()) {
      assertArrayEquals(a.get(id).features(), b.get(id).features());
      assertEquals(a.get(id).label(), b.get(id).label());
    }
    // Line 2 of the file (row 0): 14.23,1.71,...,1065,0
    assertEquals(14.23f, a.get(0L).features()[0]);
    assertEquals(1065f, a.get(0L).features()[12]);
    assertEquals(0.0, a.get(0L).label());
    assertEquals(TaskType.CLASSIFICATION, one.task());
    assertEquals(3, one.numClasses());
    assertNull(one.scaledBy(), "ingest standardizes tabular features");
  }

  @Test
  void libsvmPlusMinusOneLabelsBecomeNamedClassesAndTestRowsFollowTrainRows() throws Exception {
    Path train =
        Files.writeString(
            tmp.resolve("train.libsvm"), "+1 1:0.5 3:2\n-1 2:1.5 # a comment\n\n+1 1:1\n");
    Path test = Files.writeString(tmp.resolve("test.libsvm"), "-1 4:7\n");
    SourceData d = new LibSvmSource(train.toString(), test.toString(), 0, null, 2).read(spark);
    assertEquals(4, d.featureCount(), "the largest index of train and test");
    assertEquals(List.of("-1", "1"), d.classNames());
    Map<Long, LabeledRecord> tr = byId(d.train().collect());
    assertEquals(List.of(0L, 1L, 2L), List.copyOf(tr.keySet()));
    assertArrayEquals(new float[] {0.5f, 0, 2, 0}, tr.get(0L).features());
    assertEquals(1.0, tr.get(0L).label());
    assertEquals(0.0, tr.get(1L).label());
    LabeledRecord t = d.test().collect().get(0);
    assertEquals(3L, t.rowId());
    assertArrayEquals(new float[] {0, 0, 0, 7}, t.features());
    VerdantException e =
        assertThrows(
            VerdantException.class,
            () -> new LibSvmSource(train.toString(), null, 2, null, 1).read(spark));
    assertEquals(train + " line 1: feature index 3 is beyond --num-features 2", e.getMessage());
  }

  @Test
  void quotedFieldsAndTaskChoices() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("q.csv"), "\"x, the first\",y,label\n1,2,\"a, b\"\n3,4,c\n5,6,\"a, b\"\n");
    SourceData d = new CsvSource(f.toString(), null, "label", null, 2).read(spark);
    assertEquals(List.of("a, b", "c"), d.classNames());
    assertEquals(List.of(0.0, 1.0, 0.0), d.train().map(LabeledRecord::label).collect());
    VerdantException e =
        assertThrows(
            VerdantException.class,
            () -> new CsvSource(f.toString(), null, "label", TaskType.REGRESSION, 2).read(spark));
    assertEquals(
        f
            + " line 2, column 3 (label): label is not a number: \"a, b\" (--task regression needs numeric labels)",
        e.getMessage());
    Path g = Files.writeString(tmp.resolve("r.csv"), "x,label\n1,0.5\n2,1.5\n3,0.5\n");
    assertEquals(
        TaskType.REGRESSION,
        new CsvSource(g.toString(), null, "label", null, 1).read(spark).task());
    SourceData forced =
        new CsvSource(g.toString(), null, "label", TaskType.CLASSIFICATION, 1).read(spark);
    assertEquals(List.of("0.5", "1.5"), forced.classNames());
    Path h = Files.writeString(tmp.resolve("h.csv"), "x,y\n1,2\n");
    Path t = Files.writeString(tmp.resolve("t.csv"), "y,x\n1,2\n");
    VerdantException mismatch =
        assertThrows(
            VerdantException.class,
            () -> new CsvSource(h.toString(), t.toString(), "y", null, 1).read(spark));
    assertEquals(
        t + ": the header differs from the training file's (" + h + "): expected x,y, found y,x",
        mismatch.getMessage());
  }

  @Test
  void parquetWithSparkMlVectorsOrNumericColumns() {
    org.apache.spark.sql.types.StructType vs =
        new org.apache.spark.sql.types.StructType()
            .add("label", org.apache.spark.sql.types.DataTypes.DoubleType)
            .add("features", new org.apache.spark.ml.linalg.VectorUDT());
    List<org.apache.spark.sql.Row> rows =
        List.of(
            org.apache.spark.sql.RowFactory.create(
                1.0, org.apache.spark.ml.linalg.Vectors.dense(1, 2, 3)),
            org.apache.spark.sql.RowFactory.create(
                0.0,
                org.apache.spark.ml.linalg.Vectors.sparse(3, new int[] {1}, new double[] {5})));
    Path vec = tmp.resolve("vectors.parquet");
    spark.createDataFrame(rows, vs).coalesce(1).write().parquet(vec.toString());
    SourceData d = new ParquetSource(vec.toString(), null, "label", null).read(spark);
    assertEquals(3, d.featureCount());
    assertEquals(2, d.numClasses());
    Map<Long, LabeledRecord> r = byId(d.train().collect());
    assertArrayEquals(new float[] {1, 2, 3}, r.get(0L).features());
    assertArrayEquals(new float[] {0, 5, 0}, r.get(1L).features());
    assertEquals(1.0, r.get(0L).label());

    org.apache.spark.sql.types.StructType cs =
        new org.apache.spark.sql.types.StructType()
            .add("a", org.apache.spark.sql.types.DataTypes.IntegerType)
            .add("kind", org.apache.spark.sql.types.DataTypes.StringType)
            .add("b", org.apache.spark.sql.types.DataTypes.FloatType);
    Path cols = tmp.resolve("columns.parquet");
    spark
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create(1, "dog", 0.5f),
                org.apache.spark.sql.RowFactory.create(2, "cat", 1.5f)),
            cs)
        .coalesce(1)
        .write()
        .parquet(cols.toString());
    SourceData c = new ParquetSource(cols.toString(), null, "kind", null).read(spark);
    assertEquals(List.of("cat", "dog"), c.classNames());
    Map<Long, LabeledRecord> cr = byId(c.train().collect());
    assertArrayEquals(new float[] {1, 0.5f}, cr.get(0L).features());
    assertEquals(1.0, cr.get(0L).label());
    VerdantException e =
        assertThrows(
            VerdantException.class,
            () -> new ParquetSource(cols.toString(), null, "a", null).read(spark));
    assertEquals(
        cols
            + ": column \"kind\" is string, not numeric; the features must be numeric columns or one array or"
            + " vector column named \"features\"",
        e.getMessage());
  }
}

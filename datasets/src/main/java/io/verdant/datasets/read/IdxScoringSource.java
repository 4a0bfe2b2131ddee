package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * IDX images to score (plain or .gz), with an optional labels file: headers and lengths checked on
 * the driver, the records read on the executors as {@link IdxSource} reads them, with raw grey
 * levels (0-255) as features.
 */
public final class IdxScoringSource implements ScoringSource {
  private final String images;
  private final String labels;
  private IdxFile imageFile;
  private IdxFile labelFile;
  private InputLayout layout;

  /**
   * @param labels the labels file, or null for unlabeled images
   */
  public IdxScoringSource(String images, String labels) {
    this.images = images;
    this.labels = labels;
  }

  @Override
  public InputLayout layout(SparkSession spark) {
    if (layout != null) {
      return layout;
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    imageFile = IdxFile.open(images, IdxFile.IMAGES_MAGIC, conf);
    if (labels != null) {
      labelFile = IdxFile.open(labels, IdxFile.LABELS_MAGIC, conf);
      IdxSource.checkPair(imageFile, labelFile);
    }
    layout =
        new InputLayout(
            "idx",
            images,
            imageFile.recordBytes(),
            null,
            IdxSource.shape(imageFile),
            labels != null,
            null);
    return layout;
  }

  @Override
  public ScoringData scan(SparkSession spark) {
    InputLayout l = layout(spark);
    if (imageFile.count() == 0) {
      throw VerdantException.of("%s: empty input: the IDX header declares 0 images", images);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    var conf = jsc.broadcast(new SerializableConfiguration(jsc.hadoopConfiguration()));
    IdxFile img = imageFile;
    IdxFile lab = labelFile;
    // Labels are class indices, checked against the model's classes as they are read.
    return new ScoringData(
        l,
        img.count(),
        null,
        null,
        coder ->
            IdxSource.records(
                jsc,
                conf,
                new IdxSource.ImageRecords<>(
                    img,
                    lab,
                    0L,
                    lab == null ? Integer.MAX_VALUE : coder.numClasses(),
                    IdxSource.GREY_LEVEL,
                    (id, f, label) -> new ScoringRecord(id, f, label < 0 ? Double.NaN : label))));
  }
}

package io.verdant.common.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the SparkSession for a job. Every setting here is a default: a {@code --conf} the operator
 * passed (or a {@code spark.*} system property) always wins ({@code setIfMissing}). The master is
 * never hard-coded: spark-submit decides, and only the embedded run (no master given) falls back to
 * {@code local[*]}.
 */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
  public static final String DL4J_TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";
  public static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";

  private SparkSessions() {}

  public static SparkConf defaults(String appName) {
    SparkConf conf = new SparkConf();
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    if (classPresent("org.nd4j.kryo.Nd4jRegistrator")) {
      conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    }
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    conf.setIfMissing("spark.sql.parquet.compression.codec", "snappy");
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
    }
    // DL4J's training stats default to an NTP clock that most clusters cannot reach.
    if (System.getProperty(DL4J_TIME_SOURCE_PROPERTY) == null) {
      System.setProperty(DL4J_TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
    }
    return conf;
  }

  public static SparkSession create(SparkConf conf) {
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    LOG.info(
        "Spark {} master={} app={} defaultParallelism={}",
        spark.version(),
        spark.sparkContext().master(),
        spark.sparkContext().appName(),
        spark.sparkContext().defaultParallelism());
    return spark;
  }

  private static boolean classPresent(String name) {
    try {
      Class.forName(name, false, SparkSessions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}

package io.verdant.testing;

import io.verdant.common.spark.SparkSessions;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Test support: a local SparkSession ({@code local[2]}, UI off, few shuffle partitions) for one
 * test class, built with the same defaults the jobs use, and the committed test data.
 */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start(String name) {
    SparkConf conf =
        SparkSessions.defaults("test-" + name)
            .set("spark.master", "local[2]")
            .set("spark.ui.enabled", "false")
            .set("spark.sql.shuffle.partitions", "2")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The repository's {@code testdata/} folder (set by the build as {@code verdant.testdata}). */
  public static Path testData(String name) {
    String root = System.getProperty("verdant.testdata");
    Path base = root != null ? Paths.get(root) : Paths.get("..", "testdata");
    return base.resolve(name).toAbsolutePath().normalize();
  }
}

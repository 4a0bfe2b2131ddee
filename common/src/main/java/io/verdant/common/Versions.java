package io.verdant.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Versions of Verdant and of the stack it was built against, recorded in manifests, model files and
 * the ledger.
 */
public final class Versions {
  private static final Properties PROPS = load();

  private Versions() {}

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public static String verdant() {
    return PROPS.getProperty("verdant.version", "unknown");
  }

  /**
   * The Spark version Verdant was built against; {@code org.apache.spark.SPARK_VERSION} gives the
   * running one.
   */
  public static String sparkBuilt() {
    return PROPS.getProperty("spark.version", "unknown");
  }

  public static String dl4j() {
    return PROPS.getProperty("dl4j.version", "unknown");
  }

  public static String java() {
    return System.getProperty("java.version");
  }
}

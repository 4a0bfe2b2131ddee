package io.verdant.common.energy;

import org.apache.spark.SparkConf;

/**
 * Sampling settings read from the Spark configuration (so they reach executors): {@code
 * spark.verdant.sampleInterval} (default 1s), and the injectable roots {@code
 * spark.verdant.procRoot}, {@code spark.verdant.powercapRoot} and {@code spark.verdant.nvidiaSmi}
 * (empty disables GPU sampling).
 */
public record SamplingConf(SystemPaths paths, long intervalMs) {
  public static final String CONF_INTERVAL = "spark.verdant.sampleInterval";
  public static final String DEFAULT_INTERVAL = "1s";

  public static SamplingConf from(SparkConf conf) {
    SystemPaths d = SystemPaths.defaults();
    SystemPaths p =
        new SystemPaths(
            conf.get(SystemPaths.CONF_PROC_ROOT, d.procRoot()),
            conf.get(SystemPaths.CONF_POWERCAP_ROOT, d.powercapRoot()),
            conf.get(SystemPaths.CONF_NVIDIA_SMI, d.nvidiaSmi()));
    return new SamplingConf(p, conf.getTimeAsMs(CONF_INTERVAL, DEFAULT_INTERVAL));
  }
}

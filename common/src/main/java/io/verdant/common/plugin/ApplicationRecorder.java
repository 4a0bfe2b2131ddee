package io.verdant.common.plugin;

import io.verdant.common.ledger.LedgerOptions;
import io.verdant.common.ledger.LedgerRecorder;
import io.verdant.common.run.JobRun;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Records a whole Spark application that enabled the plugin but is not a Verdant job: one ledger
 * run whose id is the application id and whose job is the application name, written when the
 * application ends. Its settings come from the Spark configuration: {@code spark.verdant.ledger},
 * {@code spark.verdant.pue}, {@code spark.verdant.gridIntensity}, {@code
 * spark.verdant.gridIntensityCsv}, {@code spark.verdant.region}, {@code spark.verdant.cpuTdpWatts},
 * {@code spark.verdant.memoryWattsPerGib}.
 */
final class ApplicationRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationRecorder.class);
  private final SparkContext sc;
  private JobRun run;
  private boolean ended;

  private final String appId;

  ApplicationRecorder(SparkContext sc, String appId) {
    this.sc = sc;
    this.appId = appId;
  }

  void start() {
    SparkConf c = sc.getConf();
    LedgerOptions o = LedgerOptions.fromConf(c);
    Map<String, String> options = new TreeMap<>();
    for (Tuple2<String, String> kv : c.getAll()) {
      if (kv._1().startsWith("spark.verdant.")
          || kv._1().equals("spark.master")
          || kv._1().equals("spark.app.name")) {
        options.put(kv._1(), kv._2());
      }
    }
    String runId = appId.replaceAll("[^A-Za-z0-9._-]", "_");
    run =
        JobRun.start(null, sc.appName(), runId, options, List.of(new LedgerRecorder(o, sc, true)));
  }

  /**
   * Called by the driver plugin's shutdown, while Spark stops: the run ends and its rows are
   * written.
   */
  synchronized void stop() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      run.succeeded();
    } catch (RuntimeException ex) {
      LOG.warn("Could not record application {} in the ledger: {}", appId, ex.toString());
    }
  }
}

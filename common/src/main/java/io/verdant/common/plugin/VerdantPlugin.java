package io.verdant.common.plugin;

import io.verdant.common.energy.Interval;
import io.verdant.common.energy.SampleHub;
import io.verdant.common.energy.SamplingConf;
import io.verdant.common.energy.SamplingThread;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verdant's Spark plugin: {@code --conf spark.plugins=io.verdant.common.plugin.VerdantPlugin} (with
 * Verdant's common jar on the classpath, e.g. {@code --jars}). Every executor samples its process
 * and machine every {@code spark.verdant.sampleInterval} and sends the intervals to the driver over
 * the plugin RPC; the driver samples itself. In local mode the executor lives in the driver's JVM
 * and the driver's sampler covers it, so nothing is counted twice. Verdant's own jobs record their
 * runs through the ledger recorder; any other application is recorded as one run (id: the Spark
 * application id) when it stops, unless {@code spark.verdant.recordApplication=false}.
 */
public final class VerdantPlugin implements SparkPlugin {
  public static final String CONF_RECORD_APPLICATION = "spark.verdant.recordApplication";

  /**
   * Adds this plugin to {@code spark.plugins}, keeping every plugin the operator listed, and marks
   * the application as a Verdant job (whose runs the ledger recorder writes, so the plugin does not
   * record the application as a whole) unless the operator said otherwise.
   */
  public static void enable(org.apache.spark.SparkConf conf) {
    String name = VerdantPlugin.class.getName();
    String current = conf.get("spark.plugins", "").trim();
    boolean present =
        java.util.Arrays.stream(current.split(",")).map(String::trim).anyMatch(name::equals);
    if (!present) {
      conf.set("spark.plugins", current.isEmpty() ? name : current + "," + name);
    }
    conf.setIfMissing(CONF_RECORD_APPLICATION, "false");
  }

  @Override
  public DriverPlugin driverPlugin() {
    return new Driver();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new Executor();
  }

  static final class Driver implements DriverPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
    private SamplingThread sampler;
    private SparkContext sc;
    private ApplicationRecorder app;

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
      this.sc = sc;
      SamplingConf s = SamplingConf.from(sc.getConf());
      sampler = SamplingThread.acquire("driver", s.paths(), s.intervalMs(), SampleHub::publish);
      return Map.of();
    }

    /** Called once the application id is known: the id of the application's ledger run. */
    @Override
    public void registerMetrics(String appId, PluginContext ctx) {
      if (sc.getConf().getBoolean(CONF_RECORD_APPLICATION, true)) {
        try {
          app = new ApplicationRecorder(sc, appId);
          app.start();
        } catch (RuntimeException e) {
          LOG.warn("Cannot record application {} in the ledger: {}", appId, e.toString(), e);
        }
      }
    }

    @Override
    public Object receive(Object message) {
      if (message instanceof Interval i) {
        SampleHub.publish(i);
      } else {
        LOG.warn(
            "Ignoring an unknown plugin message: {}",
            message == null ? null : message.getClass().getName());
      }
      return null;
    }

    @Override
    public void shutdown() {
      if (app != null) {
        app.stop();
      }
      SamplingThread.release(sampler);
    }
  }

  static final class Executor implements ExecutorPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);
    private SamplingThread sampler;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
      if ("driver".equals(ctx.executorID())) {
        // Local mode: this executor is the driver's JVM, which the driver's sampler already
        // measures.
        return;
      }
      SamplingConf s = SamplingConf.from(ctx.conf());
      sampler =
          SamplingThread.acquire(
              ctx.executorID(),
              s.paths(),
              s.intervalMs(),
              i -> {
                try {
                  ctx.send(i);
                } catch (Exception e) {
                  LOG.debug("Could not send a sample to the driver: {}", e.toString());
                }
              });
    }

    @Override
    public void shutdown() {
      SamplingThread.release(sampler);
    }
  }
}

package io.verdant.common.energy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one sampler of this JVM: a daemon thread that samples every interval and hands each {@link
 * Interval} to a sink. There is at most one per JVM, whoever asks for it (the driver plugin, the
 * executor plugin, a ledger recorder in a session without the plugin), so a JVM is never counted
 * twice; users are counted and the thread stops when the last one releases it.
 */
public final class SamplingThread {
  private static final Logger LOG = LoggerFactory.getLogger(SamplingThread.class);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static SamplingThread current;

  private final Sampler sampler;
  private final Consumer<Interval> sink;
  private final long intervalMs;
  private final Thread thread;
  private int users;
  private volatile boolean stopping;
  private final LongAdder cpuNanos = new LongAdder();
  private final LongAdder samples = new LongAdder();

  private SamplingThread(Sampler sampler, Consumer<Interval> sink, long intervalMs) {
    this.sampler = sampler;
    this.sink = sink;
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::loop, "verdant-sampler");
    this.thread.setDaemon(true);
  }

  /** Starts this JVM's sampler, or joins the one already running (its sink and interval stay). */
  public static synchronized SamplingThread acquire(
      String executorId, SystemPaths paths, long intervalMs, Consumer<Interval> sink) {
    if (current == null) {
      current = new SamplingThread(new Sampler(executorId, paths), sink, Math.max(10, intervalMs));
      current.thread.start();
      Sampler.Sources s = current.sampler.sources();
      LOG.info(
          "Sampling executor {} every {} ms (RAPL package: {}, RAPL dram: {}, NVIDIA GPU: {})",
          executorId,
          intervalMs,
          s.raplPackage(),
          s.raplDram(),
          s.gpu());
    }
    current.users++;
    return current;
  }

  /** True when this JVM already has a sampler. */
  public static synchronized boolean running() {
    return current != null;
  }

  /** Drops one use; the last one samples a final interval and stops the thread. */
  public static synchronized void release(SamplingThread t) {
    if (t == null || t != current) {
      return;
    }
    if (--t.users <= 0) {
      t.stopping = true;
      t.thread.interrupt();
      try {
        t.thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      t.sampleNow();
      current = null;
    }
  }

  /**
   * Samples now (the interval since the previous sample) and hands it to the sink. Sampling and
   * delivery share one lock so that the sink receives intervals in the order they tile time, even
   * when a caller samples while the thread does.
   */
  public void sampleNow() {
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    synchronized (sampler) {
      try {
        sink.accept(sampler.sample());
      } catch (RuntimeException e) {
        LOG.warn("Could not deliver a sample: {}", e.toString());
      } finally {
        cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpu0);
        samples.increment();
      }
    }
  }

  /**
   * CPU time spent taking and delivering samples in this JVM so far (the ledger's own cost), in
   * nanoseconds.
   */
  public long cpuNanos() {
    return cpuNanos.sum();
  }

  /** Samples taken so far. */
  public long samples() {
    return samples.sum();
  }

  private void loop() {
    while (!stopping) {
      try {
        Thread.sleep(intervalMs);
      } catch (InterruptedException e) {
        return;
      }
      if (!stopping) {
        sampleNow();
      }
    }
  }
}

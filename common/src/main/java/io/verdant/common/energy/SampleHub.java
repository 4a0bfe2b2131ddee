package io.verdant.common.energy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's meeting point for samples: the driver plugin publishes the intervals executors send
 * and the driver's own sampler publishes the driver's; every running ledger recorder subscribes for
 * its run's duration.
 */
public final class SampleHub {
  private static final Logger LOG = LoggerFactory.getLogger(SampleHub.class);
  private static final List<Consumer<Interval>> SUBSCRIBERS = new CopyOnWriteArrayList<>();

  private SampleHub() {}

  public static void subscribe(Consumer<Interval> c) {
    SUBSCRIBERS.add(c);
  }

  public static void unsubscribe(Consumer<Interval> c) {
    SUBSCRIBERS.remove(c);
  }

  public static void publish(Interval interval) {
    for (Consumer<Interval> c : SUBSCRIBERS) {
      try {
        c.accept(interval);
      } catch (RuntimeException e) {
        LOG.warn("Sample subscriber failed: {}", e.toString());
      }
    }
  }
}

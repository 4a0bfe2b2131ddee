package io.verdant.common.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One sampler per JVM, whoever asks (driver plugin, executor plugin in local mode, run recorder):
 * no double counting.
 */
class SamplingThreadTest {
  @Test
  void aJvmHasOneSamplerWhoeverAsks() throws Exception {
    List<Interval> first = new CopyOnWriteArrayList<>();
    List<Interval> second = new CopyOnWriteArrayList<>();
    SystemPaths paths = new SystemPaths("/proc", "/sys/class/powercap", "");
    SamplingThread a = SamplingThread.acquire("driver", paths, 20, first::add);
    SamplingThread b = SamplingThread.acquire("1", paths, 20, second::add);
    assertSame(a, b);
    Thread.sleep(200);
    // It counts its own cost: every sample delivered, and the CPU time they took.
    long before = a.samples();
    a.sampleNow();
    assertTrue(
        a.samples() >= before + 1 && before >= 3, "samples: " + before + " then " + a.samples());
    assertTrue(a.cpuNanos() > 0, "cpu ns: " + a.cpuNanos());
    SamplingThread.release(b);
    assertTrue(SamplingThread.running());
    SamplingThread.release(a);
    assertFalse(SamplingThread.running());
    // All samples went to the first sink, as the driver's executor, and they tile time without
    // overlap.
    assertTrue(second.isEmpty());
    assertTrue(first.size() >= 3, "samples: " + first.size());
    for (int i = 1; i < first.size(); i++) {
      assertEquals(first.get(i - 1).endMs(), first.get(i).startMs());
      assertEquals("driver", first.get(i).executorId());
    }
  }
}

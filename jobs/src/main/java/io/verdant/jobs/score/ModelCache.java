package io.verdant.jobs.score;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The models decoded in this JVM, by the SHA-256 of their file: an executor decodes a model once,
 * whatever the number of its tasks, partitions or rows. Holds the few most recent models; an
 * executor that scores many in turn decodes again one it dropped.
 */
final class ModelCache {
  static final int CAPACITY = 4;
  private static final Map<String, CompiledModel> MODELS = new ConcurrentHashMap<>();
  private static final AtomicLong DECODES = new AtomicLong();

  private ModelCache() {}

  /**
   * The model with this SHA-256, decoded from {@code bytes} (fetched only when it is not cached).
   */
  static CompiledModel get(String sha256, Supplier<CompiledModel> decode) {
    CompiledModel m = MODELS.get(sha256);
    if (m != null) {
      return m;
    }
    synchronized (MODELS) {
      m = MODELS.get(sha256);
      if (m == null) {
        m = decode.get();
        DECODES.incrementAndGet();
        if (MODELS.size() >= CAPACITY) {
          MODELS.clear();
        }
        MODELS.put(sha256, m);
      }
      return m;
    }
  }

  /** Models decoded in this JVM so far (tests check that an executor decodes a model once). */
  static long decodes() {
    return DECODES.get();
  }
}

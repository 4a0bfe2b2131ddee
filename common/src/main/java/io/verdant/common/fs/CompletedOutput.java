package io.verdant.common.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check every job makes before any work, which makes a rerun with the same run id idempotent:
 * when the output directory's marker file (the last file an {@link AtomicOutput} holds, such as a
 * manifest or model.json) records this run id, the output is complete and is returned as it is.
 */
public final class CompletedOutput {
  private static final Logger LOG = LoggerFactory.getLogger(CompletedOutput.class);

  private CompletedOutput() {}

  /**
   * The output of run {@code runId} at {@code out}, read by {@code read} (given the output
   * directory), when its {@code marker} exists and {@code runIdOf} of what was read equals {@code
   * runId}; empty otherwise.
   */
  public static <T> Optional<T> of(
      String out,
      String marker,
      String runId,
      Configuration conf,
      Function<String, T> read,
      Function<T, String> runIdOf) {
    Path target = new Path(out);
    try {
      FileSystem fs = target.getFileSystem(conf);
      if (!fs.exists(new Path(target, marker))) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + out, e);
    }
    T existing = read.apply(out);
    if (existing == null || !runId.equals(runIdOf.apply(existing))) {
      return Optional.empty();
    }
    LOG.info("{} already holds the complete output of run {}; nothing to do", out, runId);
    return Optional.of(existing);
  }
}

package io.verdant.common.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.BiFunction;
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
 *
 * @param marker the marker file's name in the output directory
 * @param read reads the output (given the output directory)
 * @param runIdOf the run id that what was read records
 */
public record CompletedOutput<T>(
    String marker, BiFunction<String, Configuration, T> read, Function<T, String> runIdOf) {
  private static final Logger LOG = LoggerFactory.getLogger(CompletedOutput.class);

  /**
   * The output of run {@code runId} at {@code out}, when its marker exists and records {@code
   * runId}; empty otherwise.
   */
  public Optional<T> find(String out, String runId, Configuration conf) {
    Path target = new Path(out);
    try {
      FileSystem fs = target.getFileSystem(conf);
      if (!fs.exists(new Path(target, marker))) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + out, e);
    }
    T existing = read.apply(out, conf);
    if (existing == null || !runId.equals(runIdOf.apply(existing))) {
      return Optional.empty();
    }
    LOG.info("{} already holds the complete output of run {}; nothing to do", out, runId);
    return Optional.of(existing);
  }
}

package io.verdant.common.fs;

import io.verdant.common.VerdantException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory output that appears at its final path only when complete. Work is written under a
 * hidden sibling ({@code .<name>.tmp-<runId>}) and renamed into place by {@link #commit()}; {@link
 * #close()} without a commit deletes the temporary directory, so a failed run leaves nothing a
 * reader takes for output. Works on any Hadoop filesystem; the rename is atomic on local disks and
 * HDFS.
 */
public final class AtomicOutput implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);

  private final FileSystem fs;
  private final Path target;
  private final Path temp;
  private final boolean overwrite;
  private boolean committed;

  private AtomicOutput(FileSystem fs, Path target, Path temp, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.temp = temp;
    this.overwrite = overwrite;
  }

  /**
   * Prepares a temporary directory for {@code target}. Fails before any work when the target exists
   * and {@code overwrite} is false, naming the option that allows it.
   */
  public static AtomicOutput begin(
      String target, String runId, boolean overwrite, String optionName, Configuration conf) {
    try {
      Path t = new Path(target);
      FileSystem fs = t.getFileSystem(conf);
      t = fs.makeQualified(t);
      if (fs.exists(t) && !overwrite) {
        throw VerdantException.of(
            "%s already exists: %s (pass --overwrite to replace it)", optionName, t);
      }
      Path parent = t.getParent();
      Path temp = new Path(parent, "." + t.getName() + ".tmp-" + runId);
      if (fs.exists(temp)) {
        LOG.info("Removing leftovers of an earlier attempt: {}", temp);
        fs.delete(temp, true);
      }
      fs.mkdirs(parent);
      return new AtomicOutput(fs, t, temp, overwrite);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare output " + target, e);
    }
  }

  /** Where to write: a hidden sibling of the target, not yet visible under the target's name. */
  public Path temp() {
    return temp;
  }

  /** Writes one file of the output into the temporary directory. */
  public void write(String name, byte[] bytes) {
    Path file = new Path(temp, name);
    try {
      fs.mkdirs(temp);
      try (java.io.OutputStream os = fs.create(file, true)) {
        os.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  public Path target() {
    return target;
  }

  public FileSystem fs() {
    return fs;
  }

  /**
   * Moves the completed work into place, replacing an existing target only when overwrite was
   * allowed.
   */
  public void commit() {
    try {
      Path old = null;
      if (fs.exists(target)) {
        if (!overwrite) {
          throw VerdantException.of(
              "Output appeared while this run was writing: %s; not replaced", target);
        }
        old = new Path(target.getParent(), "." + target.getName() + ".old-" + temp.getName());
        if (!fs.rename(target, old)) {
          throw new IOException("Cannot move the existing output " + target + " aside to " + old);
        }
      }
      if (!fs.rename(temp, target)) {
        if (old != null) {
          fs.rename(old, target);
        }
        throw new IOException("Cannot rename " + temp + " to " + target);
      }
      committed = true;
      if (old != null) {
        fs.delete(old, true);
      }
      LOG.info("Committed {}", target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (!committed) {
      try {
        if (fs.exists(temp)) {
          fs.delete(temp, true);
          LOG.info("Removed incomplete output {}", temp);
        }
      } catch (IOException e) {
        LOG.warn("Could not remove incomplete output {}: {}", temp, e.toString());
      }
    }
  }
}

package io.verdant.jobs.registry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The registry's files on one filesystem. Reads go through Hadoop's FileSystem; the two writes that
 * must be atomic (a new file that no concurrent writer can also create, and a file replaced in one
 * step) depend on the filesystem, so each kind has its own strategy: {@link LocalRegistryFiles}
 * (java.nio: a hard link, rename(2)) and {@link HadoopRegistryFiles} (rename on a filesystem whose
 * rename is atomic, such as HDFS).
 */
abstract class RegistryFiles {
  protected final FileSystem fs;

  protected RegistryFiles(FileSystem fs) {
    this.fs = fs;
  }

  /** The strategy for the filesystem of {@code root}. */
  static RegistryFiles of(Path root, Configuration conf) {
    try {
      FileSystem fs = root.getFileSystem(conf);
      return "file".equals(fs.getUri().getScheme())
          ? new LocalRegistryFiles(fs)
          : new HadoopRegistryFiles(fs, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the model registry at " + root, e);
    }
  }

  /**
   * Creates {@code target} holding {@code bytes}, complete when it appears; false, and nothing
   * changed, when the file exists already (another writer took it, even at the same moment).
   */
  abstract boolean createNew(Path target, byte[] bytes) throws IOException;

  /**
   * Writes {@code target}, replacing any earlier file in one step: a reader sees the old or the new
   * bytes, never a mix.
   */
  abstract void replace(Path target, byte[] bytes) throws IOException;

  /**
   * The names of the visible entries of a directory (hidden temporaries skipped); empty when it
   * does not exist.
   */
  List<String> list(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    FileStatus[] entries;
    try {
      entries = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return out;
    }
    for (FileStatus s : entries) {
      String n = s.getPath().getName();
      if (!n.startsWith(".") && !n.startsWith("_")) {
        out.add(n);
      }
    }
    return out;
  }

  /** The bytes of a file, or null when it does not exist. */
  byte[] read(Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  Path qualify(Path p) {
    return fs.makeQualified(p);
  }

  /** The name of a hidden sibling of the file {@code name} for one write, unique across writers. */
  static String tempName(String name) {
    return "." + name + "." + java.util.UUID.randomUUID() + ".tmp";
  }
}

package io.verdant.jobs.registry;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * A registry on a Hadoop filesystem: each file is written under a hidden name and renamed into
 * place. A rename onto an existing file fails, and on HDFS (and other filesystems with atomic
 * rename) two writers cannot both succeed; object stores whose rename is a copy (S3) do not give
 * that guarantee.
 */
final class HadoopRegistryFiles extends RegistryFiles {
  private final Configuration conf;

  HadoopRegistryFiles(FileSystem fs, Configuration conf) {
    super(fs);
    this.conf = conf;
  }

  @Override
  boolean createNew(Path target, byte[] bytes) throws IOException {
    // The check makes the outcome right on every filesystem when writers do not race; the rename
    // decides when they do.
    if (fs.exists(target)) {
      return false;
    }
    Path temp = writeTemp(target, bytes);
    try {
      return fs.rename(temp, target);
    } finally {
      fs.delete(temp, false);
    }
  }

  @Override
  void replace(Path target, byte[] bytes) throws IOException {
    Path temp = writeTemp(target, bytes);
    try {
      FileContext.getFileContext(fs.getUri(), conf).rename(temp, target, Options.Rename.OVERWRITE);
    } finally {
      fs.delete(temp, false);
    }
  }

  private Path writeTemp(Path target, byte[] bytes) throws IOException {
    fs.mkdirs(target.getParent());
    Path temp = new Path(target.getParent(), tempName(target.getName()));
    try (OutputStream out = fs.create(temp, false)) {
      out.write(bytes);
    }
    return temp;
  }
}

package io.verdant.jobs.registry;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A registry on a local (or locally mounted) filesystem, written with java.nio: Hadoop's local
 * filesystem checks for an existing file and then creates it, which two writers can both pass, and
 * its rename replaces. A hard link is created atomically or fails when the name exists (link(2)),
 * and rename(2) replaces atomically.
 */
final class LocalRegistryFiles extends RegistryFiles {
  LocalRegistryFiles(FileSystem fs) {
    super(fs);
  }

  @Override
  boolean createNew(Path target, byte[] bytes) throws IOException {
    java.nio.file.Path t = local(target);
    java.nio.file.Path temp = writeTemp(t, bytes);
    try {
      Files.createLink(t, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  void replace(Path target, byte[] bytes) throws IOException {
    java.nio.file.Path t = local(target);
    java.nio.file.Path temp = writeTemp(t, bytes);
    try {
      Files.move(temp, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static java.nio.file.Path writeTemp(java.nio.file.Path target, byte[] bytes)
      throws IOException {
    Files.createDirectories(target.getParent());
    java.nio.file.Path temp = target.resolveSibling(tempName(target.getFileName().toString()));
    Files.write(temp, bytes);
    return temp;
  }

  private java.nio.file.Path local(Path p) {
    return Paths.get(qualify(p).toUri());
  }
}

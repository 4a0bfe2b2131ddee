package io.verdant.datasets.fetch;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where fetched datasets live: {@code --cache-dir}, else {@code $VERDANT_CACHE_DIR}, else {@code
 * $XDG_CACHE_HOME/verdant}, else {@code ~/.cache/verdant}. Each dataset has a folder {@code
 * <cache>/datasets/<name>/} holding its uncompressed, verified files.
 */
public final class CacheDirs {
  public static final String ENV = "VERDANT_CACHE_DIR";

  private CacheDirs() {}

  public static Path resolve(Path option) {
    if (option != null) {
      return option.toAbsolutePath();
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Paths.get(env).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Paths.get(xdg, "verdant").toAbsolutePath();
    }
    return Paths.get(System.getProperty("user.home"), ".cache", "verdant");
  }

  public static Path datasetDir(Path cacheRoot, String dataset) {
    return cacheRoot.resolve("datasets").resolve(dataset);
  }
}

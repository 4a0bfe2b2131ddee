package io.verdant.jobs.registry;

import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: named models, each with versions numbered 1, 2, ... and aliases that point at
 * versions, on any Hadoop filesystem. Layout: {@code <root>/<name>/versions/<n>.json} ({@link
 * ModelVersion}, one immutable file per version) and {@code <root>/<name>/aliases/<alias>.json}
 * ({@link ModelAlias}). Safe under concurrent writers without locks: a version number is taken by
 * creating its file, which only one writer can do (the others retry with the next number), and an
 * alias moves by replacing its file in one step.
 */
public final class ModelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  static final String VERSIONS = "versions";
  static final String ALIASES = "aliases";
  private static final Pattern VERSION_FILE = Pattern.compile("([1-9][0-9]{0,8})\\.json");
  private static final Pattern ALIAS_FILE = Pattern.compile("(.+)\\.json");

  /**
   * Writers that lose the race for a number retry with the next; this many losses in a row means
   * something is wrong.
   */
  private static final int MAX_ATTEMPTS = 1000;

  private final Path root;
  private final RegistryFiles files;

  private ModelRegistry(Path root, RegistryFiles files) {
    this.root = root;
    this.files = files;
  }

  /** The registry at {@code root} (created by the first registration). */
  public static ModelRegistry open(String root, Configuration conf) {
    Path r = new Path(root);
    RegistryFiles files = RegistryFiles.of(r, conf);
    return new ModelRegistry(files.qualify(r), files);
  }

  /** For tests: the registry written with a given strategy. */
  static ModelRegistry open(String root, RegistryFiles files) {
    return new ModelRegistry(files.qualify(new Path(root)), files);
  }

  public String root() {
    return root.toString();
  }

  /** The registered model names, sorted. */
  public List<String> names() {
    return io(
        () ->
            files.list(root).stream().filter(n -> !versionNumbers(n).isEmpty()).sorted().toList());
  }

  /**
   * Every version of a registered model, oldest first; fails naming the model when it is not
   * registered.
   */
  public List<ModelVersion> list(String name) {
    return known(name).stream().map(n -> read(name, n)).toList();
  }

  /** Every version of a model, oldest first; empty when the name is not registered. */
  private List<ModelVersion> versions(String name) {
    return versionNumbers(name).stream().map(n -> read(name, n)).toList();
  }

  /** A model's latest version. */
  public ModelVersion latest(String name) {
    List<Integer> numbers = known(name);
    return read(name, numbers.get(numbers.size() - 1));
  }

  /** One version of a model. */
  public ModelVersion get(String name, int version) {
    List<Integer> numbers = known(name);
    if (!numbers.contains(version)) {
      throw VerdantException.of(
          "model %s has no version %d; its versions are %s", name, version, ranges(numbers));
    }
    return read(name, version);
  }

  /** A model's aliases and the versions they point at, by alias. */
  public Map<String, Integer> aliases(String name) {
    Map<String, Integer> out = new TreeMap<>();
    for (String f : io(() -> files.list(new Path(modelDir(name), ALIASES)))) {
      Matcher m = ALIAS_FILE.matcher(f);
      if (m.matches()) {
        ModelAlias a = readAlias(name, m.group(1));
        if (a != null) {
          out.put(a.alias(), a.version());
        }
      }
    }
    return out;
  }

  /**
   * Points {@code alias} of model {@code name} at {@code version} (which must exist), replacing
   * where it pointed before.
   */
  public ModelAlias alias(String name, String alias, int version) {
    ModelRef.checkAlias("an alias", alias);
    get(name, version);
    ModelAlias a = new ModelAlias(name, alias, version, now());
    io(
        () -> {
          files.replace(aliasFile(name, alias), Json.bytes(a));
          return null;
        });
    LOG.info("Alias {} of model {} now points at version {}", alias, name, version);
    return a;
  }

  /**
   * The version a reference names: {@code models:/NAME/VERSION}, {@code models:/NAME@ALIAS}, or a
   * name (its latest).
   */
  public ModelVersion resolve(ModelRef ref) {
    if (ref.version() != null) {
      return get(ref.name(), ref.version());
    }
    if (ref.alias() == null) {
      return latest(ref.name());
    }
    known(ref.name());
    ModelAlias a = readAlias(ref.name(), ref.alias());
    if (a == null) {
      Map<String, Integer> all = aliases(ref.name());
      throw VerdantException.of(
          "model %s has no alias %s; %s",
          ref.name(),
          ref.alias(),
          all.isEmpty()
              ? "it has no aliases"
              : "its aliases are " + String.join(", ", all.keySet()));
    }
    return get(ref.name(), a.version());
  }

  /** The version {@code models:/NAME/VERSION} or {@code models:/NAME@ALIAS} names. */
  public ModelVersion resolve(String uri) {
    return resolve(ModelRef.parseUri(uri));
  }

  /**
   * Registers {@code draft} (a version whose number is not yet known) as the next version of its
   * name. Idempotent: when a version of the name already has the draft's run id and SHA-256 (a
   * rerun), that version is returned.
   */
  public ModelVersion register(ModelVersion draft) {
    String name = ModelRef.checkName("a model name", draft.name());
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      List<ModelVersion> existing = versions(name);
      Optional<ModelVersion> same =
          existing.stream()
              .filter(v -> draft.runId().equals(v.runId()) && draft.sha256().equals(v.sha256()))
              .findFirst();
      if (same.isPresent()) {
        LOG.info("Run {} is registered already as {}", draft.runId(), same.get().uri());
        return same.get();
      }
      int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1).version() + 1;
      ModelVersion v = draft.numbered(next, now());
      if (io(() -> files.createNew(versionFile(name, next), Json.bytes(v)))) {
        LOG.info(
            "Registered {} ({}, sha256 {}) at {}",
            v.uri(),
            v.kind().label(),
            v.sha256(),
            versionFile(name, next));
        return v;
      }
      LOG.debug("Version {} of model {} was taken by another writer; trying the next", next, name);
    }
    throw new IllegalStateException(
        "Could not register a version of model " + name + " in " + MAX_ATTEMPTS + " attempts");
  }

  /** Every version of every model, by name then version. */
  public List<ModelVersion> all() {
    return names().stream().flatMap(n -> versions(n).stream()).toList();
  }

  /** The versions whose model file has this SHA-256. */
  public List<ModelVersion> withSha256(String sha256) {
    return all().stream().filter(v -> sha256.equals(v.sha256())).toList();
  }

  /**
   * The dense version written by train run {@code runId}: under {@code preferredName} when it is
   * there, else under any name (the latest such version).
   */
  public Optional<ModelVersion> trainedBy(String runId, String preferredName) {
    List<ModelVersion> found =
        all().stream()
            .filter(
                v ->
                    v.kind() == ModelVersion.Kind.DENSE && runId != null && runId.equals(v.runId()))
            .toList();
    return found.stream()
        .filter(v -> v.name().equals(preferredName))
        .reduce((a, b) -> b)
        .or(() -> found.stream().max(Comparator.comparing(ModelVersion::createdAt)));
  }

  private List<Integer> versionNumbers(String name) {
    List<Integer> out = new ArrayList<>();
    for (String f : io(() -> files.list(new Path(modelDir(name), VERSIONS)))) {
      Matcher m = VERSION_FILE.matcher(f);
      if (m.matches()) {
        out.add(Integer.valueOf(m.group(1)));
      }
    }
    out.sort(null);
    return out;
  }

  /** The version numbers of a registered name; fails naming the name when it is not registered. */
  private List<Integer> known(String name) {
    List<Integer> numbers = versionNumbers(ModelRef.checkName("a model name", name));
    if (numbers.isEmpty()) {
      throw VerdantException.of("model %s is not in the registry at %s", name, root);
    }
    return numbers;
  }

  private ModelVersion read(String name, int version) {
    Path file = versionFile(name, version);
    return parse(io(() -> files.read(file)), file, ModelVersion.class);
  }

  private ModelAlias readAlias(String name, String alias) {
    Path file = aliasFile(name, alias);
    byte[] bytes = io(() -> files.read(file));
    return bytes == null ? null : parse(bytes, file, ModelAlias.class);
  }

  private static <T> T parse(byte[] bytes, Path file, Class<T> type) {
    if (bytes == null) {
      throw VerdantException.of("%s disappeared while it was read", file);
    }
    try {
      return Json.MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw VerdantException.of("%s: not a valid registry file: %s", file, e.getMessage());
    }
  }

  /** Version numbers as ranges: 1 to 3, 5. */
  static String ranges(List<Integer> numbers) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < numbers.size(); ) {
      int j = i;
      while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
        j++;
      }
      parts.add(i == j ? String.valueOf(numbers.get(i)) : numbers.get(i) + " to " + numbers.get(j));
      i = j + 1;
    }
    return parts.stream().collect(Collectors.joining(", "));
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private Path modelDir(String name) {
    return new Path(root, name);
  }

  private Path versionFile(String name, int version) {
    return new Path(new Path(modelDir(name), VERSIONS), version + ".json");
  }

  private Path aliasFile(String name, String alias) {
    return new Path(new Path(modelDir(name), ALIASES), alias + ".json");
  }

  private interface IoCall<T> {
    T call() throws IOException;
  }

  private <T> T io(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot use the model registry at " + root, e);
    }
  }
}

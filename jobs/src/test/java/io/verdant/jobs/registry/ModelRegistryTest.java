package io.verdant.jobs.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.verdant.common.VerdantException;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on a local filesystem: versions, aliases, references, idempotent and concurrent
 * registration, resolution.
 */
class ModelRegistryTest {
  @TempDir static Path tmp;
  private static Manifest.Loaded table;
  private static Path dense;
  private static Path compressed;

  @BeforeAll
  static void models() throws IOException {
    table = RegistryFixtures.table(tmp.resolve("table"), "toy", "ingest-1");
    dense = RegistryFixtures.dense(tmp.resolve("dense"), "train-1", table, 1, 0.9);
    compressed =
        RegistryFixtures.compressed(
            tmp.resolve("compressed"), "compress-1", "train-1", table, 0.89);
  }

  private static ModelRegistry registry(String name) {
    return ModelRegistry.open(tmp.resolve(name).toString(), RegistryFixtures.CONF);
  }

  private static ModelVersion draft(ModelRegistry r, String name, Path model) {
    return VersionDraft.of(
        name, ModelStore.artifact(model.toString(), "--out", RegistryFixtures.CONF), table, r);
  }

  /** A draft of the dense model as if run {@code runId} had written it. */
  private static ModelVersion draft(String name, String runId) {
    return new ModelVersion(
        1,
        name,
        0,
        ModelVersion.Kind.DENSE,
        "file:/m/" + runId,
        "ab" + runId,
        10,
        "linear",
        null,
        "cd",
        null,
        null,
        runId,
        new ModelVersion.Lineage(null, runId, null));
  }

  private static void assertError(String message, Executable call) {
    assertEquals(message, assertThrows(VerdantException.class, call).getMessage());
  }

  @Test
  void registersVersionsWithLineageAndParent() throws IOException {
    ModelRegistry r = registry("lineage");
    ModelVersion v1 = r.register(draft(r, "toy-mlp", dense));
    ModelVersion v2 = r.register(draft(r, "toy-mlp", compressed));
    assertEquals(1, v1.version());
    assertEquals(ModelVersion.Kind.DENSE, v1.kind());
    assertEquals(new ModelVersion.Lineage("ingest-1", "train-1", null), v1.lineage());
    assertEquals("file:" + dense, v1.path());
    assertEquals(
        ModelStore.artifact(dense.toString(), "m", RegistryFixtures.CONF).sha256(), v1.sha256());
    assertEquals(0.9, v1.metrics().accuracy());
    assertEquals(table.sha256(), v1.datasetManifestSha256());
    assertEquals(2, v2.version());
    assertEquals(ModelVersion.Kind.COMPRESSED, v2.kind());
    assertEquals(new ModelVersion.Ref("toy-mlp", 1), v2.parent());
    assertEquals(new ModelVersion.Lineage("ingest-1", "train-1", "compress-1"), v2.lineage());
    assertEquals(0.89, v2.metrics().accuracy());
    assertEquals(Files.size(compressed.resolve("model.vdcm")), v2.sizeBytes());
    assertEquals(Files.size(dense.resolve("model.zip")), v1.sizeBytes());
    // What was written is what is read back.
    assertEquals(v2, r.get("toy-mlp", 2));
    assertEquals(List.of(v1, v2), r.list("toy-mlp"));
    assertEquals(List.of("toy-mlp"), r.names());
    // A compressed model registered under another name still finds its parent by the source's train
    // run.
    assertEquals(
        new ModelVersion.Ref("toy-mlp", 1), r.register(draft(r, "toy-small", compressed)).parent());
  }

  @Test
  void aRerunWithTheSameRunIdRegistersNothingNew() {
    ModelRegistry r = registry("rerun");
    ModelVersion first = r.register(draft(r, "toy-mlp", dense));
    assertEquals(first, r.register(draft(r, "toy-mlp", dense)));
    assertEquals(1, r.list("toy-mlp").size());
    // Another run's model is a new version.
    assertEquals(2, r.register(draft("toy-mlp", "train-2")).version());
  }

  @Test
  void aliasesMoveAndReferencesResolve() throws IOException {
    ModelRegistry r = registry("aliases");
    IntStream.rangeClosed(1, 3).forEach(i -> r.register(draft("m", "t" + i)));
    r.alias("m", "champion", 1);
    assertEquals(1, r.resolve("models:/m@champion").version());
    r.alias("m", "champion", 3);
    r.alias("m", "staging", 2);
    assertEquals(3, r.resolve("models:/m@champion").version());
    assertEquals(2, r.resolve("models:/m/2").version());
    assertEquals(3, r.resolve(ModelRef.parse("m")).version());
    assertEquals(Map.of("champion", 3, "staging", 2), r.aliases("m"));
    try (Stream<Path> left = Files.list(tmp.resolve("aliases/m/aliases"))) {
      assertEquals(
          Set.of("champion.json", "staging.json"),
          left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
    }
  }

  @Test
  void unknownNamesVersionsAndAliasesAreOneLineErrors() {
    ModelRegistry r = registry("errors");
    IntStream.rangeClosed(1, 3).forEach(i -> r.register(draft("m", "t" + i)));
    r.register(draft("n", "t9"));
    String root = "file:" + tmp.resolve("errors");
    assertError("model nope is not in the registry at " + root, () -> r.resolve("models:/nope/1"));
    assertError(
        "model m has no version 7; its versions are 1 to 3", () -> r.resolve("models:/m/7"));
    assertError(
        "model m has no alias champion; it has no aliases", () -> r.resolve("models:/m@champion"));
    r.alias("m", "champion", 2);
    r.alias("m", "staging", 2);
    assertError(
        "model m has no alias prod; its aliases are champion, staging",
        () -> r.resolve("models:/m@prod"));
    assertError("model n has no version 2; its versions are 1", () -> r.alias("n", "champion", 2));
    assertError(
        "a registered model must be given as models:/NAME/VERSION or models:/NAME@ALIAS, cannot be: models:/m",
        () -> r.resolve("models:/m"));
    assertError(
        "a registered model must be given as models:/NAME/VERSION or models:/NAME@ALIAS, cannot be: models:/m/0",
        () -> r.resolve("models:/m/0"));
    assertError(
        "an alias must be 1-64 letters, digits, '_' or '-', starting with a letter, cannot be: 2x",
        () -> r.alias("m", "2x", 1));
    assertError(
        "a model name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit, cannot be: ../x",
        () -> r.register(draft("../x", "t1")));
    assertEquals("1 to 3, 5, 7 to 8", ModelRegistry.ranges(List.of(1, 2, 3, 5, 7, 8)));
  }

  @Test
  void concurrentWritersGetDistinctConsecutiveVersions() throws Exception {
    int threads = 8;
    int each = 4;
    String root = tmp.resolve("concurrent").toString();
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<Integer>>> got = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      got.add(
          pool.submit(
              () -> {
                // Each writer opens its own registry, as separate processes would.
                ModelRegistry r = ModelRegistry.open(root, RegistryFixtures.CONF);
                start.await();
                List<Integer> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                  mine.add(r.register(draft("busy", "run-" + thread + "-" + i)).version());
                }
                return mine;
              }));
    }
    Set<Integer> versions = new HashSet<>();
    for (Future<List<Integer>> f : got) {
      versions.addAll(f.get());
    }
    pool.shutdown();
    int total = threads * each;
    assertEquals(
        IntStream.rangeClosed(1, total).boxed().collect(java.util.stream.Collectors.toSet()),
        versions);
    List<ModelVersion> stored = ModelRegistry.open(root, RegistryFixtures.CONF).list("busy");
    assertEquals(total, stored.stream().map(ModelVersion::runId).distinct().count());
    try (Stream<Path> left = Files.list(tmp.resolve("concurrent/busy/versions"))) {
      assertEquals(total, left.count(), "only version files, no temporaries");
    }
  }

  @Test
  void theHadoopStrategyCreatesOnlyNewFilesAndReplacesInOneStep() throws IOException {
    HadoopRegistryFiles files =
        new HadoopRegistryFiles(FileSystem.getLocal(RegistryFixtures.CONF), RegistryFixtures.CONF);
    ModelRegistry r = ModelRegistry.open(tmp.resolve("hadoop").toString(), files);
    r.register(draft("m", "t1"));
    r.register(draft("m", "t2"));
    org.apache.hadoop.fs.Path one =
        new org.apache.hadoop.fs.Path(tmp.resolve("hadoop/m/versions/1.json").toUri());
    assertFalse(files.createNew(one, new byte[] {1}));
    assertEquals("t1", r.get("m", 1).runId());
    r.alias("m", "champion", 1);
    r.alias("m", "champion", 2);
    assertEquals(2, r.resolve("models:/m@champion").version());
    assertEquals(
        List.of("1.json", "2.json"), files.list(one.getParent()).stream().sorted().toList());
    assertEquals(
        List.of("champion.json"),
        files.list(new org.apache.hadoop.fs.Path(tmp.resolve("hadoop/m/aliases").toUri())));
  }

  @Test
  void theResolverChecksTheRegisteredBytesAndFindsAPathsVersion() throws IOException {
    String root = tmp.resolve("resolve").toString();
    ModelRegistry r = ModelRegistry.open(root, RegistryFixtures.CONF);
    Path copy = RegistryFixtures.dense(tmp.resolve("dense-copy"), "train-5", table, 5, 0.8);
    ModelVersion v = r.register(draft(r, "toy-mlp", copy));
    r.alias("toy-mlp", "champion", 1);

    ModelResolver.Resolved byAlias =
        ModelResolver.resolve("--model", "models:/toy-mlp@champion", root, RegistryFixtures.CONF);
    assertEquals(v, byAlias.version());
    assertEquals("file:" + copy, byAlias.path());
    ModelResolver.Resolved byPath =
        ModelResolver.resolve("--model", copy.toString(), root, RegistryFixtures.CONF);
    assertEquals(v.sha256(), byPath.sha256());
    assertEquals("toy-mlp", byPath.name());
    assertEquals(1, byPath.versionNumber());
    ModelResolver.Resolved unregistered =
        ModelResolver.resolve("--model", compressed.toString(), root, RegistryFixtures.CONF);
    assertNull(unregistered.version());
    assertEquals(64, unregistered.sha256().length());

    assertError(
        "--model models:/toy-mlp@prod: model toy-mlp has no alias prod; its aliases are champion",
        () ->
            ModelResolver.resolve("--model", "models:/toy-mlp@prod", root, RegistryFixtures.CONF));
    // The directory was overwritten by another model after registration: the version no longer
    // resolves.
    RegistryFixtures.dense(copy, "train-6", table, 6, 0.8);
    String now = ModelStore.artifact(copy.toString(), "m", RegistryFixtures.CONF).sha256();
    assertError(
        "--model models:/toy-mlp/1: file:"
            + copy.resolve("model.zip")
            + " has SHA-256 "
            + now
            + ", not the "
            + v.sha256()
            + " registered as models:/toy-mlp/1 (it was replaced after registration)",
        () -> ModelResolver.resolve("--model", "models:/toy-mlp/1", root, RegistryFixtures.CONF));
    FileSystem.getLocal(RegistryFixtures.CONF)
        .delete(new org.apache.hadoop.fs.Path(copy.toUri()), true);
    assertError(
        "--model models:/toy-mlp/1: registered path file:" + copy + " does not exist",
        () -> ModelResolver.resolve("--model", "models:/toy-mlp/1", root, RegistryFixtures.CONF));
  }
}

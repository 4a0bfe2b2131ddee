package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.ledger.LedgerWriter;
import io.verdant.common.ledger.RunRow;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.registry.ModelRegistry;
import io.verdant.jobs.registry.ModelVersion;
import io.verdant.jobs.registry.RegistrationOptions;
import io.verdant.jobs.registry.RegistryFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verdant models list|show|alias} on a registry that real model directories were registered
 * in, with a real ledger.
 */
class ModelsCommandTest {
  @TempDir static Path tmp;
  private static String registry;
  private static String ledger;
  private static Path tableDir;
  private static ModelVersion dense;
  private static ModelVersion compressed;

  @BeforeAll
  static void registerModels() throws Exception {
    registry = tmp.resolve("registry").toString();
    ledger = tmp.resolve("ledger").toString();
    tableDir = tmp.resolve("toy");
    Manifest.Loaded table = RegistryFixtures.table(tableDir, "toy", "ingest-1");
    Path d = RegistryFixtures.dense(tmp.resolve("dense"), "train-1", table, 1, 0.9);
    Path c =
        RegistryFixtures.compressed(
            tmp.resolve("compressed"), "compress-1", "train-1", table, 0.875);
    Path c2 =
        RegistryFixtures.compressed(
            tmp.resolve("compressed-2"), "compress-2", "train-1", table, 0.85);
    dense = register("train-1", d, RegistrationOptions.of(registry, null, null, true));
    compressed =
        register("compress-1", c, RegistrationOptions.of(registry, null, "champion", true));
    register("compress-2", c2, RegistrationOptions.of(registry, null, null, true));
    LedgerWriter w = new LedgerWriter(ledger, new Configuration());
    write(w, run("ingest-1", "ingest", "succeeded", 360, 0.05, Map.of()));
    write(w, run("train-1", "train", "succeeded", 3600, 0.5, Map.of()));
    write(w, run("compress-1", "compress", "succeeded", 1800, 0.25, Map.of()));
    write(
        w,
        run(
            "score-1",
            "score",
            "succeeded",
            20,
            0.002,
            Map.of("model_sha256", compressed.sha256(), "predictions", "10000")));
    write(
        w,
        run(
            "score-2",
            "score",
            "succeeded",
            30,
            0.003,
            Map.of("model_sha256", compressed.sha256(), "predictions", "30000")));
    // Neither a failed score run nor one of another model counts.
    write(
        w,
        run(
            "score-3",
            "score",
            "failed",
            99,
            0.1,
            Map.of("model_sha256", compressed.sha256(), "predictions", "5")));
    write(
        w,
        run(
            "score-4",
            "score",
            "succeeded",
            99,
            0.1,
            Map.of("model_sha256", "ff", "predictions", "7")));
  }

  private static ModelVersion register(String runId, Path model, RegistrationOptions options) {
    JobRun run = JobRun.start(null, runId.replaceAll("-.*", ""), runId, Map.of(), List.of());
    ModelVersion v =
        options.register(run, model.toString(), tableDir.toString(), new Configuration());
    run.succeeded();
    if (v != null) {
      assertEquals(
          Map.of(
              "model_name",
              v.name(),
              "model_version",
              String.valueOf(v.version()),
              "model_sha256",
              v.sha256()),
          run.attributes());
    }
    return v;
  }

  private static RunRow run(
      String runId,
      String job,
      String status,
      double energyJ,
      double co2eG,
      Map<String, String> attributes)
      throws Exception {
    return new RunRow(
        runId,
        job,
        List.of(),
        Map.of(),
        null,
        null,
        null,
        io.verdant.common.Json.MAPPER.writeValueAsString(attributes),
        status,
        null,
        1_700_000_000_000L,
        1_700_000_001_000L,
        energyJ,
        co2eG,
        1,
        1,
        "cpu=tdp-model",
        1.58,
        475,
        "world",
        "default",
        null,
        null,
        null,
        null,
        null,
        null);
  }

  private static void write(LedgerWriter w, RunRow r) {
    w.write(r, List.of(), List.of());
  }

  private static CliRun models(String... args) {
    List<String> a = new java.util.ArrayList<>(List.of("models"));
    a.addAll(List.of(args));
    a.addAll(List.of("--registry", registry));
    return CliRun.of(a.toArray(new String[0]));
  }

  @Test
  void registrationNamesTheModelAfterItsDataAndArchitectureAndIsIdempotent() {
    assertEquals("toy-mlp-4-3", dense.name());
    assertEquals(List.of(1, 2), List.of(dense.version(), compressed.version()));
    assertEquals(new ModelVersion.Ref("toy-mlp-4-3", 1), compressed.parent());
    assertEquals(
        dense,
        register(
            "train-1", tmp.resolve("dense"), RegistrationOptions.of(registry, null, null, true)));
    assertNull(
        register(
            "train-9", tmp.resolve("dense"), RegistrationOptions.of(registry, null, null, false)));
    assertEquals(3, ModelRegistry.open(registry, new Configuration()).list("toy-mlp-4-3").size());
  }

  @Test
  void listsModelsAndVersions() {
    CliRun all = models("list");
    assertEquals(0, all.code(), all.err());
    assertEquals(
        List.of(
            "name                                     versions  latest  kind        aliases",
            "toy-mlp-4-3                                     3       3  compressed  champion=2"),
        all.out().lines().toList());
    CliRun one = models("list", "toy-mlp-4-3");
    assertEquals(0, one.code(), one.err());
    List<String> lines = one.out().lines().toList();
    assertEquals("models:/toy-mlp-4-3", lines.get(0));
    assertEquals(5, lines.size(), one.out());
    assertTrue(
        lines
            .get(2)
            .matches(
                " +1  dense +\\S+Z +acc 90\\.00% +[0-9,]+  "
                    + dense.sha256().substring(0, 12)
                    + "  - +-"),
        lines.get(2));
    assertTrue(
        lines
            .get(3)
            .matches(
                " +2  compressed +\\S+Z +acc 87\\.50% +[0-9,]+  "
                    + compressed.sha256().substring(0, 12)
                    + "  models:/toy-mlp-4-3/1 +champion"),
        lines.get(3));
  }

  @Test
  void showsLineageFootprintAndScoringPerThousandPredictions() {
    CliRun shown = models("show", "models:/toy-mlp-4-3@champion", "--ledger", ledger);
    assertEquals(0, shown.code(), shown.err());
    String out = shown.out();
    assertTrue(out.startsWith("models:/toy-mlp-4-3/2  compressed  aliases: champion\n"), out);
    assertTrue(out.contains("  file           present, SHA-256 matches\n"), out);
    assertTrue(out.contains("  parent         models:/toy-mlp-4-3/1\n"), out);
    assertTrue(out.contains("  test metrics   accuracy 87.50%\n"), out);
    assertTrue(
        out.contains("  registered     " + compressed.createdAt() + " by run compress-1\n"), out);
    assertTrue(out.matches("(?s).*\n  ingest +ingest-1 +succeeded +0\\.10000 +0\\.0500\n.*"), out);
    assertTrue(
        out.matches("(?s).*\n  compress +compress-1 +succeeded +0\\.50000 +0\\.2500\n.*"), out);
    assertTrue(out.matches("(?s).*\n  total +1\\.60000 +0\\.8000\n.*"), out);
    assertTrue(
        out.contains(
            "\nScoring: 40,000 predictions in 2 score run(s), 0.01389 Wh, 0.0050 g CO2e\n"),
        out);
    assertTrue(
        out.matches("(?s).*\n  lineage, spread over predictions +144\\.0000 +0\\.020000\n.*"), out);
    assertTrue(out.matches("(?s).*\n  scoring +1\\.2500 +0\\.000125\n.*"), out);
    assertTrue(out.matches("(?s).*\n  total +145\\.2500 +0\\.020125\n"), out);

    CliRun first = models("show", "toy-mlp-4-3/1", "--ledger", ledger);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().matches("(?s).*\n  total +1\\.10000 +0\\.5500\n.*"), first.out());
    assertTrue(
        first
            .out()
            .endsWith(
                "\nScoring: not scored yet (no succeeded score run in the ledger records this model_sha256)\n"),
        first.out());
    // The latest version's compress run is not in this ledger: the total says so.
    CliRun latest = models("show", "toy-mlp-4-3", "--ledger", ledger);
    assertTrue(
        latest.out().matches("(?s).*\n  compress +compress-2 +not in the ledger +- +-\n.*"),
        latest.out());
    assertTrue(
        latest.out().matches("(?s).*\n  total +\\(1 missing\\) +1\\.10000 +0\\.5500\n.*"),
        latest.out());
  }

  @Test
  void aliasesMove() {
    CliRun moved = models("alias", "toy-mlp-4-3", "staging", "3");
    assertEquals(0, moved.code(), moved.err());
    assertEquals("models:/toy-mlp-4-3@staging -> version 3\n", moved.out());
    assertEquals(
        "models:/toy-mlp-4-3@staging -> version 1 (was version 3)\n",
        models("alias", "toy-mlp-4-3", "staging", "1").out());
    assertTrue(
        models("show", "toy-mlp-4-3@staging", "--ledger", ledger)
            .out()
            .startsWith("models:/toy-mlp-4-3/1  dense  aliases: staging\n"));
  }

  @Test
  void unknownNamesVersionsAndAliasesAreOneLineErrors() {
    String root = "file:" + tmp.resolve("registry");
    models("show", "nope")
        .assertError("verdant models show", "model nope is not in the registry at " + root);
    models("show", "toy-mlp-4-3/9")
        .assertError(
            "verdant models show", "model toy-mlp-4-3 has no version 9; its versions are 1 to 3");
    models("show", "models:/toy-mlp-4-3@prod")
        .assertError(
            "verdant models show",
            "model toy-mlp-4-3 has no alias prod; its aliases are "
                + String.join(", ", aliasesOf()));
    models("show", "toy mlp")
        .assertError(
            "verdant models show",
            "a model must be given as NAME, NAME/VERSION or NAME@ALIAS (models:/ before it is allowed), cannot be: toy mlp");
    models("alias", "toy-mlp-4-3", "prod", "5")
        .assertError(
            "verdant models alias", "model toy-mlp-4-3 has no version 5; its versions are 1 to 3");
    models("alias", "toy-mlp-4-3", "1st", "1")
        .assertError(
            "verdant models alias",
            "ALIAS must be 1-64 letters, digits, '_' or '-', starting with a letter, cannot be: 1st");
    models("list", "nope")
        .assertError("verdant models list", "model nope is not in the registry at " + root);
    assertEquals(2, CliRun.of("models").code());
  }

  private static java.util.Set<String> aliasesOf() {
    return ModelRegistry.open(registry, new Configuration()).aliases("toy-mlp-4-3").keySet();
  }
}

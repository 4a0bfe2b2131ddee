package io.verdant.jobs.registry;

import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.CompressedModelInfo;
import io.verdant.jobs.model.ModelArtifact;
import io.verdant.jobs.model.ModelMetadata;
import java.util.Optional;

/**
 * What the registry records of a model a job wrote, before it has a version number: its file's
 * identity, its metrics, and its lineage. A dense model's lineage is the ingest run of the table it
 * was trained on and its train run; a compressed model's is its parent's (the registered version of
 * its source model, found by the source's train run id) and its compress run.
 */
final class VersionDraft {
  private VersionDraft() {}

  /**
   * The draft of {@code model} under {@code name}. {@code table} is the table the job read: its
   * manifest's run id is the ingest run when the model was trained on that very manifest.
   */
  static ModelVersion of(
      String name, ModelArtifact model, Manifest.Loaded table, ModelRegistry registry) {
    ModelMetadata meta = model.metadata();
    ModelVersion.Kind kind =
        model.compressed() ? ModelVersion.Kind.COMPRESSED : ModelVersion.Kind.DENSE;
    ModelVersion.Ref parent = null;
    ModelVersion.Lineage lineage;
    if (meta instanceof CompressedModelInfo c) {
      Optional<ModelVersion> source = registry.trainedBy(c.sourceRunId(), name);
      parent = source.map(v -> new ModelVersion.Ref(v.name(), v.version())).orElse(null);
      String ingest =
          source
              .map(v -> v.lineage().ingestRunId())
              .orElseGet(() -> ingestRun(table, c.trainedOnManifestSha256()));
      lineage = new ModelVersion.Lineage(ingest, c.sourceRunId(), c.runId());
    } else {
      lineage =
          new ModelVersion.Lineage(
              ingestRun(table, meta.datasetManifestSha256()), meta.runId(), null);
    }
    return new ModelVersion(
        ModelVersion.CURRENT_SCHEMA_VERSION,
        name,
        0,
        kind,
        model.path(),
        model.sha256(),
        model.bytes(),
        meta.architecture(),
        parent,
        meta.datasetManifestSha256(),
        model.test(),
        null,
        meta.runId(),
        lineage);
  }

  private static String ingestRun(Manifest.Loaded table, String manifestSha256) {
    return table != null && table.sha256().equals(manifestSha256) ? table.manifest().runId() : null;
  }
}

package io.verdant.jobs.registry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.verdant.common.JsonRecord;
import io.verdant.jobs.model.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One registered version of a model: {@code <registry>/<name>/versions/<version>.json}, written
 * once and never changed. The model's bytes stay where the job wrote them ({@link #path}); {@link
 * #sha256} says which bytes the version is. Readers accept any {@code schemaVersion <=
 * CURRENT_SCHEMA_VERSION} and ignore fields they do not know.
 */
@JsonRecord
public record ModelVersion(
    int schemaVersion,
    String name,
    int version,
    Kind kind,
    String path,
    String sha256,
    long sizeBytes,
    String architecture,
    Ref parent,
    String datasetManifestSha256,
    ModelInfo.TestMetrics metrics,
    String createdAt,
    String runId,
    Lineage lineage) {

  public static final int CURRENT_SCHEMA_VERSION = 1;

  /** A trained DL4J model directory, or a compressed Verdant model file. */
  public enum Kind {
    @JsonProperty("dense")
    DENSE,
    @JsonProperty("compressed")
    COMPRESSED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Another version: a compressed model's source. */
  public record Ref(String name, int version) {
    public String uri() {
      return ModelRef.uri(name, version);
    }
  }

  /**
   * The runs that produced the model, whose energy and carbon the ledger holds; null where unknown
   * or not applicable.
   */
  @JsonRecord
  public record Lineage(String ingestRunId, String trainRunId, String compressRunId) {
    /** The steps that have a run, in order: ingest, train, compress. */
    @JsonIgnore
    public List<Step> steps() {
      List<Step> out = new ArrayList<>();
      add(out, "ingest", ingestRunId);
      add(out, "train", trainRunId);
      add(out, "compress", compressRunId);
      return out;
    }

    private static void add(List<Step> out, String step, String runId) {
      if (runId != null) {
        out.add(new Step(step, runId));
      }
    }
  }

  /** One step of a lineage and its run. */
  public record Step(String step, String runId) {}

  /** {@code models:/<name>/<version>}. */
  public String uri() {
    return ModelRef.uri(name, version);
  }

  /** This draft as version {@code n} of its name, registered at {@code at}. */
  ModelVersion numbered(int n, String at) {
    return new ModelVersion(
        schemaVersion,
        name,
        n,
        kind,
        path,
        sha256,
        sizeBytes,
        architecture,
        parent,
        datasetManifestSha256,
        metrics,
        at,
        runId,
        lineage);
  }
}

package io.verdant.jobs.registry;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.ModelArtifact;
import io.verdant.jobs.model.ModelStore;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns a job's {@code --model} value (a path or a registry reference) into the model's path, its
 * SHA-256 and its version.
 */
public final class ModelResolver {
  private ModelResolver() {}

  /**
   * A resolved model: the path to load ({@link ModelStore#load}), the SHA-256 of its model file,
   * and its registered version (null for a path that no version of the registry holds).
   */
  public record Resolved(String path, String sha256, ModelVersion version) {
    /** The registered name, or null. */
    public String name() {
      return version == null ? null : version.name();
    }

    /** The registered version number, or null. */
    public Integer versionNumber() {
      return version == null ? null : version.version();
    }
  }

  /**
   * Resolves {@code value}, given as {@code option}: {@code models:/NAME/VERSION} or {@code
   * models:/NAME@ALIAS} through the registry at {@code registryRoot}, whose model file must still
   * have the registered SHA-256; anything else is a path (a model directory or a compressed model
   * file), whose version is the registered one with the same SHA-256 (at the same path if several).
   * Errors name the option and the value.
   */
  public static Resolved resolve(
      String option, String value, String registryRoot, Configuration conf) {
    if (!ModelRef.isUri(value)) {
      ModelArtifact model = ModelStore.artifact(value, option, conf);
      return new Resolved(model.path(), model.sha256(), registered(model, registryRoot, conf));
    }
    ModelVersion v;
    ModelArtifact model;
    try {
      v = ModelRegistry.open(registryRoot, conf).resolve(value);
      model = ModelStore.artifact(v.path(), "registered path", conf);
    } catch (VerdantException e) {
      throw new VerdantException(option + " " + value + ": " + e.getMessage(), e);
    }
    if (!model.sha256().equals(v.sha256())) {
      throw VerdantException.of(
          "%s %s: %s has SHA-256 %s, not the %s registered as %s (it was replaced after registration)",
          option, value, model.file(), model.sha256(), v.sha256(), v.uri());
    }
    return new Resolved(v.path(), v.sha256(), v);
  }

  private static ModelVersion registered(
      ModelArtifact model, String registryRoot, Configuration conf) {
    List<ModelVersion> same = ModelRegistry.open(registryRoot, conf).withSha256(model.sha256());
    return same.stream()
        .filter(v -> v.path().equals(model.path()))
        .reduce((a, b) -> b)
        .orElseGet(
            () -> same.stream().max(Comparator.comparing(ModelVersion::createdAt)).orElse(null));
  }
}

package io.verdant.jobs.report;

import io.verdant.common.VerdantException;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.jobs.registry.ModelFootprint;
import io.verdant.jobs.registry.ModelRegistry;
import io.verdant.jobs.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A registered model version written by one of the report's runs, and its lineage's energy and
 * carbon in the ledger.
 */
public record ModelLineage(ModelVersion version, ModelFootprint footprint) {

  /**
   * The versions in the registry at {@code registryRoot} that the given runs wrote, with their
   * footprints.
   *
   * @throws VerdantException when there is no registry at that path
   */
  static List<ModelLineage> of(
      String registryRoot, Set<String> runIds, LedgerReader ledger, Configuration conf) {
    try {
      Path root = new Path(registryRoot);
      if (!root.getFileSystem(conf).exists(root)) {
        throw VerdantException.of(
            "--models %s: there is no model registry at that path", registryRoot);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the model registry at " + registryRoot, e);
    }
    return ModelRegistry.open(registryRoot, conf).all().stream()
        .filter(v -> runIds.contains(v.runId()))
        .map(v -> new ModelLineage(v, ModelFootprint.of(v, ledger)))
        .toList();
  }

  /** The version as {@code models show} names it: {@code name/version}. */
  String label() {
    return version.name() + "/" + version.version();
  }
}

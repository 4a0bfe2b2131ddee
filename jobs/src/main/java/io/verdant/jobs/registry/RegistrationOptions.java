package io.verdant.jobs.registry;

import io.verdant.common.Checks;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.ModelArtifact;
import io.verdant.jobs.model.ModelStore;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a job that writes a model registers it (train, compress): a picocli mixin. */
public final class RegistrationOptions {
  private static final Logger LOG = LoggerFactory.getLogger(RegistrationOptions.class);

  @Mixin RegistryLocation location = new RegistryLocation();

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      description = {
        "Name the output model is registered under (versions 1, 2, ... per name).",
        "Default: <dataset>-<architecture> (e.g. mnist-lenet-300-100; characters other than letters, digits, '.', '_' and '-' become '-')."
      })
  String modelName;

  @Option(
      names = "--model-alias",
      paramLabel = "ALIAS",
      description =
          "Also point this alias of the model name (e.g. champion) at the version registered.")
  String alias;

  @Option(
      names = "--no-register",
      description = "Do not register the output model in the model registry.")
  boolean noRegister;

  public RegistrationOptions() {}

  /** For programmatic use. */
  public static RegistrationOptions of(
      String registry, String modelName, String alias, boolean register) {
    RegistrationOptions o = new RegistrationOptions();
    o.location = new RegistryLocation(registry);
    o.modelName = modelName;
    o.alias = alias;
    o.noRegister = !register;
    return o;
  }

  /** Checks the options (before Spark starts). */
  public void validate() {
    if (modelName != null) {
      ModelRef.checkName("--model-name", modelName);
    }
    if (alias != null) {
      ModelRef.checkAlias("--model-alias", alias);
    }
    Checks.checkArgument(
        !noRegister || (modelName == null && alias == null),
        "--model-name and --model-alias name the registered model: they cannot be used with --no-register");
  }

  /**
   * Registers the model at {@code modelDir}, read by the job from the table at {@code dataDir}, and
   * records its name, version and SHA-256 as attributes of the run. Returns the version, or null
   * under {@code --no-register}.
   */
  public ModelVersion register(JobRun run, String modelDir, String dataDir, Configuration conf) {
    if (noRegister) {
      LOG.info("Not registering {} in the model registry (--no-register)", modelDir);
      return null;
    }
    ModelArtifact model = ModelStore.artifact(modelDir, "--out", conf);
    Manifest.Loaded table = Manifest.read(dataDir, conf);
    String name =
        modelName != null
            ? modelName
            : defaultName(table, dataDir, model.metadata().architecture());
    ModelRegistry registry = ModelRegistry.open(location.root(), conf);
    ModelVersion v = registry.register(VersionDraft.of(name, model, table, registry));
    if (alias != null) {
      registry.alias(name, alias, v.version());
    }
    run.attribute(RunAttributes.MODEL_NAME, v.name());
    run.attribute(RunAttributes.MODEL_VERSION, String.valueOf(v.version()));
    run.attribute(RunAttributes.MODEL_SHA256, v.sha256());
    System.out.printf(
        "Registered:       %s%s%n", v.uri(), alias == null ? "" : " (alias " + alias + ")");
    return v;
  }

  /**
   * {@code <dataset>-<architecture>}: the dataset of the table's manifest, else the table
   * directory's name.
   */
  static String defaultName(Manifest.Loaded table, String dataDir, String architecture) {
    String dataset =
        table.manifest().dataset() != null
            ? table.manifest().dataset()
            : new org.apache.hadoop.fs.Path(dataDir).getName();
    return ModelRef.checkName(
        "the default model name (choose one with --model-name)",
        ModelRef.sanitize(dataset + "-" + architecture));
  }
}

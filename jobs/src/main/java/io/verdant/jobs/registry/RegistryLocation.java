package io.verdant.jobs.registry;

import io.verdant.common.WorkDir;
import picocli.CommandLine.Option;

/** {@code --registry}: where the model registry is, for every command that reads or writes it. */
public final class RegistryLocation {
  public static final String ENV = "VERDANT_REGISTRY";

  @Option(
      names = "--registry",
      paramLabel = "DIR",
      description =
          "Model registry root (local path or Hadoop filesystem URI). Default: $VERDANT_REGISTRY, else $VERDANT_WORK_DIR/registry, else ./verdant-work/registry.")
  String registry;

  public RegistryLocation() {}

  /** For programmatic use: the registry at {@code root}, or the default one when null. */
  public static RegistryLocation of(String root) {
    RegistryLocation l = new RegistryLocation();
    l.registry = root;
    return l;
  }

  /** The registry root: the option, else the environment's defaults. */
  public String root() {
    return WorkDir.resolve(registry, System.getenv(), ENV, "registry");
  }
}

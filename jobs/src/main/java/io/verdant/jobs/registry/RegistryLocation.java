package io.verdant.jobs.registry;

import io.verdant.common.StoreLocation;
import picocli.CommandLine.Option;

/** {@code --registry}: where the model registry is, for every command that reads or writes it. */
public final class RegistryLocation extends StoreLocation {
  public static final String ENV = "VERDANT_REGISTRY";

  public RegistryLocation() {
    this(null);
  }

  /**
   * @param root the registry root, or null for the default one
   */
  public RegistryLocation(String root) {
    super(ENV, "registry", root);
  }

  @Option(
      names = "--registry",
      paramLabel = "DIR",
      description =
          "Model registry root (local path or Hadoop filesystem URI). Default: $VERDANT_REGISTRY, else $VERDANT_WORK_DIR/registry, else ./verdant-work/registry.")
  void registry(String root) {
    given(root);
  }
}

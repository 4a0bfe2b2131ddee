package io.verdant.common;

import java.util.Map;

/**
 * Where one of Verdant's stores is (the ledger, the model registry): the root given by its option
 * or by a program, else the default {@link WorkDir} resolves from the environment. Subclasses
 * declare the picocli option, which sets the root through {@link #given}.
 */
public abstract class StoreLocation {
  private final String envVariable;
  private final String folder;
  private String root;

  /**
   * @param envVariable the store's own environment variable
   * @param folder its folder in the work directory
   * @param root the root, or null for the default
   */
  protected StoreLocation(String envVariable, String folder, String root) {
    this.envVariable = envVariable;
    this.folder = folder;
    this.root = root;
  }

  /** Sets the root (the option's value). */
  protected final void given(String root) {
    this.root = root;
  }

  /** The root: the one given, else the environment's defaults. */
  public final String root() {
    return root(System.getenv());
  }

  public final String root(Map<String, String> env) {
    return WorkDir.resolve(root, env, envVariable, folder);
  }
}

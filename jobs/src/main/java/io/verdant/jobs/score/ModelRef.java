package io.verdant.jobs.score;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.registry.ModelResolver;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What {@code --model} names, parsed in one place: a trained model directory, a compressed {@code
 * .vdcm} file or a compress output directory, on any Hadoop filesystem. The model registry's
 * references ({@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION}) are to resolve here as
 * well, to the registered path, name and version.
 */
public final class ModelRef {
  /** The prefix of model registry references. */
  public static final String REGISTRY_PREFIX = "models:/";

  /**
   * The model name recorded with a bare compressed file that is not a compress output's {@code
   * model.vdcm}.
   */
  static final String FILE_SUFFIX = ".vdcm";

  /**
   * A resolved reference: the path of the model's directory or file, and the name and version the
   * predictions carry ({@code version} is null for a path: only the registry numbers versions).
   */
  public record Resolved(String reference, String path, String name, String version) {}

  private ModelRef() {}

  /**
   * Checks the reference's syntax before Spark starts (the path's existence is checked when it is
   * loaded).
   */
  public static void check(String reference, String option) {
    if (reference.isBlank()) {
      throw VerdantException.of(
          "%s must name a model directory, a .vdcm file or a compress output directory, cannot be"
              + " blank",
          option);
    }
  }

  /**
   * The model a reference names, through the registry: a {@code models:/} reference is looked up
   * there, a path is matched to its registered version by SHA-256 where there is one. An
   * unregistered path is named after its directory (or, for a bare .vdcm file, the file) and has no
   * version.
   */
  public static Resolved resolve(
      String reference, String option, String registryRoot, Configuration conf) {
    check(reference, option);
    ModelResolver.Resolved r = ModelResolver.resolve(option, reference, registryRoot, conf);
    String name = r.name() != null ? r.name() : nameOf(r.path());
    return new Resolved(
        reference,
        r.path(),
        name,
        r.versionNumber() == null ? null : String.valueOf(r.versionNumber()));
  }

  private static String nameOf(String path) {
    Path p = new Path(path);
    String name = p.getName();
    if (name.equals(ModelFiles.MODEL_FILE) && p.getParent() != null) {
      name = p.getParent().getName();
    } else if (name.endsWith(FILE_SUFFIX)) {
      name = name.substring(0, name.length() - FILE_SUFFIX.length());
    }
    return name;
  }
}

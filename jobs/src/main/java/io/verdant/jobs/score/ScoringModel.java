package io.verdant.jobs.score;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import io.verdant.jobs.model.InputContract;
import io.verdant.jobs.model.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The model a score run applies, as the driver knows it: its file's bytes (broadcast once to the
 * executors) and their SHA-256, its name and version, its input contract, and how it is scored.
 *
 * @param file the model file: a trained directory's model.zip, or the .vdcm file
 * @param compressed whether the file is a compressed Verdant model file
 * @param engine {@code sparse-csc} or {@code dl4j} (see {@link CompiledModel#engine()})
 */
public record ScoringModel(
    ModelRef.Resolved ref,
    String file,
    byte[] bytes,
    String sha256,
    boolean compressed,
    InputContract contract,
    String engine) {

  /** The kind recorded with the predictions. */
  public String kind() {
    return compressed ? "compressed" : "dense";
  }

  /**
   * Loads the model with the checks of {@link ModelStore#load} (checksums, metadata), reads its
   * file's bytes, and decodes them as the executors will, into this JVM's {@link ModelCache}.
   */
  static ScoringModel load(ModelRef.Resolved ref, String option, Configuration conf) {
    ModelStore.Loaded m = ModelStore.load(ref.path(), option, conf);
    InputContract contract = m.metadata().input();
    if (contract == null || contract.featureCount() < 1) {
      throw VerdantException.of(
          "%s %s records no input contract (what it takes and predicts); retrain it with this"
              + " Verdant",
          option, ref.reference());
    }
    byte[] bytes = readAll(m.source(), conf);
    String sha = Checksums.sha256(bytes);
    CompiledModel compiled =
        ModelCache.get(sha, () -> CompiledModel.decode(bytes, m.compressed(), m.source()));
    int expected = contract.classification() ? contract.numClasses() : 1;
    if (compiled.inputs() != contract.featureCount() || compiled.outputs() != expected) {
      throw VerdantException.of(
          "%s %s: the network takes %d features and has %d outputs, its input contract says %d"
              + " features and %d outputs",
          option,
          ref.reference(),
          compiled.inputs(),
          compiled.outputs(),
          contract.featureCount(),
          expected);
    }
    return new ScoringModel(
        ref, m.source(), bytes, sha, m.compressed(), contract, compiled.engine());
  }

  private static byte[] readAll(String file, Configuration conf) {
    Path p = new Path(file);
    try {
      FileSystem fs = p.getFileSystem(conf);
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }
}

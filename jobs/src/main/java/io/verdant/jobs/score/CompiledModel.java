package io.verdant.jobs.score;

import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.jobs.model.ModelCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A model decoded for scoring, shared by the tasks of one JVM (see {@link ModelCache}): the
 * compressed form as sparse layers over its codebooks ({@link SparseMlp}) where the network is a
 * multilayer perceptron, else a DL4J network ({@link Dl4jModel}: trained models, and compressed
 * convolutional ones decoded to dense).
 */
interface CompiledModel {
  /** How the model is scored, for the run's record: {@code sparse-csc} or {@code dl4j}. */
  String engine();

  int inputs();

  int outputs();

  /** A scorer for one task, for batches of at most {@code batchSize} rows. */
  Scorer newScorer(int batchSize);

  /**
   * Decodes a model file's bytes: a Verdant model file when {@code compressed}, else a DL4J
   * ModelSerializer zip.
   */
  static CompiledModel decode(byte[] bytes, boolean compressed, String source) {
    if (!compressed) {
      try {
        return new Dl4jModel(
            ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the DL4J model " + source, e);
      }
    }
    ModelFileReader.Decoded d = ModelFileReader.decode(bytes, source);
    SparseMlp sparse = SparseMlp.of(d.model());
    return sparse != null ? sparse : new Dl4jModel(ModelCodec.toNetwork(d.model(), source));
  }
}

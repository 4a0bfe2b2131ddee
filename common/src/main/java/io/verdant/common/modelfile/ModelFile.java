package io.verdant.common.modelfile;

import java.util.List;

/**
 * A compressed model as Verdant stores it (docs/model-format.md): a metadata JSON document
 * (architecture, dataset manifest checksum, the options of every stage, per-layer statistics), the
 * network configuration JSON that rebuilds the model, and its parameter tensors in
 * flattened-parameter order.
 *
 * <p>{@link ModelFileWriter} encodes one; {@link ModelFileReader} decodes every version it knows.
 */
public record ModelFile(int version, String metadataJson, String configJson, List<Tensor> tensors) {
  /** The version this code writes. */
  public static final int CURRENT_VERSION = 1;

  public ModelFile(String metadataJson, String configJson, List<Tensor> tensors) {
    this(CURRENT_VERSION, metadataJson, configJson, tensors);
  }

  public ModelFile {
    tensors = List.copyOf(tensors);
  }

  public long parameterCount() {
    long n = 0;
    for (Tensor t : tensors) {
      n += t.size();
    }
    return n;
  }
}

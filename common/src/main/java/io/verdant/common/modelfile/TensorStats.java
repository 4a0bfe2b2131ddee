package io.verdant.common.modelfile;

/**
 * What one tensor costs in a model file (the columns of Deep Compression's Table 2).
 *
 * @param name the tensor
 * @param encoding how it is stored
 * @param weights positions in the tensor
 * @param nonZero positions with a non-zero value (kept weights)
 * @param entries sparse entries written, fillers included (0 for raw tensors)
 * @param fillers zero entries written because a gap overflowed {@code gapBits}
 * @param weightBits bits per codebook index before Huffman coding (32 for raw)
 * @param gapBits bits per relative index before Huffman coding (0 for raw)
 * @param indexStreamBits the Huffman-coded codebook indices, in bits
 * @param gapStreamBits the Huffman-coded gaps, in bits
 * @param blockBytes the whole block in the file: header, codebook, code tables, streams and CRC
 */
public record TensorStats(
    String name,
    Tensor.Encoding encoding,
    long weights,
    long nonZero,
    long entries,
    long fillers,
    int weightBits,
    int gapBits,
    long indexStreamBits,
    long gapStreamBits,
    long blockBytes) {

  public double keptFraction() {
    return weights == 0 ? 0 : (double) nonZero / weights;
  }

  /** Mean bits of a codebook index after Huffman coding, per entry. */
  public double weightBitsHuffman() {
    return entries == 0 ? weightBits : (double) indexStreamBits / entries;
  }

  /** Mean bits of a gap after Huffman coding, per entry. */
  public double gapBitsHuffman() {
    return entries == 0 ? gapBits : (double) gapStreamBits / entries;
  }

  /** The block's size as a fraction of the dense float32 tensor. */
  public double fractionOfDense() {
    return weights == 0 ? 0 : blockBytes / (4.0 * weights);
  }
}

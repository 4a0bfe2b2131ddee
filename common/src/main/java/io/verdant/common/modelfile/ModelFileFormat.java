package io.verdant.common.modelfile;

/**
 * The layout constants of the model file (docs/model-format.md), defined once for {@link
 * ModelFileWriter} and {@link ModelFileReader}.
 */
final class ModelFileFormat {
  private ModelFileFormat() {}

  /**
   * The file's first 8 bytes: a non-ASCII byte, "VDCM", CR LF and Ctrl-Z, as PNG does, to catch
   * text-mode mangling.
   */
  static final byte[] MAGIC = {(byte) 0x89, 'V', 'D', 'C', 'M', '\r', '\n', 0x1A};

  /** Header: magic 8, version u16 at 8, file length u32 at 10, block count u32 at 14. */
  static final int VERSION_OFFSET = 8;

  static final int LENGTH_OFFSET = 10;
  static final int BLOCK_COUNT_OFFSET = 14;
  static final int HEADER = 18;

  /** The file CRC32 after the last block. */
  static final int TRAILER = 4;

  /** A block: type u8 and payload length u32, the payload, then a CRC32 of all three. */
  static final int BLOCK_HEAD = 5;

  static final int BLOCK_CRC = 4;
  static final int BLOCK_METADATA = 1;
  static final int BLOCK_CONFIG = 2;
  static final int BLOCK_TENSOR = 3;

  /** The metadata and the configuration block. */
  static final int MIN_BLOCKS = 2;

  /** The tensor encoding byte. */
  static final int ENCODING_RAW_F32 = 0;

  static final int ENCODING_SPARSE_SHARED = 1;

  static final int MAX_RANK = 8;
  static final int MAX_TEXT_BYTES = 64 << 20;
}

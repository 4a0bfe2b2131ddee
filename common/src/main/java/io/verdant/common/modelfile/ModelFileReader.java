package io.verdant.common.modelfile;

import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_CONFIG;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_CRC;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_HEAD;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_METADATA;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_TENSOR;
import static io.verdant.common.modelfile.ModelFileFormat.ENCODING_RAW_F32;
import static io.verdant.common.modelfile.ModelFileFormat.ENCODING_SPARSE_SHARED;
import static io.verdant.common.modelfile.ModelFileFormat.HEADER;
import static io.verdant.common.modelfile.ModelFileFormat.LENGTH_OFFSET;
import static io.verdant.common.modelfile.ModelFileFormat.MAGIC;
import static io.verdant.common.modelfile.ModelFileFormat.MAX_RANK;
import static io.verdant.common.modelfile.ModelFileFormat.MAX_TEXT_BYTES;
import static io.verdant.common.modelfile.ModelFileFormat.MIN_BLOCKS;
import static io.verdant.common.modelfile.ModelFileFormat.TRAILER;
import static io.verdant.common.modelfile.ModelFileFormat.VERSION_OFFSET;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes model files of every version this code knows (dispatch on the version field). Every size
 * read from the file is checked against the bytes that remain before anything is allocated; any
 * defect (truncation, a CRC mismatch, an unknown version, sizes that do not fit) is a {@link
 * ModelFileException} naming the file.
 */
public final class ModelFileReader {
  private ModelFileReader() {}

  /** The decoded model and the cost of each tensor. */
  public record Decoded(ModelFile model, List<TensorStats> stats) {}

  public static Decoded decode(byte[] bytes, String source) {
    if (bytes.length < HEADER + TRAILER) {
      throw new ModelFileException(
          source
              + ": not a Verdant model file: "
              + bytes.length
              + " bytes, a model file has at least "
              + (HEADER + TRAILER));
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new ModelFileException(
            source + ": not a Verdant model file (its first bytes are not the model file magic)");
      }
    }
    int version = ((bytes[VERSION_OFFSET] & 0xff) << 8) | (bytes[VERSION_OFFSET + 1] & 0xff);
    switch (version) {
      case 1:
        return new V1(bytes, source).read();
      default:
        throw new ModelFileException(
            source
                + ": unknown model file format version "
                + version
                + "; this Verdant reads versions 1 to "
                + ModelFile.CURRENT_VERSION
                + " (a newer Verdant wrote it?)");
    }
  }

  /** Format version 1. */
  private static final class V1 {
    private final byte[] b;
    private final String source;
    private int pos;
    private int end;
    private String where = "header";
    private String meta;
    private String conf;
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<TensorStats> stats = new ArrayList<>();

    V1(byte[] b, String source) {
      this.b = b;
      this.source = source;
    }

    Decoded read() {
      checkLengthAndCrc();
      long blocks = blockCount();
      for (long i = 0; i < blocks; i++) {
        where = "block " + i;
        block();
      }
      where = "trailer";
      if (pos != end) {
        throw fail((end - pos) + " bytes after the last block");
      }
      if (meta == null || conf == null) {
        throw fail("the metadata or configuration block is missing");
      }
      return new Decoded(new ModelFile(1, meta, conf, tensors), List.copyOf(stats));
    }

    /** The declared file length, then the file CRC32; afterwards the trailer is out of reach. */
    private void checkLengthAndCrc() {
      pos = LENGTH_OFFSET;
      end = b.length;
      long declared = u32();
      if (declared != b.length) {
        throw fail(
            declared > b.length
                ? "truncated: the header declares " + declared + " bytes, the file has " + b.length
                : "the header declares "
                    + declared
                    + " bytes, the file has "
                    + b.length
                    + " (trailing bytes or a corrupted header)");
      }
      checkCrc(0, b.length - TRAILER, "file");
      end = b.length - TRAILER;
    }

    private long blockCount() {
      long blocks = u32();
      // Every block takes at least its head and its CRC.
      if (blocks < MIN_BLOCKS || blocks > (end - pos) / (BLOCK_HEAD + BLOCK_CRC)) {
        throw fail(
            "block count " + blocks + " does not fit the " + (end - pos) + " bytes that remain");
      }
      return blocks;
    }

    /**
     * One block: its head and CRC32 are checked, then its payload is read within the payload's
     * bounds.
     */
    private void block() {
      int start = pos;
      need(BLOCK_HEAD);
      int type = u8();
      long len = u32();
      if (len > end - pos - BLOCK_CRC) {
        throw fail(
            "block length "
                + len
                + " does not fit the "
                + Math.max(0, end - pos - BLOCK_CRC)
                + " bytes that remain");
      }
      int payloadEnd = pos + (int) len;
      checkCrc(start, payloadEnd, "block");
      int save = end;
      end = payloadEnd;
      payload(type, BLOCK_HEAD + len + BLOCK_CRC);
      if (pos != payloadEnd) {
        throw fail((payloadEnd - pos) + " bytes left over inside the block");
      }
      end = save;
      pos = payloadEnd + BLOCK_CRC;
    }

    /**
     * The CRC32 of bytes {@code [start, crcAt)}, of a file or a block ({@code what}), must equal
     * the one stored at {@code crcAt}.
     */
    private void checkCrc(int start, int crcAt, String what) {
      CRC32 crc = new CRC32();
      crc.update(b, start, crcAt - start);
      long stored = u32At(crcAt);
      if (crc.getValue() != stored) {
        throw fail(
            String.format(
                Locale.ROOT,
                "%s CRC32 mismatch (stored %08x, computed %08x): the %s is corrupted",
                what,
                stored,
                crc.getValue(),
                what));
      }
    }

    private void payload(int type, long blockBytes) {
      switch (type) {
        case BLOCK_METADATA -> {
          if (meta != null) {
            throw fail("a second metadata block");
          }
          meta = inflate();
        }
        case BLOCK_CONFIG -> {
          if (conf != null) {
            throw fail("a second configuration block");
          }
          conf = inflate();
        }
        case BLOCK_TENSOR -> tensor(blockBytes);
        default -> throw fail("unknown block type " + type);
      }
    }

    private String inflate() {
      long raw = u32();
      int comp = end - pos;
      // Deflate expands at most ~1032:1; a larger claim is a corrupted size.
      if (raw > MAX_TEXT_BYTES || raw > (long) comp * 1100 + 64) {
        throw fail("text length " + raw + " does not fit the " + comp + " compressed bytes");
      }
      Inflater inf = new Inflater();
      try {
        inf.setInput(b, pos, comp);
        byte[] out = new byte[(int) raw];
        int n = 0;
        while (n < out.length && !inf.finished()) {
          int k = inf.inflate(out, n, out.length - n);
          if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
            break;
          }
          n += k;
        }
        if (n != raw || !inf.finished() || inf.getRemaining() != 0) {
          throw fail("the compressed text does not decompress to its declared " + raw + " bytes");
        }
        pos = end;
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(out))
            .toString();
      } catch (DataFormatException | CharacterCodingException e) {
        throw fail("the compressed text is corrupted: " + e.getMessage());
      } finally {
        inf.end();
      }
    }

    private void tensor(long blockBytes) {
      String name = name();
      where = "tensor " + name;
      int[] shape = shape();
      int n = (int) Tensor.count(shape);
      int encoding = u8();
      if (encoding == ENCODING_RAW_F32) {
        rawTensor(name, shape, n, blockBytes);
      } else if (encoding == ENCODING_SPARSE_SHARED) {
        sparseTensor(name, shape, n, blockBytes);
      } else {
        throw fail("unknown tensor encoding " + encoding);
      }
    }

    private String name() {
      int nameLen = u16();
      need(nameLen);
      String name = new String(b, pos, nameLen, StandardCharsets.UTF_8);
      pos += nameLen;
      return name;
    }

    /**
     * Rank and dimensions; the running product is checked after each dimension so that it cannot
     * overflow.
     */
    private int[] shape() {
      int rank = u8();
      if (rank < 1 || rank > MAX_RANK) {
        throw fail("rank must be between 1 and " + MAX_RANK + ", cannot be: " + rank);
      }
      int[] shape = new int[rank];
      long count = 1;
      for (int i = 0; i < rank; i++) {
        long d = u32();
        if (d < 1 || d > Integer.MAX_VALUE) {
          throw fail(
              "dimension "
                  + i
                  + " must be between 1 and "
                  + Integer.MAX_VALUE
                  + ", cannot be: "
                  + d);
        }
        shape[i] = (int) d;
        count *= d;
        if (count > Integer.MAX_VALUE - 8) {
          throw fail("the shape holds more than " + (Integer.MAX_VALUE - 8) + " values");
        }
      }
      return shape;
    }

    private void rawTensor(String name, int[] shape, int n, long blockBytes) {
      if ((long) n * 4 > end - pos) {
        throw fail(n + " float32 values need " + (4L * n) + " bytes, " + (end - pos) + " remain");
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = Float.intBitsToFloat(s32());
      }
      Tensor t = Tensor.raw(name, shape, v);
      tensors.add(t);
      stats.add(
          new TensorStats(
              name, Tensor.Encoding.RAW_F32, n, t.nonZero(), 0, 0, 32, 0, 0, 0, blockBytes));
    }

    private void sparseTensor(String name, int[] shape, int n, long blockBytes) {
      SparseHead h = sparseHead(n);
      Streams s = streams(n, h.gapBits());
      int[] assignment = new int[n];
      long fillers = decodeEntries(assignment, h, s);
      pos = end;
      Tensor t =
          new Tensor(
              name,
              shape,
              Tensor.Encoding.SPARSE_SHARED,
              null,
              h.codebook(),
              assignment,
              h.weightBits(),
              h.gapBits(),
              h.stride());
      // Stream lengths in bits are not stored; bytes * 8 is the cost on disk.
      stats.add(
          new TensorStats(
              name,
              Tensor.Encoding.SPARSE_SHARED,
              n,
              t.nonZero(),
              s.entries(),
              fillers,
              h.weightBits(),
              h.gapBits(),
              s.indexBytes() * 8,
              s.gapBytes() * 8,
              blockBytes));
      tensors.add(t);
    }

    /** What a sparse tensor stores before its streams. */
    private record SparseHead(
        int weightBits,
        int gapBits,
        int stride,
        float[] codebook,
        int[] indexLengths,
        int[] gapLengths) {}

    private SparseHead sparseHead(int n) {
      int weightBits = u8();
      int gapBits = u8();
      if (weightBits < 1
          || weightBits > Tensor.MAX_BITS
          || gapBits < 1
          || gapBits > Tensor.MAX_BITS) {
        throw fail(
            "weight and gap bits must be between 1 and "
                + Tensor.MAX_BITS
                + ", cannot be: "
                + weightBits
                + " and "
                + gapBits);
      }
      long stride = u32();
      if (stride < 1 || stride > n || n % stride != 0) {
        throw fail("the traversal stride must divide the " + n + " values, cannot be: " + stride);
      }
      int k = u16();
      if (k < 1 || k > (1 << weightBits)) {
        throw fail("codebook size must be between 1 and 2^" + weightBits + ", cannot be: " + k);
      }
      int span = 1 << gapBits;
      // The codebook, both code tables and the three stream sizes.
      need(4L * (k - 1) + k + span + 12);
      float[] codebook = new float[k];
      for (int c = 1; c < k; c++) {
        codebook[c] = Float.intBitsToFloat(s32());
      }
      int[] indexLengths = codeLengths(k);
      int[] gapLengths = codeLengths(span);
      return new SparseHead(weightBits, gapBits, (int) stride, codebook, indexLengths, gapLengths);
    }

    private int[] codeLengths(int symbols) {
      int[] lengths = new int[symbols];
      for (int c = 0; c < symbols; c++) {
        lengths[c] = u8();
      }
      return lengths;
    }

    /**
     * The entry count and the sizes of the gap and index streams, which fill the rest of the
     * payload.
     */
    private record Streams(long entries, long gapBytes, long indexBytes) {}

    private Streams streams(int n, int gapBits) {
      long entries = u32();
      long gapBytes = u32();
      long idxBytes = u32();
      if (gapBytes + idxBytes != end - pos) {
        throw fail(
            "stream sizes "
                + gapBytes
                + " + "
                + idxBytes
                + " do not match the "
                + (end - pos)
                + " bytes that remain");
      }
      if (entries > gapBytes * 8 || entries > idxBytes * 8) {
        throw fail(
            entries + " entries cannot fit streams of " + gapBytes + " and " + idxBytes + " bytes");
      }
      if (n > (entries + 1) * (1 << gapBits)) {
        throw fail(
            n
                + " values cannot be covered by "
                + entries
                + " entries with "
                + gapBits
                + "-bit gaps");
      }
      return new Streams(entries, gapBytes, idxBytes);
    }

    /**
     * Fills {@code assignment} from the two streams at {@code pos}; returns the filler entries
     * (index 0) read.
     */
    private long decodeEntries(int[] assignment, SparseHead h, Streams s) {
      String gaps = source + ": " + where + " gaps";
      String indices = source + ": " + where + " indices";
      Huffman.Decoder gd = new Huffman.Decoder(h.gapLengths(), gaps);
      Huffman.Decoder id = new Huffman.Decoder(h.indexLengths(), indices);
      BitReader gr = new BitReader(b, pos, (int) s.gapBytes(), gaps);
      BitReader ir = new BitReader(b, pos + (int) s.gapBytes(), (int) s.indexBytes(), indices);
      int n = assignment.length;
      int stride = h.stride();
      long entries = s.entries();
      long p = -1;
      long fillers = 0;
      for (long e = 0; e < entries; e++) {
        p += gd.decode(gr, gaps) + 1;
        int index = id.decode(ir, indices);
        if (p >= n) {
          throw fail(
              "entry "
                  + e
                  + " lies at position "
                  + p
                  + ", past the "
                  + n
                  + " values of the tensor");
        }
        if (index == 0) {
          fillers++;
        }
        assignment[Tensor.position(p, n, stride)] = index;
      }
      return fillers;
    }

    private void need(long n) {
      if (n > end - pos) {
        throw fail("needs " + n + " more bytes, " + (end - pos) + " remain");
      }
    }

    private int u8() {
      need(1);
      return b[pos++] & 0xff;
    }

    private int u16() {
      need(2);
      int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    private int s32() {
      int v = s32At(pos);
      pos += 4;
      return v;
    }

    private long u32() {
      need(4);
      return s32() & 0xffffffffL;
    }

    private long u32At(int p) {
      return s32At(p) & 0xffffffffL;
    }

    private int s32At(int p) {
      return ((b[p] & 0xff) << 24)
          | ((b[p + 1] & 0xff) << 16)
          | ((b[p + 2] & 0xff) << 8)
          | (b[p + 3] & 0xff);
    }

    private ModelFileException fail(String what) {
      return new ModelFileException(source + ": " + where + ": " + what);
    }
  }
}

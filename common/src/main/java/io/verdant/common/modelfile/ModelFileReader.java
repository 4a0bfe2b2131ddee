package io.verdant.common.modelfile;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes model files of every version this code knows (dispatch on the version field). Every size read from
 * the file is checked against the bytes that remain before anything is allocated; any defect (truncation, a
 * CRC mismatch, an unknown version, sizes that do not fit) is a {@link ModelFileException} naming the file.
 */
public final class ModelFileReader {
  /** Header: magic 8, version 2, file length 4, block count 4. Trailer: file CRC 4. */
  static final int HEADER = 18;
  static final int MAX_TEXT_BYTES = 64 << 20;
  static final int MAX_RANK = 8;

  private ModelFileReader() {}

  /** The decoded model and the cost of each tensor. */
  public record Decoded(ModelFile model, List<TensorStats> stats) {}

  public static Decoded decode(byte[] bytes, String source) {
    if (bytes.length < HEADER + 4) {
      throw new ModelFileException(source + ": not a Verdant model file: " + bytes.length + " bytes, a model file has at least "
          + (HEADER + 4));
    }
    for (int i = 0; i < ModelFile.MAGIC.length; i++) {
      if (bytes[i] != ModelFile.MAGIC[i]) {
        throw new ModelFileException(source + ": not a Verdant model file (its first bytes are not the model file magic)");
      }
    }
    int version = ((bytes[8] & 0xff) << 8) | (bytes[9] & 0xff);
    switch (version) {
      case 1:
        return new V1(bytes, source).read();
      default:
        throw new ModelFileException(source + ": unknown model file format version " + version + "; this Verdant reads versions 1 to "
            + ModelFile.CURRENT_VERSION + " (a newer Verdant wrote it?)");
    }
  }

  /** Format version 1. */
  private static final class V1 {
    private final byte[] b;
    private final String source;
    private int pos;
    private int end;
    private String where = "header";

    V1(byte[] b, String source) {
      this.b = b;
      this.source = source;
    }

    Decoded read() {
      pos = 10;
      end = b.length;
      long declared = u32();
      if (declared != b.length) {
        throw fail(declared > b.length
            ? "truncated: the header declares " + declared + " bytes, the file has " + b.length
            : "the header declares " + declared + " bytes, the file has " + b.length + " (trailing bytes or a corrupted header)");
      }
      CRC32 crc = new CRC32();
      crc.update(b, 0, b.length - 4);
      long stored = ((long) (b[b.length - 4] & 0xff) << 24) | ((b[b.length - 3] & 0xff) << 16) | ((b[b.length - 2] & 0xff) << 8)
          | (b[b.length - 1] & 0xff);
      if (crc.getValue() != stored) {
        throw fail(String.format("file CRC32 mismatch (stored %08x, computed %08x): the file is corrupted", stored, crc.getValue()));
      }
      end = b.length - 4;
      long blocks = u32();
      // Every block takes at least 9 bytes (type, length, CRC).
      if (blocks < 2 || blocks > (end - pos) / 9) {
        throw fail("block count " + blocks + " does not fit the " + (end - pos) + " bytes that remain");
      }
      String meta = null;
      String conf = null;
      List<Tensor> tensors = new ArrayList<>();
      List<TensorStats> stats = new ArrayList<>();
      for (long i = 0; i < blocks; i++) {
        where = "block " + i;
        int start = pos;
        need(5);
        int type = b[pos++] & 0xff;
        long len = u32();
        if (len > end - pos - 4) {
          throw fail("block length " + len + " does not fit the " + Math.max(0, end - pos - 4) + " bytes that remain");
        }
        CRC32 bc = new CRC32();
        bc.update(b, start, 5 + (int) len);
        int payloadEnd = pos + (int) len;
        int save = end;
        end = payloadEnd;
        long blockCrc;
        {
          int p = payloadEnd;
          blockCrc = ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
        }
        if (bc.getValue() != blockCrc) {
          throw fail(String.format("block CRC32 mismatch (stored %08x, computed %08x): the block is corrupted", blockCrc, bc.getValue()));
        }
        switch (type) {
          case ModelFile.BLOCK_METADATA:
            if (meta != null) {
              throw fail("a second metadata block");
            }
            meta = inflate();
            break;
          case ModelFile.BLOCK_CONFIG:
            if (conf != null) {
              throw fail("a second configuration block");
            }
            conf = inflate();
            break;
          case ModelFile.BLOCK_TENSOR:
            tensor(tensors, stats, 5 + len + 4);
            break;
          default:
            throw fail("unknown block type " + type);
        }
        if (pos != payloadEnd) {
          throw fail((payloadEnd - pos) + " bytes left over inside the block");
        }
        end = save;
        pos = payloadEnd + 4;
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
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(out)).toString();
      } catch (DataFormatException | CharacterCodingException e) {
        throw fail("the compressed text is corrupted: " + e.getMessage());
      } finally {
        inf.end();
      }
    }

    private void tensor(List<Tensor> tensors, List<TensorStats> stats, long blockBytes) {
      int nameLen = u16();
      need(nameLen);
      String name = new String(b, pos, nameLen, StandardCharsets.UTF_8);
      pos += nameLen;
      where = "tensor " + name;
      int rank = u8();
      if (rank < 1 || rank > MAX_RANK) {
        throw fail("rank must be between 1 and " + MAX_RANK + ", cannot be: " + rank);
      }
      int[] shape = new int[rank];
      long count = 1;
      for (int i = 0; i < rank; i++) {
        long d = u32();
        if (d < 1 || d > Integer.MAX_VALUE) {
          throw fail("dimension " + i + " must be between 1 and " + Integer.MAX_VALUE + ", cannot be: " + d);
        }
        shape[i] = (int) d;
        count *= d;
        if (count > Integer.MAX_VALUE - 8) {
          throw fail("the shape holds more than " + (Integer.MAX_VALUE - 8) + " values");
        }
      }
      int n = (int) count;
      int enc = u8();
      if (enc == 0) {
        if ((long) n * 4 > end - pos) {
          throw fail(n + " float32 values need " + (4L * n) + " bytes, " + (end - pos) + " remain");
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = Float.intBitsToFloat(s32());
        }
        Tensor t = Tensor.raw(name, shape, v);
        tensors.add(t);
        stats.add(new TensorStats(name, Tensor.Encoding.RAW_F32, n, t.nonZero(), 0, 0, 32, 0, 0, 0, blockBytes));
        return;
      }
      if (enc != 1) {
        throw fail("unknown tensor encoding " + enc);
      }
      int weightBits = u8();
      int gapBits = u8();
      if (weightBits < 1 || weightBits > Tensor.MAX_BITS || gapBits < 1 || gapBits > Tensor.MAX_BITS) {
        throw fail("weight and gap bits must be between 1 and " + Tensor.MAX_BITS + ", cannot be: " + weightBits + " and " + gapBits);
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
      need(4L * (k - 1) + k + span + 12);
      float[] codebook = new float[k];
      for (int c = 1; c < k; c++) {
        codebook[c] = Float.intBitsToFloat(s32());
      }
      int[] idxLen = new int[k];
      for (int c = 0; c < k; c++) {
        idxLen[c] = u8();
      }
      int[] gapLen = new int[span];
      for (int c = 0; c < span; c++) {
        gapLen[c] = u8();
      }
      long entries = u32();
      long gapBytes = u32();
      long idxBytes = u32();
      if (gapBytes + idxBytes != end - pos) {
        throw fail("stream sizes " + gapBytes + " + " + idxBytes + " do not match the " + (end - pos) + " bytes that remain");
      }
      if (entries > gapBytes * 8 || entries > idxBytes * 8) {
        throw fail(entries + " entries cannot fit streams of " + gapBytes + " and " + idxBytes + " bytes");
      }
      if (count > (entries + 1) * span) {
        throw fail(count + " values cannot be covered by " + entries + " entries with " + gapBits + "-bit gaps");
      }
      Huffman.Decoder gd = new Huffman.Decoder(gapLen, source + ": " + where + " gaps");
      Huffman.Decoder id = new Huffman.Decoder(idxLen, source + ": " + where + " indices");
      BitReader gr = new BitReader(b, pos, (int) gapBytes, source + ": " + where + " gaps");
      BitReader ir = new BitReader(b, pos + (int) gapBytes, (int) idxBytes, source + ": " + where + " indices");
      int[] assignment = new int[n];
      long p = -1;
      long fillers = 0;
      for (long e = 0; e < entries; e++) {
        p += gd.decode(gr, source + ": " + where + " gaps") + 1;
        int s = id.decode(ir, source + ": " + where + " indices");
        if (p >= n) {
          throw fail("entry " + e + " lies at position " + p + ", past the " + n + " values of the tensor");
        }
        if (s == 0) {
          fillers++;
        }
        assignment[Tensor.position(p, n, (int) stride)] = s;
      }
      pos = end;
      Tensor t = new Tensor(name, shape, Tensor.Encoding.SPARSE_SHARED, null, codebook, assignment, weightBits, gapBits, (int) stride);
      // Stream lengths in bits are not stored; bytes * 8 is the cost on disk.
      stats.add(new TensorStats(name, Tensor.Encoding.SPARSE_SHARED, n, t.nonZero(), entries, fillers, weightBits, gapBits,
          idxBytes * 8, gapBytes * 8, blockBytes));
      tensors.add(t);
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
      int v = ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
      pos += 4;
      return v;
    }

    private long u32() {
      need(4);
      return s32() & 0xffffffffL;
    }

    private ModelFileException fail(String what) {
      return new ModelFileException(source + ": " + where + ": " + what);
    }
  }
}

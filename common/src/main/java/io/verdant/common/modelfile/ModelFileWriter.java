package io.verdant.common.modelfile;

import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_CONFIG;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_METADATA;
import static io.verdant.common.modelfile.ModelFileFormat.BLOCK_TENSOR;
import static io.verdant.common.modelfile.ModelFileFormat.ENCODING_RAW_F32;
import static io.verdant.common.modelfile.ModelFileFormat.ENCODING_SPARSE_SHARED;
import static io.verdant.common.modelfile.ModelFileFormat.LENGTH_OFFSET;
import static io.verdant.common.modelfile.ModelFileFormat.MAGIC;
import static io.verdant.common.modelfile.ModelFileFormat.MIN_BLOCKS;
import static io.verdant.common.modelfile.ModelFileFormat.TRAILER;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Encodes a {@link ModelFile} in the current format version (docs/model-format.md). */
public final class ModelFileWriter {
  private ModelFileWriter() {}

  /** The file's bytes and what each tensor cost. */
  public record Encoded(
      byte[] bytes, List<TensorStats> stats, long metadataBytes, long configBytes) {}

  public static Encoded encode(ModelFile model) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(body);
      out.write(MAGIC);
      out.writeShort(ModelFile.CURRENT_VERSION);
      out.writeInt(0); // file length, set by sealed()
      out.writeInt(MIN_BLOCKS + model.tensors().size());
      long metaBytes = block(out, BLOCK_METADATA, deflated(model.metadataJson()));
      long confBytes = block(out, BLOCK_CONFIG, deflated(model.configJson()));
      List<TensorStats> stats = new ArrayList<>();
      for (Tensor t : model.tensors()) {
        stats.add(tensorBlock(out, t));
      }
      out.flush();
      return new Encoded(sealed(body.toByteArray()), List.copyOf(stats), metaBytes, confBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body with its file length set and the file CRC32 appended. */
  private static byte[] sealed(byte[] body) {
    int total = body.length + TRAILER;
    byte[] file = Arrays.copyOf(body, total);
    putInt(file, LENGTH_OFFSET, total);
    CRC32 crc = new CRC32();
    crc.update(file, 0, body.length);
    putInt(file, body.length, (int) crc.getValue());
    return file;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** type u8, length u32, payload, CRC32 of type, length and payload; returns the bytes written. */
  private static long block(DataOutputStream out, int type, byte[] payload) throws IOException {
    ByteArrayOutputStream hb = new ByteArrayOutputStream(ModelFileFormat.BLOCK_HEAD);
    DataOutputStream h = new DataOutputStream(hb);
    h.writeByte(type);
    h.writeInt(payload.length);
    h.flush();
    byte[] head = hb.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(head);
    crc.update(payload);
    out.write(head);
    out.write(payload);
    out.writeInt((int) crc.getValue());
    return head.length + payload.length + (long) ModelFileFormat.BLOCK_CRC;
  }

  private static byte[] deflated(String text) throws IOException {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
    d.setInput(raw);
    d.finish();
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(bo);
    o.writeInt(raw.length);
    byte[] buf = new byte[8192];
    while (!d.finished()) {
      int n = d.deflate(buf);
      o.write(buf, 0, n);
    }
    d.end();
    o.flush();
    return bo.toByteArray();
  }

  /** Writes a tensor block; returns what it cost. */
  private static TensorStats tensorBlock(DataOutputStream out, Tensor t) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DataOutputStream p = new DataOutputStream(payload);
    writeNameAndShape(p, t);
    if (t.encoding() == Tensor.Encoding.RAW_F32) {
      writeRaw(p, t);
      long size = block(out, BLOCK_TENSOR, payload.toByteArray());
      return new TensorStats(
          t.name(), t.encoding(), t.size(), t.nonZero(), 0, 0, 32, 0, 0, 0, size);
    }
    SparseEntries entries = SparseEntries.of(t);
    HuffmanStreams streams = entries.coded(t.codebook().length);
    writeSparse(p, t, entries.count, streams);
    long size = block(out, BLOCK_TENSOR, payload.toByteArray());
    return new TensorStats(
        t.name(),
        t.encoding(),
        t.size(),
        t.nonZero(),
        entries.count,
        entries.fillers,
        t.weightBits(),
        t.gapBits(),
        streams.indices().bitCount(),
        streams.gaps().bitCount(),
        size);
  }

  private static void writeNameAndShape(DataOutputStream out, Tensor t) throws IOException {
    byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
    out.writeShort(name.length);
    out.write(name);
    out.writeByte(t.shape().length);
    for (int d : t.shape()) {
      out.writeInt(d);
    }
  }

  private static void writeRaw(DataOutputStream out, Tensor t) throws IOException {
    out.writeByte(ENCODING_RAW_F32);
    for (float v : t.raw()) {
      out.writeInt(Float.floatToRawIntBits(v));
    }
  }

  /**
   * Bit widths, stride, codebook (entry 0 is implied), code lengths, then the entry count and both
   * streams.
   */
  private static void writeSparse(
      DataOutputStream out, Tensor t, int entries, HuffmanStreams streams) throws IOException {
    out.writeByte(ENCODING_SPARSE_SHARED);
    out.writeByte(t.weightBits());
    out.writeByte(t.gapBits());
    out.writeInt(t.stride());
    float[] codebook = t.codebook();
    out.writeShort(codebook.length);
    for (int c = 1; c < codebook.length; c++) {
      out.writeInt(Float.floatToRawIntBits(codebook[c]));
    }
    for (int l : streams.indexLengths()) {
      out.writeByte(l);
    }
    for (int l : streams.gapLengths()) {
      out.writeByte(l);
    }
    byte[] gaps = streams.gaps().toByteArray();
    byte[] indices = streams.indices().toByteArray();
    out.writeInt(entries);
    out.writeInt(gaps.length);
    out.writeInt(indices.length);
    out.write(gaps);
    out.write(indices);
  }

  /**
   * The Huffman code lengths of the gaps and of the codebook indices, and the two coded streams.
   */
  private record HuffmanStreams(
      int[] gapLengths, int[] indexLengths, BitWriter gaps, BitWriter indices) {}

  /**
   * The sparse entries of a tensor in traversal order, as parallel arrays of gaps and codebook
   * indices. Each entry advances the position by gap + 1; a gap that does not fit gapBits becomes
   * fillers (gap span - 1, codebook index 0), and fillers also cover trailing zeros so that the
   * decoder can bound the tensor size by (entries + 1) * span before it allocates.
   */
  private static final class SparseEntries {
    private final int span;
    private int[] gaps;
    private int[] indices;
    private int count;
    private long fillers;

    private SparseEntries(int span, int capacity) {
      this.span = span;
      this.gaps = new int[capacity];
      this.indices = new int[capacity];
    }

    static SparseEntries of(Tensor t) {
      int[] assignment = t.assignment();
      int n = assignment.length;
      int stride = t.stride();
      SparseEntries e = new SparseEntries(1 << t.gapBits(), Math.max(16, n / 4));
      int prev = -1;
      for (int q = 0; q < n; q++) {
        int index = assignment[Tensor.position(q, n, stride)];
        if (index == 0) {
          continue;
        }
        while (q - prev - 1 >= e.span) {
          e.addFiller();
          prev += e.span;
        }
        e.add(q - prev - 1, index);
        prev = q;
      }
      while ((long) n > ((long) e.count + 1) * e.span) {
        e.addFiller();
      }
      return e;
    }

    private void addFiller() {
      add(span - 1, 0);
      fillers++;
    }

    private void add(int gap, int index) {
      if (count == gaps.length) {
        gaps = Arrays.copyOf(gaps, count * 2);
        indices = Arrays.copyOf(indices, count * 2);
      }
      gaps[count] = gap;
      indices[count++] = index;
    }

    /** Canonical Huffman codes built from the entries' own gap and index frequencies. */
    HuffmanStreams coded(int codebookSize) {
      int[] gapLengths = Huffman.lengths(frequencies(gaps, span));
      int[] indexLengths = Huffman.lengths(frequencies(indices, codebookSize));
      return new HuffmanStreams(
          gapLengths, indexLengths, stream(gaps, gapLengths), stream(indices, indexLengths));
    }

    private long[] frequencies(int[] symbols, int alphabet) {
      long[] freq = new long[alphabet];
      for (int e = 0; e < count; e++) {
        freq[symbols[e]]++;
      }
      return freq;
    }

    private BitWriter stream(int[] symbols, int[] lengths) {
      int[] codes = Huffman.codes(lengths);
      BitWriter w = new BitWriter();
      for (int e = 0; e < count; e++) {
        w.write(codes[symbols[e]], lengths[symbols[e]]);
      }
      return w;
    }
  }
}

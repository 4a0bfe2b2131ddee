package io.verdant.common.modelfile;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Encodes a {@link ModelFile} in the current format version (docs/model-format.md). */
public final class ModelFileWriter {
  private ModelFileWriter() {}

  /** The file's bytes and what each tensor cost. */
  public record Encoded(byte[] bytes, List<TensorStats> stats, long metadataBytes, long configBytes) {}

  public static Encoded encode(ModelFile model) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(body);
      out.write(ModelFile.MAGIC);
      out.writeShort(ModelFile.CURRENT_VERSION);
      out.writeInt(0); // file length, patched below
      out.writeInt(2 + model.tensors().size());
      byte[] meta = deflated(model.metadataJson());
      byte[] conf = deflated(model.configJson());
      long metaBytes = block(out, ModelFile.BLOCK_METADATA, meta);
      long confBytes = block(out, ModelFile.BLOCK_CONFIG, conf);
      List<TensorStats> stats = new ArrayList<>();
      for (Tensor t : model.tensors()) {
        ByteArrayOutputStream tb = new ByteArrayOutputStream();
        long[] bits = tensor(new DataOutputStream(tb), t);
        long size = block(out, ModelFile.BLOCK_TENSOR, tb.toByteArray());
        if (t.encoding() == Tensor.Encoding.RAW_F32) {
          stats.add(new TensorStats(t.name(), t.encoding(), t.size(), t.nonZero(), 0, 0, 32, 0, 0, 0, size));
        } else {
          stats.add(new TensorStats(t.name(), t.encoding(), t.size(), t.nonZero(), bits[0], bits[1], t.weightBits(),
              t.gapBits(), bits[2], bits[3], size));
        }
      }
      out.flush();
      byte[] bytes = body.toByteArray();
      int total = bytes.length + 4;
      bytes[10] = (byte) (total >>> 24);
      bytes[11] = (byte) (total >>> 16);
      bytes[12] = (byte) (total >>> 8);
      bytes[13] = (byte) total;
      CRC32 crc = new CRC32();
      crc.update(bytes);
      ByteArrayOutputStream whole = new ByteArrayOutputStream(total);
      DataOutputStream w = new DataOutputStream(whole);
      w.write(bytes);
      w.writeInt((int) crc.getValue());
      w.flush();
      return new Encoded(whole.toByteArray(), List.copyOf(stats), metaBytes, confBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** type u8, length u32, payload, CRC32 of type, length and payload; returns the bytes written. */
  private static long block(DataOutputStream out, int type, byte[] payload) throws IOException {
    ByteArrayOutputStream hb = new ByteArrayOutputStream(5);
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
    return head.length + payload.length + 4L;
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

  /** Writes a tensor payload; for sparse tensors returns {entries, fillers, indexBits, gapBits}. */
  private static long[] tensor(DataOutputStream out, Tensor t) throws IOException {
    byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
    out.writeShort(name.length);
    out.write(name);
    out.writeByte(t.shape().length);
    for (int d : t.shape()) {
      out.writeInt(d);
    }
    if (t.encoding() == Tensor.Encoding.RAW_F32) {
      out.writeByte(0);
      for (float v : t.raw()) {
        out.writeInt(Float.floatToRawIntBits(v));
      }
      return new long[4];
    }
    out.writeByte(1);
    int n = t.assignment().length;
    int[] a = new int[n];
    for (int q = 0; q < n; q++) {
      a[q] = t.assignment()[Tensor.position(q, n, t.stride())];
    }
    int span = 1 << t.gapBits();
    // Sparse entries: each advances the position by gap + 1; a gap that does not fit gapBits becomes a filler
    // (gap span - 1, codebook index 0), and fillers also cover trailing zeros so that the decoder can bound
    // the tensor size by (entries + 1) * span before it allocates.
    int[] gaps = new int[Math.max(16, n / 4)];
    int[] idx = new int[gaps.length];
    int entries = 0;
    long fillers = 0;
    int prev = -1;
    for (int i = 0; i < n; i++) {
      if (a[i] == 0) {
        continue;
      }
      while (i - prev - 1 >= span) {
        if (entries == gaps.length) {
          gaps = java.util.Arrays.copyOf(gaps, entries * 2);
          idx = java.util.Arrays.copyOf(idx, entries * 2);
        }
        gaps[entries] = span - 1;
        idx[entries++] = 0;
        fillers++;
        prev += span;
      }
      if (entries == gaps.length) {
        gaps = java.util.Arrays.copyOf(gaps, entries * 2);
        idx = java.util.Arrays.copyOf(idx, entries * 2);
      }
      gaps[entries] = i - prev - 1;
      idx[entries++] = a[i];
      prev = i;
    }
    while ((long) n > ((long) entries + 1) * span) {
      if (entries == gaps.length) {
        gaps = java.util.Arrays.copyOf(gaps, entries * 2);
        idx = java.util.Arrays.copyOf(idx, entries * 2);
      }
      gaps[entries] = span - 1;
      idx[entries++] = 0;
      fillers++;
      prev += span;
    }
    long[] gapFreq = new long[span];
    long[] idxFreq = new long[t.codebook().length];
    for (int e = 0; e < entries; e++) {
      gapFreq[gaps[e]]++;
      idxFreq[idx[e]]++;
    }
    int[] gapLen = Huffman.lengths(gapFreq);
    int[] idxLen = Huffman.lengths(idxFreq);
    int[] gapCode = Huffman.codes(gapLen);
    int[] idxCode = Huffman.codes(idxLen);
    BitWriter gw = new BitWriter();
    BitWriter iw = new BitWriter();
    for (int e = 0; e < entries; e++) {
      gw.write(gapCode[gaps[e]], gapLen[gaps[e]]);
      iw.write(idxCode[idx[e]], idxLen[idx[e]]);
    }
    out.writeByte(t.weightBits());
    out.writeByte(t.gapBits());
    out.writeInt(t.stride());
    out.writeShort(t.codebook().length);
    for (int c = 1; c < t.codebook().length; c++) {
      out.writeInt(Float.floatToRawIntBits(t.codebook()[c]));
    }
    for (int l : idxLen) {
      out.writeByte(l);
    }
    for (int l : gapLen) {
      out.writeByte(l);
    }
    byte[] gs = gw.toByteArray();
    byte[] is = iw.toByteArray();
    out.writeInt(entries);
    out.writeInt(gs.length);
    out.writeInt(is.length);
    out.write(gs);
    out.write(is);
    return new long[] {entries, fillers, iw.bitCount(), gw.bitCount()};
  }
}

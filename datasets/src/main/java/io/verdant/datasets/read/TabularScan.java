package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;

/**
 * The two passes every tabular reader makes over one input (a text file's lines, a Parquet
 * dataset's rows), both on the executors. The scan parses every item, counts items and rows per
 * partition, keeps the first defect of each partition and the label statistics, and returns only
 * those small summaries to the driver, which turns partition-local positions into file line numbers
 * and fails with the first defect of the file. The records pass parses again, lazily, and numbers
 * rows densely from the scan's counts: row ids are the 0-based position of the row in the input
 * (plus a base), the same whatever the partitioning.
 */
final class TabularScan {
  private TabularScan() {}

  /**
   * One parsed row: dense features, or sparse (1-based indices with values), the label token (null
   * when the input has no labels) and the key column's value (null when there is none).
   */
  record Parsed(float[] dense, int[] indices, float[] values, String label, Object key) {
    Parsed(float[] dense, int[] indices, float[] values, String label) {
      this(dense, indices, values, label, null);
    }
  }

  /** Makes the record of one row from its dense features and what was parsed. */
  interface RowMaker<R> extends Serializable {
    R make(long rowId, float[] features, Parsed parsed);
  }

  /**
   * Parses one item; returns null for items that are not rows (a header, blank lines, comments).
   * Item 0 of partition 0 is the input's first item.
   */
  interface Parser<T> extends Serializable {
    Parsed parse(T item, boolean firstOfInput) throws RowDefect;

    /** Where the label is, for messages: its 1-based column (0 when not fixed) and name. */
    int labelColumn();

    String labelColumnName();
  }

  /** What the scan of one partition found. */
  static final class Part implements Serializable {
    int partition;
    long items;
    long rows;
    long defectAt = -1;
    int defectColumn;
    String defectColumnName;
    String defect;
    int maxIndex;
    final LabelStats labels = new LabelStats();

    /** Scans partition {@code p}'s items, on an executor. */
    static <T> Part scan(int p, Iterator<T> it, Parser<T> parser) {
      Part part = new Part();
      part.partition = p;
      for (long i = 0; it.hasNext(); i++) {
        T item = it.next();
        part.items++;
        if (part.defectAt >= 0) {
          continue;
        }
        try {
          Parsed r = parser.parse(item, p == 0 && i == 0);
          if (r != null) {
            part.add(r, i, parser);
          }
        } catch (RowDefect d) {
          part.defectAt = i;
          part.defect = d.getMessage();
          part.defectColumn = d.column;
          part.defectColumnName = d.columnName;
        }
      }
      return part;
    }

    /** Counts a row, item {@code i} of the partition. */
    private void add(Parsed r, long i, Parser<?> parser) throws RowDefect {
      if (r.label() != null) {
        labels.add(r.label(), i, parser.labelColumn(), parser.labelColumnName());
      }
      if (r.indices() != null && r.indices().length > 0) {
        maxIndex = Math.max(maxIndex, r.indices()[r.indices().length - 1]);
      }
      rows++;
    }
  }

  /** The scan of a whole input, with the partition offsets the records pass needs. */
  record Result(
      String file,
      String unit,
      long[] itemOffsets,
      long[] rowOffsets,
      long items,
      long rows,
      int maxIndex,
      LabelStats labels,
      String firstNonNumericLabel) {}

  static <T> Result scan(JavaRDD<T> input, Parser<T> parser, String file, String unit) {
    List<Part> parts =
        new ArrayList<>(
            input
                .mapPartitionsWithIndex(
                    (p, it) -> List.of(Part.scan(p, it, parser)).iterator(), true)
                .collect());
    parts.sort((a, b) -> Integer.compare(a.partition, b.partition));
    long[] itemOffsets = new long[parts.size()];
    long[] rowOffsets = new long[parts.size()];
    long items = 0;
    long rows = 0;
    int maxIndex = 0;
    LabelStats labels = new LabelStats();
    String firstNonNumeric = null;
    for (int p = 0; p < parts.size(); p++) {
      Part part = parts.get(p);
      itemOffsets[p] = items;
      rowOffsets[p] = rows;
      if (part.defectAt >= 0) {
        throw new VerdantException(
            new RowDefect(part.defectColumn, part.defectColumnName, part.defect)
                .describe(file, unit, items + part.defectAt + 1));
      }
      if (firstNonNumeric == null && part.labels.firstNonNumericAt >= 0) {
        firstNonNumeric =
            RowDefect.where(
                file,
                unit,
                items + part.labels.firstNonNumericAt + 1,
                parser.labelColumn(),
                parser.labelColumnName());
        labels.firstNonNumeric = part.labels.firstNonNumeric;
      }
      items += part.items;
      rows += part.rows;
      maxIndex = Math.max(maxIndex, part.maxIndex);
      labels.merge(part.labels);
    }
    return new Result(
        file, unit, itemOffsets, rowOffsets, items, rows, maxIndex, labels, firstNonNumeric);
  }

  /** The rows as labeled records for ingest (see {@link #rows}). */
  static <T> JavaRDD<LabeledRecord> records(
      JavaRDD<T> items,
      Parser<T> parser,
      Result scan,
      long rowBase,
      int numFeatures,
      LabelCoder coder) {
    return rows(
        items,
        parser,
        scan,
        rowBase,
        numFeatures,
        (id, f, r) -> new LabeledRecord(id, f, coder.code(r.label())));
  }

  /** The row's features as a dense array of {@code numFeatures}. */
  private static float[] dense(Parsed r, int numFeatures) {
    if (r.dense() != null) {
      return r.dense();
    }
    float[] f = new float[numFeatures];
    int[] idx = r.indices();
    float[] v = r.values();
    for (int k = 0; k < idx.length; k++) {
      f[idx[k] - 1] = v[k];
    }
    return f;
  }

  /**
   * The rows, parsed lazily on the executors and made by {@code maker}. Sparse rows become dense
   * arrays of {@code numFeatures}; row ids are {@code rowBase} plus the row's position in the
   * input.
   */
  static <T, R> JavaRDD<R> rows(
      JavaRDD<T> items,
      Parser<T> parser,
      Result scan,
      long rowBase,
      int numFeatures,
      RowMaker<R> maker) {
    long[] rowOffsets = scan.rowOffsets();
    long[] itemOffsets = scan.itemOffsets();
    String file = scan.file();
    String unit = scan.unit();
    return items.mapPartitionsWithIndex(
        (p, it) ->
            new Iterator<R>() {
              private long item = -1;
              private long row = 0;
              private R next;

              @Override
              public boolean hasNext() {
                while (next == null && it.hasNext()) {
                  T x = it.next();
                  item++;
                  Parsed r;
                  try {
                    r = parser.parse(x, p == 0 && item == 0);
                  } catch (RowDefect d) {
                    // The scan accepted this input; a defect now means the input changed while it
                    // was read.
                    throw new VerdantException(
                        d.describe(file, unit, itemOffsets[p] + item + 1)
                            + " (the input changed while it was read)");
                  }
                  if (r == null) {
                    continue;
                  }
                  next = maker.make(rowBase + rowOffsets[p] + row, dense(r, numFeatures), r);
                  row++;
                }
                return next != null;
              }

              @Override
              public R next() {
                if (!hasNext()) {
                  throw new NoSuchElementException();
                }
                R r = next;
                next = null;
                return r;
              }
            },
        true);
  }
}

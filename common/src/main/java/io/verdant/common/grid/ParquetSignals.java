package io.verdant.common.grid;

import io.verdant.common.VerdantException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * The signal columns in Parquet: one file, or a directory of part files (hidden and {@code _} files
 * skipped, as Spark writes them). Times may be Parquet timestamps (millis, micros, nanos, or
 * Spark's INT96), strings as in the CSV, or int64 epoch seconds; {@code duration} a string as in
 * the CSV or integer seconds.
 */
final class ParquetSignals implements SignalFormat {
  private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;

  @Override
  public List<SignalRow> read(FileSystem fs, Path path, Source source) throws IOException {
    String label = source.label();
    List<SignalRow> rows = new ArrayList<>();
    for (FileStatus f : files(fs, path)) {
      String file =
          label
              + (f.getPath().equals(fs.makeQualified(path))
                  ? ""
                  : " file " + f.getPath().getName());
      try (ParquetReader<Group> r =
          ParquetReader.builder(new GroupReadSupport(), f.getPath())
              .withConf(fs.getConf())
              .build()) {
        Group g;
        int n = 0;
        while ((g = r.read()) != null) {
          n++;
          if (n == 1) {
            SignalColumns.check(
                g.getType().getFields().stream().map(t -> t.getName()).toList(), file);
          }
          rows.add(row(g, file + " row " + n));
        }
      }
    }
    return rows;
  }

  private static List<FileStatus> files(FileSystem fs, Path path) throws IOException {
    FileStatus st = fs.getFileStatus(path);
    if (!st.isDirectory()) {
      return List.of(st);
    }
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus f : fs.listStatus(path)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(f);
      }
    }
    return out;
  }

  private static SignalRow row(Group g, String where) {
    Signal signal = Signal.parse(string(g, SignalColumns.SIGNAL, where), where);
    Long from = time(g, SignalColumns.VALID_FROM, where);
    if (from == null) {
      throw VerdantException.of("%s: valid_from must not be empty", where);
    }
    return SignalRow.checked(
        where,
        string(g, SignalColumns.ZONE, where),
        signal,
        string(g, SignalColumns.CURRENCY, where),
        from,
        time(g, SignalColumns.VALID_TO, where),
        duration(g, where),
        value(g, where),
        time(g, SignalColumns.ISSUED_AT, where));
  }

  private static boolean present(Group g, String col) {
    return g.getType().containsField(col) && g.getFieldRepetitionCount(col) > 0;
  }

  private static PrimitiveType type(Group g, String col, String where) {
    GroupType t = g.getType();
    if (!t.getType(col).isPrimitive()) {
      throw VerdantException.of(
          "%s: column %s must be a primitive column, cannot be: %s", where, col, t.getType(col));
    }
    return t.getType(col).asPrimitiveType();
  }

  private static String string(Group g, String col, String where) {
    if (!present(g, col)) {
      return null;
    }
    if (type(g, col, where).getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY) {
      throw VerdantException.of(
          "%s: column %s must be a string, cannot be: %s", where, col, type(g, col, where));
    }
    return g.getString(col, 0);
  }

  private static Long time(Group g, String col, String where) {
    if (!present(g, col)) {
      return null;
    }
    PrimitiveType t = type(g, col, where);
    switch (t.getPrimitiveTypeName()) {
      case INT64:
        LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
        long v = g.getLong(col, 0);
        if (a instanceof TimestampLogicalTypeAnnotation ts) {
          return switch (ts.getUnit()) {
            case MILLIS -> v;
            case MICROS -> Math.floorDiv(v, 1_000L);
            case NANOS -> Math.floorDiv(v, 1_000_000L);
          };
        }
        return v * 1000;
      case INT96:
        ByteBuffer b =
            ByteBuffer.wrap(g.getInt96(col, 0).getBytes()).order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = b.getLong();
        return (b.getInt() - JULIAN_DAY_OF_EPOCH) * 86_400_000L + nanosOfDay / 1_000_000L;
      case BINARY:
        return SignalCsv.time(g.getString(col, 0), col, where);
      default:
        throw VerdantException.of(
            "%s: column %s must be a timestamp, a string or int64 epoch seconds, cannot be: %s",
            where, col, t);
    }
  }

  private static Long duration(Group g, String where) {
    String col = SignalColumns.DURATION;
    if (!present(g, col)) {
      return null;
    }
    PrimitiveType t = type(g, col, where);
    return switch (t.getPrimitiveTypeName()) {
      case INT32 -> g.getInteger(col, 0) * 1000L;
      case INT64 -> g.getLong(col, 0) * 1000L;
      case BINARY -> SignalCsv.duration(g.getString(col, 0), where);
      default ->
          throw VerdantException.of(
              "%s: column duration must be a string or integer seconds, cannot be: %s", where, t);
    };
  }

  private static double value(Group g, String where) {
    String col = SignalColumns.VALUE;
    if (!present(g, col)) {
      throw VerdantException.of("%s: value must not be empty", where);
    }
    PrimitiveType t = type(g, col, where);
    return switch (t.getPrimitiveTypeName()) {
      case DOUBLE -> g.getDouble(col, 0);
      case FLOAT -> g.getFloat(col, 0);
      case INT32 -> g.getInteger(col, 0);
      case INT64 -> g.getLong(col, 0);
      default ->
          throw VerdantException.of(
              "%s: column value must be a double, float or integer, cannot be: %s", where, t);
    };
  }
}

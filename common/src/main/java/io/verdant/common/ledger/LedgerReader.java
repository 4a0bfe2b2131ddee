package io.verdant.common.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ledger without Spark (for {@code verdant ledger show}): the visible Parquet files of a
 * table, as Parquet example {@link Group}s. Hidden files (temporaries, crashed writes) are skipped
 * as Spark skips them.
 */
public final class LedgerReader {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerReader.class);

  private final String given;
  private final Path root;
  private final Configuration conf;

  public LedgerReader(String root, Configuration conf) {
    this.given = root;
    this.root = new Path(root);
    this.conf = conf;
  }

  /** The ledger's root as given. */
  public String root() {
    return given;
  }

  /**
   * Fails unless the ledger's root exists: a mistyped path is an error, while an existing ledger
   * without runs is just empty.
   */
  public void requireRoot() {
    try {
      if (!root.getFileSystem(conf).exists(root)) {
        throw VerdantException.of(
            "No ledger at %s: the path does not exist (give the ledger's root with --ledger or $VERDANT_LEDGER)",
            root);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the ledger at " + root, e);
    }
  }

  /** Every row of a table, or of one run (all its segments) when {@code runId} is given. */
  public <T> List<T> read(String table, String runId, Function<Group, T> map) {
    String file =
        runId == null
            ? "part-*.parquet"
            : "part-" + runId + "{," + LedgerWriter.SEGMENT + "*}.parquet";
    List<T> out = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      FileStatus[] files = fs.globStatus(new Path(new Path(root, table), "date=*/" + file));
      if (files == null) {
        return out;
      }
      for (FileStatus f : files) {
        try (ParquetReader<Group> r =
            ParquetReader.builder(new GroupReadSupport(), f.getPath()).withConf(conf).build()) {
          Group g;
          while ((g = r.read()) != null) {
            out.add(map.apply(g));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the ledger's " + table + " table under " + root, e);
    }
    return out;
  }

  /**
   * A JSON object of strings as the ledger records options and attributes ({@code options_json},
   * {@code attributes_json}); empty when the field is null or (with a warning) not such an object.
   */
  public static Map<String, String> stringMap(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      LOG.warn("A ledger field is not a JSON object of strings, skipped: {}", e.getMessage());
      return Map.of();
    }
  }

  public static String string(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
  }

  public static double dbl(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? 0.0 : g.getDouble(field, 0);
  }

  public static long lng(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? 0L : g.getLong(field, 0);
  }

  /** The elements of a LIST column of strings. */
  public static List<String> list(Group g, String field) {
    List<String> out = new ArrayList<>();
    if (g.getFieldRepetitionCount(field) == 0) {
      return out;
    }
    Group l = g.getGroup(field, 0);
    GroupType t = l.getType();
    for (int i = 0; i < l.getFieldRepetitionCount(t.getFieldName(0)); i++) {
      out.add(string(l.getGroup(0, i), "element"));
    }
    return out;
  }

  /** The entries of a MAP column string to int64, in file order. */
  public static java.util.Map<String, Long> longMap(Group g, String field) {
    java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
    if (g.getFieldRepetitionCount(field) == 0) {
      return out;
    }
    Group m = g.getGroup(field, 0);
    for (int i = 0; i < m.getFieldRepetitionCount("key_value"); i++) {
      Group kv = m.getGroup("key_value", i);
      out.put(kv.getString("key", 0), lng(kv, "value"));
    }
    return out;
  }
}

package io.verdant.datasets.table;

import io.verdant.common.Checksums;
import io.verdant.common.Json;
import io.verdant.common.JsonRecord;
import io.verdant.common.VerdantException;
import io.verdant.datasets.read.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The JSON manifest beside a feature table (docs/feature-table.md documents every field). Readers
 * accept any manifest with {@code schemaVersion <= CURRENT_SCHEMA_VERSION} and ignore fields they
 * do not know.
 */
@JsonRecord
public record Manifest(
    int schemaVersion,
    String dataset,
    String runId,
    String createdAt,
    String verdantVersion,
    String sparkVersion,
    String format,
    String task,
    int featureCount,
    List<String> featureNames,
    List<Integer> shape,
    int numClasses,
    List<String> classNames,
    String featuresType,
    String labelType,
    String table,
    List<String> partitionedBy,
    long seed,
    double validationFraction,
    String testSource,
    Double testFraction,
    Normalization normalization,
    Map<String, SplitStats> splits,
    List<SourceFile> sources) {

  public static final int CURRENT_SCHEMA_VERSION = 1;

  /**
   * How features were normalized: {@code scale} (divided by {@code divisor}) or {@code
   * standardize}.
   */
  @JsonRecord
  public record Normalization(
      String method, Double divisor, List<Double> mean, List<Double> std, String statisticsFrom) {}

  /** Rows of one split, and per class (classification) the count of rows. */
  @JsonRecord
  public record SplitStats(long rows, Map<String, Long> classCounts) {}

  public boolean classification() {
    return "classification".equals(task);
  }

  public long rows(String split) {
    SplitStats s = splits == null ? null : splits.get(split);
    return s == null ? 0 : s.rows();
  }

  public void write(FileSystem fs, Path file) {
    try (OutputStream out = fs.create(file, true)) {
      Json.MAPPER.writeValue(out, this);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /**
   * Reads the manifest of a table directory, with its SHA-256 (which models record to name their
   * data).
   */
  public static Loaded read(String tableDir, Configuration conf) {
    Path file = new Path(tableDir, FeatureTable.MANIFEST);
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        throw VerdantException.of(
            "%s is not a Verdant feature table: %s is missing (write one with `verdant ingest`)",
            tableDir, FeatureTable.MANIFEST);
      }
      byte[] bytes;
      try (InputStream in = fs.open(file)) {
        bytes = in.readAllBytes();
      }
      Manifest m;
      try {
        m = Json.MAPPER.readValue(bytes, Manifest.class);
      } catch (IOException e) {
        throw VerdantException.of("%s: not a valid manifest: %s", file, e.getMessage());
      }
      if (m.schemaVersion() < 1 || m.schemaVersion() > CURRENT_SCHEMA_VERSION) {
        throw VerdantException.of(
            "%s: manifest schema version must be between 1 and %d, cannot be: %d",
            file, CURRENT_SCHEMA_VERSION, m.schemaVersion());
      }
      return new Loaded(
          m, Checksums.sha256(bytes), fs.makeQualified(new Path(tableDir, m.table())).toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** A manifest as read, its checksum, and the qualified path of its Parquet table. */
  public record Loaded(Manifest manifest, String sha256, String tablePath) {}
}

package io.verdant.common.ledger;

import io.verdant.common.energy.EnergyRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one run's rows into the ledger: one Parquet file per table, {@code
 * <root>/<table>/date=<YYYY-MM-DD>/ part-<runId>.parquet}, the date being the run's start (UTC).
 * Each file is written under a hidden name ({@code .part-<runId>.parquet.<uuid>.tmp}, which Spark
 * and Parquet readers skip) and renamed into place when complete. Runs with different ids never
 * touch each other's files, so concurrent runs cannot lose or corrupt rows; a rerun with the same
 * id replaces exactly that run's files (in whatever date partition they were); a crash leaves only
 * hidden files. The {@code runs} file is written last, so a run's row appears only once its energy
 * and utilization rows are in place. A run paused for the grid writes its rows as a segment, {@code
 * part-<runId>.seg-<start ms>.parquet}, which the run's later segments (same id) leave in place.
 */
public final class LedgerWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
  public static final String META_SCHEMA_VERSION = "verdant.ledger.schema.version";
  public static final String META_TABLE = "verdant.ledger.table";

  private final Path root;
  private final Configuration conf;

  public LedgerWriter(String root, Configuration conf) {
    this.root = new Path(root);
    this.conf = conf;
  }

  public static String date(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC).toLocalDate().toString();
  }

  public static String fileName(String runId) {
    return "part-" + runId + ".parquet";
  }

  /**
   * The file id of one segment of a run paused for the grid, {@code <runId>.seg-<start ms>}: never
   * replaced by the run's later segments, which add to it.
   */
  public static String segmentId(String runId, long startMs) {
    return runId + SEGMENT + startMs;
  }

  static final String SEGMENT = ".seg-";

  /**
   * Writes (or replaces) one run's rows in all three tables. The utilization and energy files are
   * written at the same time (each on its own thread); the runs file is written after both are in
   * place.
   */
  public void write(RunRow run, List<EnergyRow> energy, List<TaskRow> tasks) {
    write(run, energy, tasks, run.runId());
  }

  /**
   * As {@link #write(RunRow, List, List)}, under the file id {@code fileId}: the run id, or a
   * {@link #segmentId} for a paused segment (a rerun of the run id replaces only the files of the
   * same id).
   */
  public void write(RunRow run, List<EnergyRow> energy, List<TaskRow> tasks, String fileId) {
    String date = date(run.startMs());
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread utilization =
        new Thread(
            () -> {
              try {
                writeTable(
                    LedgerTables.UTILIZATION,
                    fileId,
                    date,
                    tasks.stream()
                        .map(t -> LedgerTables.taskGroup(run.runId(), run.job(), t))
                        .toList());
              } catch (Throwable t) {
                failed.set(t);
              }
            },
            "verdant-ledger-utilization");
    utilization.start();
    try {
      writeTable(
          LedgerTables.ENERGY,
          fileId,
          date,
          energy.stream().map(r -> LedgerTables.energyGroup(run.runId(), run.job(), r)).toList());
    } finally {
      joinUninterruptibly(utilization);
    }
    Throwable t = failed.get();
    if (t instanceof RuntimeException re) {
      throw re;
    } else if (t instanceof Error err) {
      throw err;
    }
    writeTable(LedgerTables.RUNS, fileId, date, List.of(LedgerTables.runGroup(run)));
    LOG.info(
        "Ledger {}: run {} ({} energy rows, {} task rows)",
        root,
        run.runId(),
        energy.size(),
        tasks.size());
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  void writeTable(String table, String runId, String date, List<Group> rows) {
    MessageType schema = LedgerTables.schema(table);
    Path tableDir = new Path(root, table);
    Path dir = new Path(tableDir, "date=" + date);
    Path target = new Path(dir, fileName(runId));
    Path temp = new Path(dir, "." + fileName(runId) + "." + UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = target.getFileSystem(conf);
      OutputFile out;
      if (isLocal(fs)) {
        Files.createDirectories(Paths.get(fs.makeQualified(dir).toUri()));
        out = new LocalOutputFile(Paths.get(fs.makeQualified(temp).toUri()));
      } else {
        fs.mkdirs(dir);
        out = HadoopOutputFile.fromPath(temp, conf);
      }
      try (ParquetWriter<Group> w =
          ExampleParquetWriter.builder(out)
              .withConf(conf)
              .withType(schema)
              .withCompressionCodec(CompressionCodecName.SNAPPY)
              .withWriteMode(ParquetFileWriter.Mode.CREATE)
              .withExtraMetaData(
                  Map.of(
                      META_SCHEMA_VERSION,
                      String.valueOf(LedgerTables.SCHEMA_VERSION),
                      META_TABLE,
                      table))
              .build()) {
        for (Group g : rows) {
          w.write(g);
        }
      } catch (IOException | RuntimeException ex) {
        fs.delete(temp, false);
        throw ex;
      }
      // Earlier files of this run id: in another date partition (a rerun on a later day) or at the
      // target itself.
      FileStatus[] old = fs.globStatus(new Path(tableDir, "date=*/" + fileName(runId)));
      if (old != null) {
        for (FileStatus s : old) {
          fs.delete(s.getPath(), false);
        }
      }
      if (!fs.rename(temp, target)) {
        fs.delete(temp, false);
        throw new IOException("Cannot rename " + temp + " to " + target);
      }
      removeLeftovers(fs, dir, runId);
    } catch (IOException ex) {
      throw new UncheckedIOException(
          "Cannot write the ledger's " + table + " rows of run " + runId + " to " + target, ex);
    }
  }

  /** A local ledger's files are written with java.nio (see {@link LocalOutputFile}). */
  private static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** Hidden temporaries of this run id left by a crashed earlier attempt. */
  private static void removeLeftovers(FileSystem fs, Path dir, String runId) throws IOException {
    FileStatus[] tmp = fs.globStatus(new Path(dir, "." + fileName(runId) + ".*.tmp"));
    if (tmp != null) {
      for (FileStatus s : tmp) {
        LOG.info("Removing an incomplete ledger file of an earlier attempt: {}", s.getPath());
        fs.delete(s.getPath(), false);
      }
    }
  }

  public Path root() {
    return root;
  }
}

package io.verdant.common.ledger;

import io.verdant.common.energy.EnergyRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The schemas of the ledger's three tables and the conversion of rows to Parquet records, both from
 * one list of columns per table. Every row carries {@code schema_version}, and every file the
 * key-value metadata {@code verdant.ledger.schema.version}. Changing a column means a new version;
 * docs/ledger.md documents each column.
 */
public final class LedgerTables {
  public static final int SCHEMA_VERSION = 1;
  public static final String RUNS = "runs";
  public static final String ENERGY = "energy";
  public static final String UTILIZATION = "utilization";
  public static final List<String> ALL = List.of(RUNS, ENERGY, UTILIZATION);

  /** The kinds of value a column holds: their declaration in a schema, and how one is written. */
  private enum Type {
    STRING("binary %s (STRING)"),
    INT32("int32 %s"),
    INT64("int64 %s"),
    DOUBLE("double %s"),
    TIMESTAMP("int64 %s (TIMESTAMP(MILLIS,true))");

    /** The field's type, name ({@code %s}) and annotation in Parquet's schema syntax. */
    private final String field;

    Type(String field) {
      this.field = field;
    }

    String declare(String repetition, String column) {
      return repetition + " " + String.format(Locale.ROOT, field, column) + ";";
    }

    void append(Group g, String column, Object value) {
      switch (this) {
        case STRING -> g.append(column, (String) value);
        case INT32 -> g.append(column, ((Integer) value).intValue());
        case INT64, TIMESTAMP -> g.append(column, ((Long) value).longValue());
        case DOUBLE -> g.append(column, ((Double) value).doubleValue());
      }
    }
  }

  /**
   * A column of a table of rows {@code R}: its declaration in the table's Parquet schema (a field,
   * or a group), and how a row's value is written to a record.
   */
  private record Column<R>(String declaration, BiConsumer<Group, R> writer) {}

  private static <R> Column<R> required(String name, Type type, Function<R, ?> value) {
    return new Column<>(
        type.declare("required", name), (g, r) -> type.append(g, name, value.apply(r)));
  }

  /** A column left out of the record when the row's value is null. */
  private static <R> Column<R> optional(String name, Type type, Function<R, ?> value) {
    return new Column<>(
        type.declare("optional", name),
        (g, r) -> {
          Object v = value.apply(r);
          if (v != null) {
            type.append(g, name, v);
          }
        });
  }

  /** What every record starts with: the schema version, the run and its job. */
  private record Key(String runId, String job) {}

  private static final List<Column<Key>> KEY =
      List.of(
          required("schema_version", Type.INT32, k -> SCHEMA_VERSION),
          required("run_id", Type.STRING, Key::runId),
          required("job", Type.STRING, Key::job));

  /** A table: its schema, and records of its rows, from its key columns and then its own. */
  private static final class Table<R> {
    private final List<Column<R>> columns;
    private final MessageType schema;

    Table(String name, List<Column<R>> columns) {
      this.columns = columns;
      List<String> declarations = new ArrayList<>();
      KEY.forEach(c -> declarations.add(c.declaration()));
      columns.forEach(c -> declarations.add(c.declaration()));
      this.schema =
          MessageTypeParser.parseMessageType(
              "message " + name + " {\n " + String.join("\n ", declarations) + "\n}");
    }

    Group record(String runId, String job, R row) {
      Group g = new SimpleGroupFactory(schema).newGroup();
      Key key = new Key(runId, job);
      KEY.forEach(c -> c.writer().accept(g, key));
      columns.forEach(c -> c.writer().accept(g, row));
      return g;
    }
  }

  private static final Table<RunRow> RUNS_TABLE =
      new Table<>(
          RUNS,
          List.of(
              new Column<>(
                  "optional group phases (LIST) { repeated group list { optional binary element (STRING); } }",
                  (g, r) -> {
                    Group phases = g.addGroup("phases");
                    r.phases().forEach(p -> phases.addGroup("list").append("element", p));
                  }),
              new Column<>(
                  "optional group phase_wall_ms (MAP) { repeated group key_value { required binary key (STRING); optional int64 value; } }",
                  (g, r) -> {
                    Group walls = g.addGroup("phase_wall_ms");
                    for (Map.Entry<String, Long> e : r.phaseWallMs().entrySet()) {
                      walls
                          .addGroup("key_value")
                          .append("key", e.getKey())
                          .append("value", e.getValue());
                    }
                  }),
              optional("options_json", Type.STRING, RunRow::optionsJson),
              optional("dataset_id", Type.STRING, RunRow::datasetId),
              optional("model_id", Type.STRING, RunRow::modelId),
              optional("attributes_json", Type.STRING, RunRow::attributesJson),
              required("status", Type.STRING, RunRow::status),
              optional("error_message", Type.STRING, RunRow::errorMessage),
              required("start_time", Type.TIMESTAMP, RunRow::startMs),
              required("end_time", Type.TIMESTAMP, RunRow::endMs),
              required("wall_ms", Type.INT64, r -> r.endMs() - r.startMs()),
              required("energy_j", Type.DOUBLE, RunRow::energyJ),
              required("co2e_g", Type.DOUBLE, RunRow::co2eG),
              required("cpu_s", Type.DOUBLE, RunRow::cpuSeconds),
              required("task_count", Type.INT64, RunRow::taskCount),
              optional("methods", Type.STRING, RunRow::methods),
              required("pue", Type.DOUBLE, RunRow::pue),
              required("grid_intensity_g_per_kwh", Type.DOUBLE, RunRow::gridIntensityGPerKwh),
              optional("region", Type.STRING, RunRow::region),
              optional("intensity_source", Type.STRING, RunRow::intensitySource),
              optional("spark_app_id", Type.STRING, RunRow::sparkAppId),
              optional("spark_master", Type.STRING, RunRow::sparkMaster),
              optional("verdant_version", Type.STRING, RunRow::verdantVersion),
              optional("spark_version", Type.STRING, RunRow::sparkVersion),
              optional("dl4j_version", Type.STRING, RunRow::dl4jVersion),
              optional("java_version", Type.STRING, RunRow::javaVersion)));

  private static final Table<EnergyRow> ENERGY_TABLE =
      new Table<>(
          ENERGY,
          List.of(
              optional("phase", Type.STRING, EnergyRow::phase),
              required("host", Type.STRING, EnergyRow::host),
              required("executor_id", Type.STRING, EnergyRow::executorId),
              required("component", Type.STRING, EnergyRow::component),
              optional("device", Type.STRING, EnergyRow::device),
              required("interval_start", Type.TIMESTAMP, EnergyRow::startMs),
              required("interval_end", Type.TIMESTAMP, EnergyRow::endMs),
              required("duration_ms", Type.INT64, r -> Math.round(r.seconds() * 1000)),
              required("energy_j", Type.DOUBLE, EnergyRow::energyJ),
              required("mean_power_w", Type.DOUBLE, EnergyRow::meanPowerW),
              required("cpu_s", Type.DOUBLE, EnergyRow::cpuSeconds),
              required("utilization", Type.DOUBLE, EnergyRow::utilization),
              required("method", Type.STRING, EnergyRow::method),
              required("pue", Type.DOUBLE, EnergyRow::pue),
              required("grid_intensity_g_per_kwh", Type.DOUBLE, EnergyRow::gridIntensityGPerKwh),
              optional("region", Type.STRING, EnergyRow::region),
              optional("intensity_source", Type.STRING, EnergyRow::intensitySource),
              required("co2e_g", Type.DOUBLE, EnergyRow::co2eG),
              required("samples", Type.INT32, EnergyRow::samples)));

  private static final Table<TaskRow> UTILIZATION_TABLE =
      new Table<>(
          UTILIZATION,
          List.of(
              optional("phase", Type.STRING, TaskRow::phase),
              required("spark_job_id", Type.INT32, TaskRow::sparkJobId),
              required("stage_id", Type.INT32, TaskRow::stageId),
              required("stage_attempt", Type.INT32, TaskRow::stageAttempt),
              optional("stage_name", Type.STRING, TaskRow::stageName),
              required("task_id", Type.INT64, TaskRow::taskId),
              required("partition", Type.INT32, TaskRow::partition),
              required("attempt", Type.INT32, TaskRow::attempt),
              required("executor_id", Type.STRING, TaskRow::executorId),
              optional("host", Type.STRING, TaskRow::host),
              required("status", Type.STRING, TaskRow::status),
              required("launch_time", Type.TIMESTAMP, TaskRow::launchMs),
              required("finish_time", Type.TIMESTAMP, TaskRow::finishMs),
              required("duration_ms", Type.INT64, TaskRow::durationMs),
              required("executor_run_time_ms", Type.INT64, t -> t.metrics().executorRunTimeMs()),
              required("executor_cpu_time_ms", Type.DOUBLE, t -> t.metrics().executorCpuTimeMs()),
              required("jvm_gc_time_ms", Type.INT64, t -> t.metrics().jvmGcTimeMs()),
              required("deserialize_time_ms", Type.INT64, t -> t.metrics().deserializeTimeMs()),
              required(
                  "result_serialization_time_ms",
                  Type.INT64,
                  t -> t.metrics().resultSerializationTimeMs()),
              required("input_bytes", Type.INT64, t -> t.metrics().inputBytes()),
              required("input_records", Type.INT64, t -> t.metrics().inputRecords()),
              required("output_bytes", Type.INT64, t -> t.metrics().outputBytes()),
              required("output_records", Type.INT64, t -> t.metrics().outputRecords()),
              required("shuffle_read_bytes", Type.INT64, t -> t.metrics().shuffleReadBytes()),
              required("shuffle_read_records", Type.INT64, t -> t.metrics().shuffleReadRecords()),
              required("shuffle_write_bytes", Type.INT64, t -> t.metrics().shuffleWriteBytes()),
              required("shuffle_write_records", Type.INT64, t -> t.metrics().shuffleWriteRecords()),
              required("memory_spilled_bytes", Type.INT64, t -> t.metrics().memorySpilledBytes()),
              required("disk_spilled_bytes", Type.INT64, t -> t.metrics().diskSpilledBytes()),
              required(
                  "peak_execution_memory_bytes",
                  Type.INT64,
                  t -> t.metrics().peakExecutionMemoryBytes()),
              required("result_size_bytes", Type.INT64, t -> t.metrics().resultSizeBytes())));

  public static final MessageType RUNS_SCHEMA = RUNS_TABLE.schema;
  public static final MessageType ENERGY_SCHEMA = ENERGY_TABLE.schema;
  public static final MessageType UTILIZATION_SCHEMA = UTILIZATION_TABLE.schema;

  private LedgerTables() {}

  public static MessageType schema(String table) {
    switch (table) {
      case RUNS:
        return RUNS_SCHEMA;
      case ENERGY:
        return ENERGY_SCHEMA;
      case UTILIZATION:
        return UTILIZATION_SCHEMA;
      default:
        throw new IllegalArgumentException(table);
    }
  }

  public static Group runGroup(RunRow r) {
    return RUNS_TABLE.record(r.runId(), r.job(), r);
  }

  public static Group energyGroup(String runId, String job, EnergyRow r) {
    return ENERGY_TABLE.record(runId, job, r);
  }

  public static Group taskGroup(String runId, String job, TaskRow t) {
    return UTILIZATION_TABLE.record(runId, job, t);
  }
}

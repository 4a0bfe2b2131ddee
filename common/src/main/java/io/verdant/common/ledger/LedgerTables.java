package io.verdant.common.ledger;

import io.verdant.common.energy.EnergyRow;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The schemas of the ledger's three tables, the conversion of rows to Parquet records and of
 * records back to rows, all from one list of columns per table. Every row carries {@code
 * schema_version}, and every file the key-value metadata {@code verdant.ledger.schema.version}.
 * Changing a column means a new version; docs/ledger.md documents each column.
 */
public final class LedgerTables {
  public static final int SCHEMA_VERSION = 1;
  public static final String RUNS = "runs";
  public static final String ENERGY = "energy";
  public static final String UTILIZATION = "utilization";
  public static final List<String> ALL = List.of(RUNS, ENERGY, UTILIZATION);

  /**
   * The kinds of value a column holds: their declaration in a schema, how one is written and read
   * back, and the type of the row component that holds it.
   */
  private enum Type {
    STRING("binary %s (STRING)", String.class),
    INT32("int32 %s", int.class),
    INT64("int64 %s", long.class),
    DOUBLE("double %s", double.class),
    TIMESTAMP("int64 %s (TIMESTAMP(MILLIS,true))", long.class);

    /** The field's type, name ({@code %s}) and annotation in Parquet's schema syntax. */
    private final String field;

    /** The type of the row's component the column holds. */
    private final Class<?> javaType;

    Type(String field, Class<?> javaType) {
      this.field = field;
      this.javaType = javaType;
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

    /** The record's value of the column, or null where the record leaves it out. */
    Object read(Group g, String column) {
      if (g.getFieldRepetitionCount(column) == 0) {
        return null;
      }
      return switch (this) {
        case STRING -> g.getString(column, 0);
        case INT32 -> g.getInteger(column, 0);
        case INT64, TIMESTAMP -> g.getLong(column, 0);
        case DOUBLE -> g.getDouble(column, 0);
      };
    }
  }

  /**
   * A column of a table of rows {@code R}: its declaration in the table's Parquet schema (a field,
   * or a group), how a row's value is written to a record, and how it is read back: as the row's
   * next component (of type {@code component}), or not at all ({@code reader} null) for a column
   * derived from the row's other values.
   */
  private record Column<R>(
      String declaration,
      BiConsumer<Group, R> writer,
      Class<?> component,
      Function<Group, Object> reader) {}

  private static <R> Column<R> required(String name, Type type, Function<R, ?> value) {
    return new Column<>(
        type.declare("required", name),
        (g, r) -> type.append(g, name, value.apply(r)),
        type.javaType,
        g -> type.read(g, name));
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
        },
        type.javaType,
        g -> type.read(g, name));
  }

  /** A column computed from the row's other values: written, not read back. */
  private static <R> Column<R> derived(String name, Type type, Function<R, ?> value) {
    Column<R> c = required(name, type, value);
    return new Column<>(c.declaration(), c.writer(), null, null);
  }

  /** A duration the row holds in seconds, written as whole milliseconds. */
  private static <R> Column<R> millis(String name, ToDoubleFunction<R> seconds) {
    Column<R> c = required(name, Type.INT64, r -> Math.round(seconds.applyAsDouble(r) * 1000));
    return new Column<>(
        c.declaration(), c.writer(), double.class, g -> (Long) c.reader().apply(g) / 1000.0);
  }

  /** The columns of a part of the row (a record of its own), written and read in its place. */
  private static <R, P extends Record> Column<R> part(Function<R, P> part, Rows<P> rows) {
    return new Column<>(
        String.join("\n ", rows.declarations()),
        (g, r) -> rows.write(g, part.apply(r)),
        rows.type,
        rows::read);
  }

  /**
   * Rows of a record type as columns: their declarations, a row written to a record, and a record
   * read back into a row through the canonical constructor, one component from each column that is
   * not derived, in order (checked against the components when the columns are declared).
   */
  private static final class Rows<R extends Record> {
    private final Class<R> type;
    private final List<Column<R>> columns;
    private final Constructor<R> constructor;

    Rows(Class<R> type, List<Column<R>> columns) {
      this.type = type;
      this.columns = columns;
      Class<?>[] components =
          Arrays.stream(type.getRecordComponents())
              .map(RecordComponent::getType)
              .toArray(Class<?>[]::new);
      List<Class<?>> read =
          columns.stream().map(Column::component).filter(Objects::nonNull).toList();
      if (!read.equals(Arrays.asList(components))) {
        throw new IllegalStateException(
            "The columns of "
                + type.getSimpleName()
                + " read back "
                + read
                + ", not its components "
                + Arrays.asList(components));
      }
      try {
        this.constructor = type.getDeclaredConstructor(components);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(type + " has no canonical constructor", e);
      }
    }

    List<String> declarations() {
      return columns.stream().map(Column::declaration).toList();
    }

    void write(Group g, R row) {
      columns.forEach(c -> c.writer().accept(g, row));
    }

    R read(Group g) {
      Object[] values =
          columns.stream().filter(c -> c.reader() != null).map(c -> c.reader().apply(g)).toArray();
      try {
        return constructor.newInstance(values);
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "Cannot read a " + type.getSimpleName() + " from the ledger record " + g, e);
      }
    }
  }

  /**
   * What a record starts with before its row's own columns: the schema version, and the run and its
   * job where the row does not hold them (energy and utilization rows).
   */
  private record Key(String runId, String job) {}

  private static final Column<Key> VERSION =
      required("schema_version", Type.INT32, k -> SCHEMA_VERSION);

  private static final List<Column<Key>> KEY =
      List.of(
          VERSION,
          required("run_id", Type.STRING, Key::runId),
          required("job", Type.STRING, Key::job));

  /** A table: its schema, and records of its rows, from its key columns and then the row's. */
  private static final class Table<R extends Record> {
    private final List<Column<Key>> key;
    private final Rows<R> rows;
    private final MessageType schema;

    Table(String name, List<Column<Key>> key, Class<R> type, List<Column<R>> columns) {
      this.key = key;
      this.rows = new Rows<>(type, columns);
      List<String> declarations = new ArrayList<>();
      key.forEach(c -> declarations.add(c.declaration()));
      declarations.addAll(rows.declarations());
      this.schema =
          MessageTypeParser.parseMessageType(
              "message " + name + " {\n " + String.join("\n ", declarations) + "\n}");
    }

    Group record(String runId, String job, R row) {
      Group g = new SimpleGroupFactory(schema).newGroup();
      Key k = new Key(runId, job);
      key.forEach(c -> c.writer().accept(g, k));
      rows.write(g, row);
      return g;
    }
  }

  private static final Table<RunRow> RUNS_TABLE =
      new Table<>(
          RUNS,
          List.of(VERSION),
          RunRow.class,
          List.of(
              required("run_id", Type.STRING, RunRow::runId),
              required("job", Type.STRING, RunRow::job),
              new Column<>(
                  "optional group phases (LIST) { repeated group list { optional binary element (STRING); } }",
                  (g, r) -> {
                    Group phases = g.addGroup("phases");
                    r.phases().forEach(p -> phases.addGroup("list").append("element", p));
                  },
                  List.class,
                  g -> LedgerReader.list(g, "phases")),
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
                  },
                  Map.class,
                  g -> LedgerReader.longMap(g, "phase_wall_ms")),
              optional("options_json", Type.STRING, RunRow::optionsJson),
              optional("dataset_id", Type.STRING, RunRow::datasetId),
              optional("model_id", Type.STRING, RunRow::modelId),
              optional("attributes_json", Type.STRING, RunRow::attributesJson),
              required("status", Type.STRING, RunRow::status),
              optional("error_message", Type.STRING, RunRow::errorMessage),
              required("start_time", Type.TIMESTAMP, RunRow::startMs),
              required("end_time", Type.TIMESTAMP, RunRow::endMs),
              derived("wall_ms", Type.INT64, RunRow::wallMs),
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
          KEY,
          EnergyRow.class,
          List.of(
              optional("phase", Type.STRING, EnergyRow::phase),
              required("host", Type.STRING, EnergyRow::host),
              required("executor_id", Type.STRING, EnergyRow::executorId),
              required("component", Type.STRING, EnergyRow::component),
              optional("device", Type.STRING, EnergyRow::device),
              required("interval_start", Type.TIMESTAMP, EnergyRow::startMs),
              required("interval_end", Type.TIMESTAMP, EnergyRow::endMs),
              millis("duration_ms", EnergyRow::seconds),
              required("energy_j", Type.DOUBLE, EnergyRow::energyJ),
              derived("mean_power_w", Type.DOUBLE, EnergyRow::meanPowerW),
              required("cpu_s", Type.DOUBLE, EnergyRow::cpuSeconds),
              required("utilization", Type.DOUBLE, EnergyRow::utilization),
              required("method", Type.STRING, EnergyRow::method),
              required("pue", Type.DOUBLE, EnergyRow::pue),
              required("grid_intensity_g_per_kwh", Type.DOUBLE, EnergyRow::gridIntensityGPerKwh),
              optional("region", Type.STRING, EnergyRow::region),
              optional("intensity_source", Type.STRING, EnergyRow::intensitySource),
              required("co2e_g", Type.DOUBLE, EnergyRow::co2eG),
              required("samples", Type.INT32, EnergyRow::samples)));

  /** Spark's measures of a task, in the utilization table after where and when it ran. */
  private static final Rows<TaskRow.Metrics> TASK_METRICS =
      new Rows<>(
          TaskRow.Metrics.class,
          List.of(
              required("executor_run_time_ms", Type.INT64, TaskRow.Metrics::executorRunTimeMs),
              required("executor_cpu_time_ms", Type.DOUBLE, TaskRow.Metrics::executorCpuTimeMs),
              required("jvm_gc_time_ms", Type.INT64, TaskRow.Metrics::jvmGcTimeMs),
              required("deserialize_time_ms", Type.INT64, TaskRow.Metrics::deserializeTimeMs),
              required(
                  "result_serialization_time_ms",
                  Type.INT64,
                  TaskRow.Metrics::resultSerializationTimeMs),
              required("input_bytes", Type.INT64, TaskRow.Metrics::inputBytes),
              required("input_records", Type.INT64, TaskRow.Metrics::inputRecords),
              required("output_bytes", Type.INT64, TaskRow.Metrics::outputBytes),
              required("output_records", Type.INT64, TaskRow.Metrics::outputRecords),
              required("shuffle_read_bytes", Type.INT64, TaskRow.Metrics::shuffleReadBytes),
              required("shuffle_read_records", Type.INT64, TaskRow.Metrics::shuffleReadRecords),
              required("shuffle_write_bytes", Type.INT64, TaskRow.Metrics::shuffleWriteBytes),
              required("shuffle_write_records", Type.INT64, TaskRow.Metrics::shuffleWriteRecords),
              required("memory_spilled_bytes", Type.INT64, TaskRow.Metrics::memorySpilledBytes),
              required("disk_spilled_bytes", Type.INT64, TaskRow.Metrics::diskSpilledBytes),
              required(
                  "peak_execution_memory_bytes",
                  Type.INT64,
                  TaskRow.Metrics::peakExecutionMemoryBytes),
              required("result_size_bytes", Type.INT64, TaskRow.Metrics::resultSizeBytes)));

  private static final Table<TaskRow> UTILIZATION_TABLE =
      new Table<>(
          UTILIZATION,
          KEY,
          TaskRow.class,
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
              part(TaskRow::metrics, TASK_METRICS)));

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

  /** Every row of the runs table: a run, or a segment of a run paused for the grid. */
  public static List<RunRow> runs(LedgerReader reader) {
    return reader.read(RUNS, null, LedgerTables::runRow);
  }

  /** The energy rows of one run (of all its segments). */
  public static List<EnergyRow> energy(LedgerReader reader, String runId) {
    return reader.read(ENERGY, runId, LedgerTables::energyRow);
  }

  /** The utilization rows of one run (of all its segments): its Spark tasks. */
  public static List<TaskRow> tasks(LedgerReader reader, String runId) {
    return reader.read(UTILIZATION, runId, LedgerTables::taskRow);
  }

  static RunRow runRow(Group g) {
    return RUNS_TABLE.rows.read(g);
  }

  static EnergyRow energyRow(Group g) {
    return ENERGY_TABLE.rows.read(g);
  }

  static TaskRow taskRow(Group g) {
    return UTILIZATION_TABLE.rows.read(g);
  }
}

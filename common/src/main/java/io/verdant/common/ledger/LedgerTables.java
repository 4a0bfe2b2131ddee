package io.verdant.common.ledger;

import io.verdant.common.energy.EnergyRow;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The schemas of the ledger's three tables and the conversion of rows to Parquet records. Every row
 * carries {@code schema_version}, and every file the key-value metadata {@code
 * verdant.ledger.schema.version}. Changing a column means a new version; docs/ledger.md documents
 * each column.
 */
public final class LedgerTables {
  public static final int SCHEMA_VERSION = 1;
  public static final String RUNS = "runs";
  public static final String ENERGY = "energy";
  public static final String UTILIZATION = "utilization";
  public static final List<String> ALL = List.of(RUNS, ENERGY, UTILIZATION);

  private static final String TS = "(TIMESTAMP(MILLIS,true))";

  public static final MessageType RUNS_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message runs {\n"
              + " required int32 schema_version;\n"
              + " required binary run_id (STRING);\n"
              + " required binary job (STRING);\n"
              + " optional group phases (LIST) { repeated group list { optional binary element (STRING); } }\n"
              + " optional group phase_wall_ms (MAP) { repeated group key_value { required binary key (STRING); optional int64 value; } }\n"
              + " optional binary options_json (STRING);\n"
              + " optional binary dataset_id (STRING);\n"
              + " optional binary model_id (STRING);\n"
              + " optional binary attributes_json (STRING);\n"
              + " required binary status (STRING);\n"
              + " optional binary error_message (STRING);\n"
              + " required int64 start_time "
              + TS
              + ";\n"
              + " required int64 end_time "
              + TS
              + ";\n"
              + " required int64 wall_ms;\n"
              + " required double energy_j;\n"
              + " required double co2e_g;\n"
              + " required double cpu_s;\n"
              + " required int64 task_count;\n"
              + " optional binary methods (STRING);\n"
              + " required double pue;\n"
              + " required double grid_intensity_g_per_kwh;\n"
              + " optional binary region (STRING);\n"
              + " optional binary intensity_source (STRING);\n"
              + " optional binary spark_app_id (STRING);\n"
              + " optional binary spark_master (STRING);\n"
              + " optional binary verdant_version (STRING);\n"
              + " optional binary spark_version (STRING);\n"
              + " optional binary dl4j_version (STRING);\n"
              + " optional binary java_version (STRING);\n"
              + "}");

  public static final MessageType ENERGY_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message energy {\n"
              + " required int32 schema_version;\n"
              + " required binary run_id (STRING);\n"
              + " required binary job (STRING);\n"
              + " optional binary phase (STRING);\n"
              + " required binary host (STRING);\n"
              + " required binary executor_id (STRING);\n"
              + " required binary component (STRING);\n"
              + " optional binary device (STRING);\n"
              + " required int64 interval_start "
              + TS
              + ";\n"
              + " required int64 interval_end "
              + TS
              + ";\n"
              + " required int64 duration_ms;\n"
              + " required double energy_j;\n"
              + " required double mean_power_w;\n"
              + " required double cpu_s;\n"
              + " required double utilization;\n"
              + " required binary method (STRING);\n"
              + " required double pue;\n"
              + " required double grid_intensity_g_per_kwh;\n"
              + " optional binary region (STRING);\n"
              + " optional binary intensity_source (STRING);\n"
              + " required double co2e_g;\n"
              + " required int32 samples;\n"
              + "}");

  public static final MessageType UTILIZATION_SCHEMA =
      MessageTypeParser.parseMessageType(
          "message utilization {\n"
              + " required int32 schema_version;\n"
              + " required binary run_id (STRING);\n"
              + " required binary job (STRING);\n"
              + " optional binary phase (STRING);\n"
              + " required int32 spark_job_id;\n"
              + " required int32 stage_id;\n"
              + " required int32 stage_attempt;\n"
              + " optional binary stage_name (STRING);\n"
              + " required int64 task_id;\n"
              + " required int32 partition;\n"
              + " required int32 attempt;\n"
              + " required binary executor_id (STRING);\n"
              + " optional binary host (STRING);\n"
              + " required binary status (STRING);\n"
              + " required int64 launch_time "
              + TS
              + ";\n"
              + " required int64 finish_time "
              + TS
              + ";\n"
              + " required int64 duration_ms;\n"
              + " required int64 executor_run_time_ms;\n"
              + " required double executor_cpu_time_ms;\n"
              + " required int64 jvm_gc_time_ms;\n"
              + " required int64 deserialize_time_ms;\n"
              + " required int64 result_serialization_time_ms;\n"
              + " required int64 input_bytes;\n"
              + " required int64 input_records;\n"
              + " required int64 output_bytes;\n"
              + " required int64 output_records;\n"
              + " required int64 shuffle_read_bytes;\n"
              + " required int64 shuffle_read_records;\n"
              + " required int64 shuffle_write_bytes;\n"
              + " required int64 shuffle_write_records;\n"
              + " required int64 memory_spilled_bytes;\n"
              + " required int64 disk_spilled_bytes;\n"
              + " required int64 peak_execution_memory_bytes;\n"
              + " required int64 result_size_bytes;\n"
              + "}");

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

  private static void opt(Group g, String field, String v) {
    if (v != null) {
      g.append(field, v);
    }
  }

  /** A record of {@code schema} with the columns every table starts with. */
  private static Group newGroup(MessageType schema, String runId, String job) {
    Group g = new SimpleGroupFactory(schema).newGroup();
    return g.append("schema_version", SCHEMA_VERSION).append("run_id", runId).append("job", job);
  }

  public static Group runGroup(RunRow r) {
    Group g = newGroup(RUNS_SCHEMA, r.runId(), r.job());
    Group phases = g.addGroup("phases");
    for (String p : r.phases()) {
      phases.addGroup("list").append("element", p);
    }
    Group walls = g.addGroup("phase_wall_ms");
    for (Map.Entry<String, Long> e : r.phaseWallMs().entrySet()) {
      walls.addGroup("key_value").append("key", e.getKey()).append("value", e.getValue());
    }
    opt(g, "options_json", r.optionsJson());
    opt(g, "dataset_id", r.datasetId());
    opt(g, "model_id", r.modelId());
    opt(g, "attributes_json", r.attributesJson());
    g.append("status", r.status());
    opt(g, "error_message", r.errorMessage());
    g.append("start_time", r.startMs())
        .append("end_time", r.endMs())
        .append("wall_ms", r.endMs() - r.startMs())
        .append("energy_j", r.energyJ())
        .append("co2e_g", r.co2eG())
        .append("cpu_s", r.cpuSeconds())
        .append("task_count", r.taskCount());
    opt(g, "methods", r.methods());
    g.append("pue", r.pue()).append("grid_intensity_g_per_kwh", r.gridIntensityGPerKwh());
    opt(g, "region", r.region());
    opt(g, "intensity_source", r.intensitySource());
    opt(g, "spark_app_id", r.sparkAppId());
    opt(g, "spark_master", r.sparkMaster());
    opt(g, "verdant_version", r.verdantVersion());
    opt(g, "spark_version", r.sparkVersion());
    opt(g, "dl4j_version", r.dl4jVersion());
    opt(g, "java_version", r.javaVersion());
    return g;
  }

  public static Group energyGroup(String runId, String job, EnergyRow r) {
    Group g = newGroup(ENERGY_SCHEMA, runId, job);
    opt(g, "phase", r.phase());
    g.append("host", r.host())
        .append("executor_id", r.executorId())
        .append("component", r.component());
    opt(g, "device", r.device());
    g.append("interval_start", r.startMs())
        .append("interval_end", r.endMs())
        .append("duration_ms", Math.round(r.seconds() * 1000))
        .append("energy_j", r.energyJ())
        .append("mean_power_w", r.meanPowerW())
        .append("cpu_s", r.cpuSeconds())
        .append("utilization", r.utilization())
        .append("method", r.method())
        .append("pue", r.pue())
        .append("grid_intensity_g_per_kwh", r.gridIntensityGPerKwh());
    opt(g, "region", r.region());
    opt(g, "intensity_source", r.intensitySource());
    g.append("co2e_g", r.co2eG()).append("samples", r.samples());
    return g;
  }

  public static Group taskGroup(String runId, String job, TaskRow t) {
    Group g = newGroup(UTILIZATION_SCHEMA, runId, job);
    opt(g, "phase", t.phase());
    g.append("spark_job_id", t.sparkJobId())
        .append("stage_id", t.stageId())
        .append("stage_attempt", t.stageAttempt());
    opt(g, "stage_name", t.stageName());
    g.append("task_id", t.taskId())
        .append("partition", t.partition())
        .append("attempt", t.attempt())
        .append("executor_id", t.executorId());
    opt(g, "host", t.host());
    g.append("status", t.status())
        .append("launch_time", t.launchMs())
        .append("finish_time", t.finishMs())
        .append("duration_ms", t.durationMs());
    TaskRow.Metrics m = t.metrics();
    g.append("executor_run_time_ms", m.executorRunTimeMs())
        .append("executor_cpu_time_ms", m.executorCpuTimeMs())
        .append("jvm_gc_time_ms", m.jvmGcTimeMs())
        .append("deserialize_time_ms", m.deserializeTimeMs())
        .append("result_serialization_time_ms", m.resultSerializationTimeMs())
        .append("input_bytes", m.inputBytes())
        .append("input_records", m.inputRecords())
        .append("output_bytes", m.outputBytes())
        .append("output_records", m.outputRecords())
        .append("shuffle_read_bytes", m.shuffleReadBytes())
        .append("shuffle_read_records", m.shuffleReadRecords())
        .append("shuffle_write_bytes", m.shuffleWriteBytes())
        .append("shuffle_write_records", m.shuffleWriteRecords())
        .append("memory_spilled_bytes", m.memorySpilledBytes())
        .append("disk_spilled_bytes", m.diskSpilledBytes())
        .append("peak_execution_memory_bytes", m.peakExecutionMemoryBytes())
        .append("result_size_bytes", m.resultSizeBytes());
    return g;
  }
}

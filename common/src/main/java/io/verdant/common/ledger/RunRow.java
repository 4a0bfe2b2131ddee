package io.verdant.common.ledger;

import java.util.List;
import java.util.Map;

/** One job run: the row of the ledger's {@code runs} table (see docs/ledger.md). */
public record RunRow(
    String runId,
    String job,
    List<String> phases,
    Map<String, Long> phaseWallMs,
    String optionsJson,
    String datasetId,
    String modelId,
    String attributesJson,
    String status,
    String errorMessage,
    long startMs,
    long endMs,
    double energyJ,
    double co2eG,
    double cpuSeconds,
    long taskCount,
    String methods,
    double pue,
    double gridIntensityGPerKwh,
    String region,
    String intensitySource,
    String sparkAppId,
    String sparkMaster,
    String verdantVersion,
    String sparkVersion,
    String dl4jVersion,
    String javaVersion) {

  /** The run's (or segment's) wall time, the {@code wall_ms} column. */
  public long wallMs() {
    return endMs - startMs;
  }

  /** The job's own figures about the run ({@code attributes_json}), empty when it recorded none. */
  public Map<String, String> attributes() {
    return LedgerReader.stringMap(attributesJson);
  }
}

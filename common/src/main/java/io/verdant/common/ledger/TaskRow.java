package io.verdant.common.ledger;

/**
 * One Spark task of a run: a row of the ledger's {@code utilization} table (see docs/ledger.md):
 * where and when it ran, then what Spark measured of it.
 */
public record TaskRow(
    String phase,
    int sparkJobId,
    int stageId,
    int stageAttempt,
    String stageName,
    long taskId,
    int partition,
    int attempt,
    String executorId,
    String host,
    String status,
    long launchMs,
    long finishMs,
    long durationMs,
    Metrics metrics) {

  /** Spark's task metrics, in the ledger's units. */
  public record Metrics(
      long executorRunTimeMs,
      double executorCpuTimeMs,
      long jvmGcTimeMs,
      long deserializeTimeMs,
      long resultSerializationTimeMs,
      long inputBytes,
      long inputRecords,
      long outputBytes,
      long outputRecords,
      long shuffleReadBytes,
      long shuffleReadRecords,
      long shuffleWriteBytes,
      long shuffleWriteRecords,
      long memorySpilledBytes,
      long diskSpilledBytes,
      long peakExecutionMemoryBytes,
      long resultSizeBytes) {

    /** A task Spark reported no metrics for. */
    public static final Metrics NONE =
        new Metrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}

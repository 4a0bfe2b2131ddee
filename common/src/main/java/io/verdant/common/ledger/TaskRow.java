package io.verdant.common.ledger;

/**
 * One Spark task of a run: a row of the ledger's {@code utilization} table (see docs/ledger.md).
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
    long resultSizeBytes) {}

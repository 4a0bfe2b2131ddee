package io.verdant.jobs.report;

import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import java.util.List;

/**
 * One Spark task of a run, the fields of the ledger's {@code utilization} row the timeline draws.
 */
public record Task(
    String phase, String executorId, long taskId, String status, long launchMs, long finishMs) {

  static List<Task> of(LedgerReader reader, String runId) {
    return reader.read(
        LedgerTables.UTILIZATION,
        runId,
        g ->
            new Task(
                LedgerReader.string(g, "phase"),
                LedgerReader.string(g, "executor_id"),
                LedgerReader.lng(g, "task_id"),
                LedgerReader.string(g, "status"),
                LedgerReader.lng(g, "launch_time"),
                LedgerReader.lng(g, "finish_time")));
  }
}

package io.verdant.jobs.report;

import java.util.List;

/**
 * {@code charts.json} beside {@code index.html}: the report's run id, the ledger it read, the runs
 * it covers, and every number each chart draws.
 */
public record ReportNumbers(
    int schemaVersion,
    String runId,
    String createdAt,
    String ledger,
    List<String> runs,
    List<ChartNumbers> charts) {
  public static final int CURRENT_SCHEMA_VERSION = 1;
  public static final String FILE = "charts.json";
}

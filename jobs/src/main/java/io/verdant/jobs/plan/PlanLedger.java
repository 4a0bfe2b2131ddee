package io.verdant.jobs.plan;

import io.verdant.common.Versions;
import io.verdant.common.ledger.LedgerRecorder;
import io.verdant.common.ledger.LedgerWriter;
import io.verdant.common.ledger.RunRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Records a plan in the ledger: a {@code runs} row of job {@code plan} and status {@code planned},
 * under the planned job's run id with {@code .plan} appended (a poll of the same run replaces it),
 * whose attributes hold the planned window and the run-now counterfactual ({@code plan.*},
 * docs/scheduling.md). The plan itself is not metered: its energy and carbon are 0.
 */
public final class PlanLedger {
  public static final String STATUS = "planned";
  public static final String JOB = "plan";

  private PlanLedger() {}

  /**
   * The plan's run id: the job's with {@code .plan} appended (kept within 128 characters), else a
   * generated one.
   */
  public static String runId(String jobRunId) {
    if (jobRunId == null) {
      return io.verdant.common.RunIds.generate(JOB);
    }
    return (jobRunId.length() > 123 ? jobRunId.substring(0, 123) : jobRunId) + ".plan";
  }

  public static void record(
      JobSpec job,
      PlanReport r,
      Map<String, String> options,
      long startMs,
      long endMs,
      Configuration conf) {
    Double gPerKwh =
        r.window().co2eG() == null || r.expectedWh() <= 0
            ? null
            : r.window().co2eG() / (r.expectedWh() / 1000 * r.pue());
    RunRow row =
        new RunRow(
            runId(job.runId()),
            JOB,
            List.of(),
            Map.of(),
            LedgerRecorder.json(options),
            job.dataset(),
            job.model(),
            LedgerRecorder.json(attributes(r)),
            STATUS,
            null,
            startMs,
            endMs,
            0,
            0,
            0,
            0,
            null,
            r.pue(),
            gPerKwh == null ? 0 : gPerKwh,
            r.zone(),
            "signals:" + r.signals(),
            null,
            null,
            Versions.verdant(),
            org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            Versions.dl4j(),
            Versions.java());
    new LedgerWriter(job.ledgerRoot(), conf).write(row, List.of(), List.of());
  }

  static Map<String, String> attributes(PlanReport r) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("plan.job", r.job());
    a.put("plan.run_id", r.runId());
    a.put("plan.decided_at", r.decidedAt());
    a.put("plan.objective", r.objective());
    a.put("plan.estimate_source", r.estimate().source());
    a.put("plan.expected_wh", String.valueOf(r.expectedWh()));
    a.put("plan.window_start", r.window().start());
    a.put("plan.window_end", r.window().end());
    a.put("plan.run_now_start", r.runNow().start());
    a.put("plan.co2e_g_window", str(r.window().co2eG()));
    a.put("plan.co2e_g_run_now", str(r.runNow().co2eG()));
    a.put("plan.cost_window", str(r.window().cost()));
    a.put("plan.cost_run_now", str(r.runNow().cost()));
    a.put("plan.currency", r.currency());
    a.put("plan.saving_co2e_percent", str(r.savingCo2ePercent()));
    a.put("plan.saving_cost_percent", str(r.savingCostPercent()));
    a.put("plan.start_now", String.valueOf(r.startNow()));
    a.put("plan.fallback", r.fallback());
    return a;
  }

  private static String str(Double d) {
    return d == null ? null : String.valueOf(d);
  }
}

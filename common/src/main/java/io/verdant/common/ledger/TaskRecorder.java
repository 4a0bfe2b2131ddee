package io.verdant.common.ledger;

import io.verdant.common.run.JobRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Records every task of one run. A stage belongs to the run when the Spark job that submitted it
 * carries the run's id in its local properties ({@link JobRun#PROP_RUN_ID}); its phase is the job's
 * {@link JobRun#PROP_PHASE}.
 */
public final class TaskRecorder extends SparkListener {
  private record Stage(String name, String phase, int jobId) {}

  private final String runId;
  private final Map<Integer, Integer> stageJob = new ConcurrentHashMap<>();
  private final Map<Integer, Stage> stages = new ConcurrentHashMap<>();
  private final List<TaskRow> rows = new ArrayList<>();
  private final LongAdder busyNanos = new LongAdder();

  /**
   * @param runId the run whose tasks to record, or null for every task
   */
  public TaskRecorder(String runId) {
    this.runId = runId;
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    if (ours(e.properties())) {
      scala.collection.Iterator<Object> it = e.stageIds().iterator();
      while (it.hasNext()) {
        stageJob.put((Integer) it.next(), e.jobId());
      }
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted e) {
    if (ours(e.properties())) {
      int id = e.stageInfo().stageId();
      stages.put(
          id,
          new Stage(e.stageInfo().name(), phase(e.properties()), stageJob.getOrDefault(id, -1)));
    }
  }

  private boolean ours(Properties p) {
    return runId == null || (p != null && runId.equals(p.getProperty(JobRun.PROP_RUN_ID)));
  }

  /** The phase: Verdant's phase property, else (another application) the Spark job group. */
  private static String phase(Properties p) {
    if (p == null) {
      return null;
    }
    String ph = p.getProperty(JobRun.PROP_PHASE);
    return ph != null ? ph : p.getProperty("spark.jobGroup.id");
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd e) {
    long t0 = System.nanoTime();
    try {
      record(e);
    } finally {
      busyNanos.add(System.nanoTime() - t0);
    }
  }

  /**
   * Time spent recording tasks, on Spark's listener bus thread (the ledger's own cost; not the
   * job's path).
   */
  public long busyNanos() {
    return busyNanos.sum();
  }

  private void record(SparkListenerTaskEnd e) {
    Stage s = stages.get(e.stageId());
    if (s == null) {
      return;
    }
    TaskInfo ti = e.taskInfo();
    TaskMetrics m = e.taskMetrics();
    String status = ti.successful() ? "succeeded" : ti.killed() ? "killed" : "failed";
    TaskRow row =
        new TaskRow(
            s.phase(),
            s.jobId(),
            e.stageId(),
            e.stageAttemptId(),
            s.name(),
            ti.taskId(),
            ti.index(),
            ti.attemptNumber(),
            ti.executorId(),
            ti.host(),
            status,
            ti.launchTime(),
            ti.finishTime(),
            ti.duration(),
            m == null ? TaskRow.Metrics.NONE : metrics(m));
    synchronized (rows) {
      rows.add(row);
    }
  }

  private static TaskRow.Metrics metrics(TaskMetrics m) {
    return new TaskRow.Metrics(
        m.executorRunTime(),
        m.executorCpuTime() / 1e6,
        m.jvmGCTime(),
        m.executorDeserializeTime(),
        m.resultSerializationTime(),
        m.inputMetrics().bytesRead(),
        m.inputMetrics().recordsRead(),
        m.outputMetrics().bytesWritten(),
        m.outputMetrics().recordsWritten(),
        m.shuffleReadMetrics().totalBytesRead(),
        m.shuffleReadMetrics().recordsRead(),
        m.shuffleWriteMetrics().bytesWritten(),
        m.shuffleWriteMetrics().recordsWritten(),
        m.memoryBytesSpilled(),
        m.diskBytesSpilled(),
        m.peakExecutionMemory(),
        m.resultSize());
  }

  public List<TaskRow> rows() {
    synchronized (rows) {
      return new ArrayList<>(rows);
    }
  }
}

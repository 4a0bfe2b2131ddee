package io.verdant.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Where an averaging round's time goes outside the workers' fitting, from Spark's own events: each
 * training round is one Spark job. Per epoch it sums, over the rounds, the driver's work between
 * two jobs (averaging, the next broadcast), the scheduler's delay until the first task launches,
 * the wait for the slowest task (its duration minus the tasks' mean) and the time from the last
 * task's end to the job's end (result transfer and aggregation).
 */
final class RoundTimeline extends SparkListener {
  private record Job(long start, long end, List<long[]> tasks) {}

  private final List<Job> jobs = new ArrayList<>();
  private long jobStart;
  private final List<long[]> tasks = new ArrayList<>();
  private int printed;

  @Override
  public synchronized void onJobStart(SparkListenerJobStart e) {
    jobStart = e.time();
    tasks.clear();
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    TaskInfo t = e.taskInfo();
    tasks.add(new long[] {t.launchTime(), t.finishTime()});
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd e) {
    jobs.add(new Job(jobStart, e.time(), new ArrayList<>(tasks)));
  }

  /**
   * Prints the sums over the jobs since the last call that had {@code taskCount} tasks (a training
   * round's), in milliseconds.
   */
  synchronized void print(int epoch, int taskCount) {
    double between = 0;
    double launch = 0;
    double straggler = 0;
    double collect = 0;
    int rounds = 0;
    Job previous = null;
    for (Job j : jobs.subList(printed, jobs.size())) {
      if (j.tasks().size() != taskCount) {
        previous = null;
        continue;
      }
      long firstLaunch = j.tasks().stream().mapToLong(t -> t[0]).min().orElse(j.start());
      long lastEnd = j.tasks().stream().mapToLong(t -> t[1]).max().orElse(j.end());
      double meanTask = j.tasks().stream().mapToLong(t -> t[1] - t[0]).average().orElse(0);
      double maxTask = j.tasks().stream().mapToLong(t -> t[1] - t[0]).max().orElse(0);
      launch += firstLaunch - j.start();
      straggler += maxTask - meanTask;
      collect += j.end() - lastEnd;
      if (previous != null) {
        between += j.start() - previous.end();
      }
      previous = j;
      rounds++;
    }
    printed = jobs.size();
    System.out.printf(
        Locale.ROOT,
        "rounds epoch %d: %d jobs of %d tasks, summed: driver between rounds %.0f ms, until the"
            + " first task starts %.0f ms, waiting for the slowest task %.0f ms, last task to job"
            + " end %.0f ms%n",
        epoch,
        rounds,
        taskCount,
        between,
        launch,
        straggler,
        collect);
  }
}

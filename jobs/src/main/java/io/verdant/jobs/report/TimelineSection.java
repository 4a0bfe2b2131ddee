package io.verdant.jobs.report;

import io.verdant.common.ledger.TaskRow;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * Spark tasks per executor over time, from the ledger's {@code utilization} rows: each executor's
 * tasks laid on as many rows (task slots) as ran at once, shaded by the run's phase, so load
 * balance and idle time show.
 */
final class TimelineSection extends PerRunSection {
  private static final double BAR = 0.36;
  private static final int OUTLINED_TASKS = 200;

  TimelineSection() {
    super("timeline", "Executor timeline", d -> !d.tasks().isEmpty());
  }

  @Override
  String run(RunData d, ChartSink charts) {
    Layout layout = Layout.of(d.tasks());
    return figure(
        charts,
        "-" + d.id(),
        chart(d, layout),
        190 + 30 * layout.slots().size(),
        "Spark tasks of run "
            + d.id()
            + " ("
            + d.tasks().size()
            + ") on each executor's task slots, from the"
            + " run's start; gaps are idle slots.");
  }

  /**
   * Tasks placed on rows: each executor's tasks by start time onto the first of its rows free by
   * then.
   */
  record Layout(List<String> slots, Map<TaskRow, Integer> row) {
    static Layout of(List<TaskRow> tasks) {
      Map<String, List<TaskRow>> byExecutor = new TreeMap<>();
      tasks.forEach(t -> byExecutor.computeIfAbsent(t.executorId(), k -> new ArrayList<>()).add(t));
      List<String> slots = new ArrayList<>();
      Map<TaskRow, Integer> row = new LinkedHashMap<>();
      for (Map.Entry<String, List<TaskRow>> e : byExecutor.entrySet()) {
        List<Long> freeAt = new ArrayList<>();
        int first = slots.size();
        e.getValue()
            .sort(Comparator.comparingLong(TaskRow::launchMs).thenComparingLong(TaskRow::taskId));
        for (TaskRow t : e.getValue()) {
          int lane = 0;
          while (lane < freeAt.size() && freeAt.get(lane) > t.launchMs()) {
            lane++;
          }
          if (lane == freeAt.size()) {
            freeAt.add(t.finishMs());
            slots.add(e.getKey() + " slot " + (lane + 1));
          } else {
            freeAt.set(lane, t.finishMs());
          }
          row.put(t, first + lane);
        }
      }
      return new Layout(List.copyOf(slots), row);
    }
  }

  private static JFreeChart chart(RunData d, Layout layout) {
    long start = d.run().startMs();
    Map<String, XYIntervalSeries> byPhase = new LinkedHashMap<>();
    for (Map.Entry<TaskRow, Integer> e : layout.row().entrySet()) {
      TaskRow t = e.getKey();
      String phase = t.phase() == null ? "(no phase)" : t.phase();
      double from = (t.launchMs() - start) / 1000.0;
      double to = Math.max(from, (t.finishMs() - start) / 1000.0);
      int y = e.getValue();
      byPhase
          .computeIfAbsent(phase, XYIntervalSeries::new)
          .add(from, from, to, y, y - BAR, y + BAR);
    }
    XYIntervalSeriesCollection ds = new XYIntervalSeriesCollection();
    byPhase.values().forEach(ds::addSeries);
    XYBarRenderer renderer = new XYBarRenderer();
    renderer.setUseYInterval(true);
    // Outlines separate a few tasks; on thousands of short ones they would hide the fills.
    renderer.setDrawBarOutline(d.tasks().size() <= OUTLINED_TASKS);
    for (int i = 0; i < ds.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, Palette.fill(i));
      renderer.setSeriesOutlinePaint(i, Color.DARK_GRAY);
    }
    NumberAxis time = new NumberAxis("time since the run started (s)");
    time.setLowerBound(0);
    time.setUpperBound(Math.max(1.0, d.run().wallMs() / 1000.0));
    SymbolAxis slots = new SymbolAxis("executor task slot", layout.slots().toArray(new String[0]));
    slots.setGridBandsVisible(false);
    XYPlot plot = new XYPlot(ds, time, slots, renderer);
    return new JFreeChart(
        "Spark tasks of " + d.id() + " (" + d.run().job() + ")", Palette.TITLE, plot, true);
  }
}

package io.verdant.jobs.report;

import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.ledger.LedgerSummary.Line;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SubCategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.GroupedStackedBarRenderer;
import org.jfree.data.KeyToGroupMap;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Energy by phase and component (CPU, memory, GPU) as stacked bars, one stack per executor within
 * each phase: the ledger's {@code energy} rows summed per phase, executor and component.
 */
final class EnergySection extends PerRunSection {
  /** Components in a fixed order, so each keeps its fill in every chart. */
  static final List<String> COMPONENTS = List.of("cpu", "memory", "gpu");

  private static final String SEP = " @ ";

  EnergySection() {
    super("energy", "Energy by phase and component", d -> !d.energy().isEmpty());
  }

  @Override
  String run(RunData d, ChartSink charts) {
    return figure(
        charts,
        "-" + d.id(),
        chart(d),
        height(d),
        "IT energy (Wh, before PUE) of run "
            + d.id()
            + " per phase; each bar one executor, split by component.");
  }

  static int componentIndex(String component) {
    int i = COMPONENTS.indexOf(component);
    return i >= 0 ? i : COMPONENTS.size();
  }

  private static List<String> executors(RunData d) {
    return List.copyOf(new TreeSet<>(d.energy().stream().map(EnergyRow::executorId).toList()));
  }

  private static List<String> phases(RunData d) {
    return d.lines().stream().map(Line::name).filter(n -> !LedgerSummary.TOTAL.equals(n)).toList();
  }

  private static int height(RunData d) {
    return 170 + phases(d).size() * Math.max(40, 26 * executors(d).size());
  }

  private static JFreeChart chart(RunData d) {
    List<String> executors = executors(d);
    List<String> components =
        new ArrayList<>(new TreeSet<>(d.energy().stream().map(EnergyRow::component).toList()));
    components.sort((a, c) -> Integer.compare(componentIndex(a), componentIndex(c)));
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    KeyToGroupMap groups = new KeyToGroupMap(executors.get(0));
    for (String c : components) {
      for (String e : executors) {
        groups.mapKeyToGroup(c + SEP + e, e);
        for (String phase : phases(d)) {
          ds.addValue(sumWh(d, phase, e, c), c + SEP + e, phase);
        }
      }
    }
    GroupedStackedBarRenderer renderer = new GroupedStackedBarRenderer();
    renderer.setSeriesToGroupMap(groups);
    renderer.setItemMargin(0.08);
    renderer.setDrawBarOutline(true);
    LegendItemCollection legend = new LegendItemCollection();
    for (int row = 0; row < ds.getRowCount(); row++) {
      String component = String.valueOf(ds.getRowKey(row)).split(SEP)[0];
      renderer.setSeriesPaint(row, Palette.fill(componentIndex(component)));
      renderer.setSeriesOutlinePaint(row, Color.DARK_GRAY);
    }
    for (String c : components) {
      legend.add(
          new LegendItem(
              c,
              null,
              null,
              null,
              new Rectangle(-7, -7, 14, 14),
              Palette.fill(componentIndex(c)),
              new BasicStroke(1f),
              Color.DARK_GRAY));
    }
    CategoryAxis phaseAxis = executors.size() > 1 ? subAxis(executors) : new CategoryAxis("phase");
    NumberAxis wh = new NumberAxis("energy (Wh)");
    CategoryPlot plot = new CategoryPlot(ds, phaseAxis, wh, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setFixedLegendItems(legend);
    return new JFreeChart(
        "Energy of " + d.id() + " (" + d.run().job() + ") by phase", Palette.TITLE, plot, true);
  }

  private static SubCategoryAxis subAxis(List<String> executors) {
    SubCategoryAxis a = new SubCategoryAxis("phase / executor");
    executors.forEach(a::addSubCategory);
    return a;
  }

  private static double sumWh(RunData d, String phase, String executor, String component) {
    return d.energy().stream()
            .filter(p -> phase.equals(p.phase() == null ? LedgerSummary.OUTSIDE_PHASES : p.phase()))
            .filter(p -> executor.equals(p.executorId()) && component.equals(p.component()))
            .mapToDouble(EnergyRow::energyJ)
            .sum()
        / 3600.0;
  }
}

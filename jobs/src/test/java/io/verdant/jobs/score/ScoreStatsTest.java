package io.verdant.jobs.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The metrics of a score run from its merged counts. */
class ScoreStatsTest {
  @Test
  void accuracyAndMacroF1FromTheConfusionMatrix() {
    // labels 0,0,0,1,1,2 predicted 0,0,1,1,2,2; class 3 never occurs and does not count.
    int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 2}};
    ScoreStats a = new ScoreStats(4);
    ScoreStats b = new ScoreStats(4);
    for (int i = 0; i < pairs.length; i++) {
      (i % 2 == 0 ? a : b).addClass(pairs[i][0], pairs[i][1]);
    }
    a.merge(b);
    ScoreSummary.Metrics m = a.metrics();
    assertEquals(6, m.labeled());
    assertEquals(4.0 / 6, m.accuracy(), 1e-12);
    // F1: class 0 2*2/(3+2) = 0.8, class 1 2*1/(2+2) = 0.5, class 2 2*1/(1+2) = 2/3.
    assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, m.macroF1(), 1e-12);
    assertNull(m.rmse());
  }

  @Test
  void regressionMetricsFromSufficientStatistics() {
    double[] y = {1, 2, 3, 4};
    double[] p = {1.5, 2, 2, 5};
    ScoreStats s = new ScoreStats(0);
    for (int i = 0; i < y.length; i++) {
      s.addValue(y[i], p[i]);
    }
    ScoreSummary.Metrics m = s.metrics();
    double sse = 0.25 + 0 + 1 + 1;
    assertEquals(Math.sqrt(sse / 4), m.rmse(), 1e-12);
    assertEquals((0.5 + 0 + 1 + 1) / 4, m.mae(), 1e-12);
    assertEquals(1 - sse / 5.0, m.r2(), 1e-12);
    assertNull(m.accuracy());
  }

  @Test
  void unlabeledRowsHaveNoMetrics() {
    ScoreStats s = new ScoreStats(3);
    s.predictions = 10;
    ScoreSummary.Metrics m = s.metrics();
    assertEquals(0, m.labeled());
    assertNull(m.accuracy());
    assertNull(m.macroF1());
  }
}

package io.verdant.common.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.VerdantException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SignalSeriesTest {
  static final long H = 3_600_000L;

  static SignalRow carbon(long from, long to, double v, Long issued) {
    return new SignalRow("Z", Signal.CARBON_INTENSITY, null, from, to, v, issued);
  }

  /**
   * Two issues cover hour 1; a decision uses the latest issued strictly before it, never one issued
   * at or after it.
   */
  @Test
  void aDecisionUsesTheLatestIssueMadeBeforeIt() {
    List<SignalRow> rows =
        List.of(
            carbon(0, H, 100, null),
            carbon(H, 2 * H, 110, null),
            carbon(0, 2 * H, 50, -2 * H),
            carbon(H, 2 * H, 70, -H));
    SignalSeries s = SignalSeries.of(rows, "z", Signal.CARBON_INTENSITY, "--signals f");
    Curve atSecondIssue = s.knownAt(-H);
    assertEquals(50, atSecondIssue.valueAt(H / 2));
    assertEquals(
        50, atSecondIssue.valueAt(3 * H / 2), "issued at the decision time: not yet usable");
    assertEquals(-2 * H, atSecondIssue.issuedAt(3 * H / 2));
    Curve after = s.knownAt(-H + 1);
    assertEquals(50, after.valueAt(H / 2));
    assertEquals(70, after.valueAt(3 * H / 2));
    assertEquals(-2 * H, after.oldestIssue(0, 2 * H));
    assertEquals(-H, after.oldestIssue(H, 2 * H));
    // Before any issue: the actuals (a plan's fallback data), and no forecasts at all (a
    // back-test's view).
    assertEquals(100, s.knownAt(-3 * H).valueAt(0));
    assertEquals(Curve.ACTUAL, s.knownAt(-3 * H).issuedAt(0));
    assertEquals(OptionalLong.of(0), s.forecastsAt(-3 * H).firstGap(0, 2 * H));
    assertEquals(110, s.actuals().valueAt(H));
    assertEquals(Long.MAX_VALUE, s.actuals().oldestIssue(0, 2 * H));
  }

  @Test
  void integralsMeansAndGaps() {
    Curve c =
        SignalSeries.of(
                List.of(carbon(0, H, 100, null), carbon(2 * H, 3 * H, 300, null)),
                "Z",
                Signal.CARBON_INTENSITY,
                "f")
            .actuals();
    assertEquals(100.0 * H / 2 + 300.0 * H / 4, c.integral(H / 2, 9 * H / 4));
    assertEquals(100, c.mean(0, H));
    assertEquals(OptionalLong.empty(), c.firstGap(0, H));
    assertEquals(OptionalLong.of(H), c.firstGap(H / 2, 5 * H / 2));
    assertEquals(OptionalLong.of(3 * H), c.firstGap(2 * H, 4 * H));
    assertEquals(OptionalLong.of(-1), c.firstGap(-1, H));
    assertTrue(Double.isNaN(c.valueAt(3 * H / 2)));
    assertEquals(
        List.of(0L, H, 2 * H, 3 * H),
        java.util.Arrays.stream(c.changesIn(0, 3 * H)).boxed().toList());
  }

  @Test
  void zonesMatchIgnoringCaseAndZonelessRowsMatchAll() {
    List<SignalRow> rows =
        List.of(
            carbon(0, H, 1, null),
            new SignalRow(SignalFile.ANY_ZONE, Signal.CARBON_INTENSITY, null, H, 2 * H, 2, null),
            new SignalRow("Y", Signal.CARBON_INTENSITY, null, 2 * H, 3 * H, 3, null));
    Curve c = SignalSeries.of(rows, "z", Signal.CARBON_INTENSITY, "f").actuals();
    assertEquals(OptionalLong.of(2 * H), c.firstGap(0, 3 * H));
    assertTrue(SignalSeries.of(rows, "z", Signal.PRICE, "f").isEmpty());
  }

  @Test
  void oneZoneHasOneCurrency() {
    List<SignalRow> rows =
        List.of(
            new SignalRow("Z", Signal.PRICE, "EUR", 0, H, 1, null),
            new SignalRow("Z", Signal.PRICE, "USD", H, 2 * H, 1, null));
    assertEquals(
        "--signals f: zone Z has prices in several currencies (EUR, USD); give one currency per zone",
        assertThrows(
                VerdantException.class,
                () -> SignalSeries.of(rows, "Z", Signal.PRICE, "--signals f"))
            .getMessage());
    assertEquals("EUR", SignalSeries.of(rows.subList(0, 1), "Z", Signal.PRICE, "f").currency());
  }
}

package io.verdant.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.verdant.common.run.JobRun;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger prices a run's predictions once its energy is known. */
class PredictionCostTest {
  @Test
  void aRunThatCountedPredictionsGetsItsCostPer1000() {
    Map<String, String> a =
        LedgerRecorder.attributes(Map.of(JobRun.PREDICTIONS, "4000", "model", "m"), 10.0, 0.002);
    assertEquals("2.5", a.get(LedgerRecorder.ENERGY_PER_1000_PREDICTIONS));
    assertEquals("5.0E-4", a.get(LedgerRecorder.CO2E_PER_1000_PREDICTIONS));
    assertEquals("m", a.get("model"));
  }

  @Test
  void otherRunsKeepTheirAttributes() {
    assertEquals(
        Map.of("model", "m"), LedgerRecorder.attributes(Map.of("model", "m"), 10.0, 0.002));
    assertEquals(
        Map.of(JobRun.PREDICTIONS, "0"),
        LedgerRecorder.attributes(Map.of(JobRun.PREDICTIONS, "0"), 10.0, 0.002));
  }
}

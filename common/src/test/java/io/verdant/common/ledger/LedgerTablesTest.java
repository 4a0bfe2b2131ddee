package io.verdant.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.verdant.common.energy.EnergyRow;
import org.junit.jupiter.api.Test;

/**
 * Each table's row, written to a record and read back from it by the same columns, is unchanged.
 */
class LedgerTablesTest {
  @Test
  void aRunRowReadsBackAsWritten() {
    RunRow run = LedgerFixtures.run("r1", 1_000L, "failed", 3600);
    assertEquals(run, LedgerTables.runRow(LedgerTables.runGroup(run)));
  }

  @Test
  void aRunRowWithoutItsOptionalFieldsReadsBackAsWritten() {
    RunRow run = LedgerFixtures.run("r2", 1_000L, "succeeded", 0);
    assertNull(run.errorMessage());
    assertEquals(run, LedgerTables.runRow(LedgerTables.runGroup(run)));
  }

  @Test
  void energyRowsReadBackAsWritten() {
    for (EnergyRow e : LedgerFixtures.energy(1_000L, 7200)) {
      assertEquals(e, LedgerTables.energyRow(LedgerTables.energyGroup("r1", "test", e)));
    }
    EnergyRow outside =
        new EnergyRow(
            null,
            "h",
            "driver",
            "cpu",
            null,
            1,
            2,
            0.001,
            0.5,
            0,
            0,
            "tdp-model",
            1,
            0,
            null,
            null,
            0,
            3);
    assertEquals(outside, LedgerTables.energyRow(LedgerTables.energyGroup("r1", "test", outside)));
  }

  @Test
  void taskRowsReadBackAsWritten() {
    for (TaskRow t : LedgerFixtures.tasks(2)) {
      assertEquals(t, LedgerTables.taskRow(LedgerTables.taskGroup("r1", "test", t)));
    }
  }
}

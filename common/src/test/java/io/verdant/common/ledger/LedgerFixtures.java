package io.verdant.common.ledger;

import io.verdant.common.energy.EnergyRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows for ledger tests, and a main that writes runs forever (killed with -9 by a test). */
public final class LedgerFixtures {
  private LedgerFixtures() {}

  public static RunRow run(String runId, long startMs, String status, double energyJ) {
    Map<String, Long> walls = new LinkedHashMap<>();
    walls.put("read", 100L);
    walls.put("write", 200L);
    return new RunRow(
        runId,
        "test",
        List.of("read", "write"),
        walls,
        "{\"--x\":\"1\"}",
        "mnist",
        null,
        "{\"dataset\":\"mnist\"}",
        status,
        status.equals("failed") ? "boom" : null,
        startMs,
        startMs + 300,
        energyJ,
        energyJ / 3.6e6 * 475,
        1.5,
        3,
        "cpu=tdp-model; memory=model",
        1.0,
        475,
        "world",
        "default",
        "local-1",
        "local[2]",
        "0.1",
        "3.5.7",
        "1.0.0-M2.1",
        "17");
  }

  public static List<EnergyRow> energy(long startMs, double energyJ) {
    List<EnergyRow> rows = new ArrayList<>();
    rows.add(
        new EnergyRow(
            "read",
            "h",
            "driver",
            "cpu",
            "AMD EPYC",
            startMs,
            startMs + 100,
            0.1,
            energyJ * 0.9,
            1.5,
            0.5,
            "tdp-model",
            1.0,
            475,
            "world",
            "default",
            energyJ * 0.9 / 3.6e6 * 475,
            1));
    rows.add(
        new EnergyRow(
            "write",
            "h",
            "driver",
            "memory",
            "dram",
            startMs + 100,
            startMs + 300,
            0.2,
            energyJ * 0.1,
            0,
            0.1,
            "model",
            1.0,
            475,
            "world",
            "default",
            energyJ * 0.1 / 3.6e6 * 475,
            1));
    return rows;
  }

  public static List<TaskRow> tasks(int n) {
    List<TaskRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          new TaskRow(
              "read",
              0,
              1,
              0,
              "count at X.java:1",
              i,
              i,
              0,
              "driver",
              "localhost",
              "succeeded",
              1000,
              1100,
              100,
              new TaskRow.Metrics(
                  90, 80.5, 3, 1, 1, 1000, 10, 0, 0, 0, 0, 0, 0, 0, 0, 4096, 1200)));
    }
    return rows;
  }

  /** Writes runs {@code <prefix>-0, -1, ...} to the ledger at args[0] until killed. */
  public static void main(String[] args) {
    LedgerWriter w = new LedgerWriter(args[0], new org.apache.hadoop.conf.Configuration());
    for (int i = 0; ; i++) {
      long start = System.currentTimeMillis();
      w.write(run(args[1] + "-" + i, start, "succeeded", 10), energy(start, 10), tasks(100));
    }
  }
}

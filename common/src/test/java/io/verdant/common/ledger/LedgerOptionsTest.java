package io.verdant.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.verdant.common.VerdantException;
import io.verdant.common.energy.GpuSample;
import io.verdant.common.energy.Interval;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LedgerOptionsTest {
  @Test
  void theLedgerRootFollowsOptionThenEnvironment() {
    assertEquals("/x", new LedgerLocation("/x").root(Map.of("VERDANT_LEDGER", "/l")));
    assertEquals(
        "/l",
        new LedgerLocation(null).root(Map.of("VERDANT_LEDGER", "/l", "VERDANT_WORK_DIR", "/w")));
    assertEquals("/w/ledger", new LedgerLocation(null).root(Map.of("VERDANT_WORK_DIR", "/w")));
    assertEquals("verdant-work/ledger", new LedgerLocation(null).root(Map.of()));
  }

  @Test
  void optionsAreParsedAndValidated() {
    LedgerOptions o = new LedgerOptions();
    new CommandLine(o)
        .parseArgs(
            "--pue", "1.2", "--region", "DE", "--grid-intensity", "380", "--cpu-tdp-watts", "9");
    o.validate();
    assertEquals(1.2, o.settings(new org.apache.hadoop.conf.Configuration()).pue());
    assertEquals(380.0, o.settings(new org.apache.hadoop.conf.Configuration()).grid().at(0));
    assertEquals(
        "--grid-intensity", o.settings(new org.apache.hadoop.conf.Configuration()).grid().source());
    LedgerOptions bad = new LedgerOptions();
    new CommandLine(bad).parseArgs("--pue", "0.9");
    assertEquals(
        "--pue must be at least 1, cannot be: 0.9",
        assertThrows(VerdantException.class, bad::validate).getMessage());
    LedgerOptions both = new LedgerOptions();
    new CommandLine(both).parseArgs("--grid-intensity", "1", "--grid-intensity-csv", "x.csv");
    assertEquals(
        "--grid-intensity and --grid-intensity-csv cannot be used together, given: 1.0 and x.csv",
        assertThrows(VerdantException.class, both::validate).getMessage());
    LedgerOptions conf =
        LedgerOptions.fromConf(
            new SparkConf(false)
                .set("spark.verdant.pue", "1.1")
                .set("spark.verdant.cpuTdpWatts", "5")
                .set("spark.verdant.ledger", "/c"));
    assertEquals("/c", conf.root());
    assertEquals(5.0, conf.settings(new org.apache.hadoop.conf.Configuration()).cpuWattsPerCore());
  }

  /** What executors send over the plugin RPC survives Java serialization. */
  @Test
  void intervalsSerialize() throws Exception {
    Interval i =
        new Interval(
            "h",
            "3",
            42,
            1,
            1001,
            8,
            "cpu",
            5,
            10,
            100,
            1 << 20,
            1 << 30,
            7,
            8,
            List.of(new GpuSample(0, "gpu", 1.5, Double.NaN, 50, 1, 2)));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(b)) {
      o.writeObject(i);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
      assertEquals(i, in.readObject());
    }
  }
}

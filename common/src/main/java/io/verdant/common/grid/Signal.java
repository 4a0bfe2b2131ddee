package io.verdant.common.grid;

import io.verdant.common.VerdantException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a grid series measures: carbon intensity (gCO2e/kWh) or the energy price (currency per MWh).
 */
public enum Signal {
  CARBON_INTENSITY("carbon_intensity", "gCO2e/kWh"),
  PRICE("price", "per MWh");

  private final String id;
  private final String unit;

  Signal(String id, String unit) {
    this.id = id;
    this.unit = unit;
  }

  /** The name in signal files: {@code carbon_intensity} or {@code price}. */
  public String id() {
    return id;
  }

  public String unit() {
    return unit;
  }

  /** The signal named in a file; {@code where} names the file and line for the error. */
  public static Signal parse(String name, String where) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(s -> s.id.equals(n))
        .findFirst()
        .orElseThrow(
            () ->
                VerdantException.of(
                    "%s: signal must be carbon_intensity or price, cannot be: '%s'", where, name));
  }

  @Override
  public String toString() {
    return id;
  }
}

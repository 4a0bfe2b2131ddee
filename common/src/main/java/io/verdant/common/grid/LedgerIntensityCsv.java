package io.verdant.common.grid;

import io.verdant.common.energy.GridIntensity;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The ledger's {@code timestamp,g_per_kwh} CSV (read by {@link GridIntensity}): carbon intensity
 * actuals of no particular zone, each lasting until the next timestamp (the last one for the median
 * step).
 */
final class LedgerIntensityCsv implements SignalFormat {
  static final String HEADER = "timestamp,g_per_kwh";

  @Override
  public List<SignalRow> read(FileSystem fs, Path path, Source source) {
    String label = source.label();
    List<GridIntensity.Step> steps =
        GridIntensity.csv(source.file(), fs.getConf(), source.option()).steps();
    long[] starts = steps.stream().mapToLong(GridIntensity.Step::fromMs).toArray();
    long[] ends = SignalFile.endsOfSteps(starts, label);
    List<SignalRow> rows = new ArrayList<>();
    for (int i = 0; i < starts.length; i++) {
      rows.add(
          SignalRow.checked(
              label,
              SignalFile.ANY_ZONE,
              Signal.CARBON_INTENSITY,
              null,
              starts[i],
              ends[i],
              null,
              steps.get(i).gPerKwh(),
              null));
    }
    return rows;
  }
}

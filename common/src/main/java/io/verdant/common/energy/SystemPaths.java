package io.verdant.common.energy;

import java.io.Serializable;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the samplers read the machine: the proc filesystem, the powercap (RAPL) tree and the {@code
 * nvidia-smi} executable. Injectable so tests read fake trees written under a temporary folder.
 *
 * @param procRoot normally {@code /proc}
 * @param powercapRoot normally {@code /sys/class/powercap}
 * @param nvidiaSmi the command to run, normally {@code nvidia-smi} looked up on the PATH; empty
 *     disables GPUs
 */
public record SystemPaths(String procRoot, String powercapRoot, String nvidiaSmi)
    implements Serializable {
  public static final String CONF_PROC_ROOT = "spark.verdant.procRoot";
  public static final String CONF_POWERCAP_ROOT = "spark.verdant.powercapRoot";
  public static final String CONF_NVIDIA_SMI = "spark.verdant.nvidiaSmi";

  public static SystemPaths defaults() {
    return new SystemPaths("/proc", "/sys/class/powercap", "nvidia-smi");
  }

  public Path proc(String first, String... more) {
    return Paths.get(procRoot, first).resolve(Paths.get("", more));
  }

  public Path powercap() {
    return Paths.get(powercapRoot);
  }
}

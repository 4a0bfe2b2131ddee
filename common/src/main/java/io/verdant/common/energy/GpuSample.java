package io.verdant.common.energy;

import java.io.Serializable;

/**
 * One NVIDIA GPU over one sampling interval.
 *
 * @param index the GPU's index on its host
 * @param name the product name
 * @param powerW the power draw at the end of the interval in watts (NaN if not reported)
 * @param energyJ joules from the driver's energy counter over the interval (NaN if the counter is
 *     not reported)
 * @param utilizationPct GPU utilization, percent
 * @param memoryUsedBytes GPU memory in use
 * @param memoryTotalBytes GPU memory in total
 */
public record GpuSample(
    int index,
    String name,
    double powerW,
    double energyJ,
    double utilizationPct,
    long memoryUsedBytes,
    long memoryTotalBytes)
    implements Serializable {}

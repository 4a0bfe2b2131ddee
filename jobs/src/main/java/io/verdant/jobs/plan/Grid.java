package io.verdant.jobs.plan;

import io.verdant.common.grid.Curve;

/**
 * The grid as one decision sees it: carbon intensity and price curves (null when the signal file
 * has none for the zone), the price's currency, and the PUE that turns IT energy into facility
 * energy.
 */
public record Grid(Curve carbon, Curve price, String currency, double pue) {}

#!/usr/bin/env python3
"""Writes testdata/grid/synthetic-signals.csv: SYNTHETIC grid signals for tests and the scheduling docs.

usage: scripts/make-grid-signals.py <out file>

No hourly grid series ships in any package reachable from this project's machines, so this one is invented:
five days (2026-03-01 to 2026-03-06, UTC) of one zone named SYNTHETIC, hourly:
  carbon_intensity (gCO2e/kWh): a day-night cycle peaking at 19:00 and lowest before dawn, a solar dip of up to
    200 g around 12:00 (07:00-17:00), a daily wind offset, and a little deterministic noise;
  price (EUR/MWh): the same shape (it goes below zero at midday on the windy third day);
  actuals: rows without issued_at;
  forecasts that differ from the actuals: a day-ahead issue every day at 12:00 covering the rest of that day and
    the next (its solar dip 15% shallower and an hour late, 70% of the wind offset, noise growing with the lead
    time), and an intraday issue every day at 06:00 covering the rest of the day (90% of the wind offset, less noise).
The output is deterministic (a fixed linear congruential generator, no randomness from the system).
"""
import math
import sys
from datetime import datetime, timedelta, timezone

ZONE = "SYNTHETIC"
START = datetime(2026, 3, 1, tzinfo=timezone.utc)
DAYS = 5
HOURS = DAYS * 24
WIND_G = [0, -40, -110, 10, -60]          # carbon offset per day, g/kWh
WIND_EUR = [0, -12, -35, 4, -18]          # price offset per day, EUR/MWh


class Lcg:
    """Numerical Recipes' LCG: the same numbers on every machine."""

    def __init__(self, seed):
        self.state = seed

    def uniform(self):
        self.state = (1664525 * self.state + 1013904223) % 2**32
        return self.state / 2**32 * 2 - 1   # in [-1, 1)


def solar(hod, shift=0.0, depth=1.0):
    x = (hod - 7 - shift) / 10
    return depth * math.sin(math.pi * x) if 0 <= x <= 1 else 0.0


def evening(hod):
    return math.cos(2 * math.pi * (hod - 19) / 24)


def carbon(h, rng, noise, shift=0.0, depth=1.0, wind=1.0):
    hod, day = h % 24, h // 24
    v = 380 + 90 * evening(hod) - 200 * solar(hod, shift, depth) + wind * WIND_G[day] + noise * rng.uniform()
    return round(max(20.0, v), 1)


def price(h, rng, noise, shift=0.0, depth=1.0, wind=1.0):
    hod, day = h % 24, h // 24
    v = 95 + 45 * evening(hod) - 70 * solar(hod, shift, depth) + wind * WIND_EUR[day] + noise * rng.uniform()
    return round(v, 2)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def rows():
    rng = Lcg(20260301)
    out = []
    for h in range(HOURS):
        t = START + timedelta(hours=h)
        out.append(("carbon_intensity", t, carbon(h, rng, 15), "", ""))
        out.append(("price", t, price(h, rng, 6), "EUR", ""))
    for day in range(DAYS):
        # Day-ahead: issued at 12:00, covering 12:00 today to 24:00 tomorrow.
        issued = START + timedelta(days=day, hours=12)
        for h in range(day * 24 + 12, min(HOURS, day * 24 + 48)):
            lead = h - (day * 24 + 12)
            t = START + timedelta(hours=h)
            out.append(("carbon_intensity", t, carbon(h, rng, 10 + 0.8 * lead, 1.0, 0.85, 0.7), "", iso(issued)))
            out.append(("price", t, price(h, rng, 4 + 0.3 * lead, 1.0, 0.85, 0.7), "EUR", iso(issued)))
        # Intraday: issued at 06:00, covering 06:00 to 24:00 today.
        issued = START + timedelta(days=day, hours=6)
        for h in range(day * 24 + 6, day * 24 + 24):
            lead = h - (day * 24 + 6)
            t = START + timedelta(hours=h)
            out.append(("carbon_intensity", t, carbon(h, rng, 5 + 0.3 * lead, 0.0, 0.95, 0.9), "", iso(issued)))
            out.append(("price", t, price(h, rng, 2 + 0.1 * lead, 0.0, 0.95, 0.9), "EUR", iso(issued)))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], "w", encoding="utf-8", newline="\n") as f:
        f.write("# SYNTHETIC grid signals: invented for Verdant's tests and docs, not measurements of any real grid.\n")
        f.write("# Made by scripts/make-grid-signals.py; zone SYNTHETIC, 2026-03-01..2026-03-06 UTC, hourly.\n")
        f.write("# Rows without issued_at are the actuals; rows with issued_at are forecasts issued at that time.\n")
        f.write("zone,signal,valid_from,valid_to,value,currency,issued_at\n")
        for signal, t, value, currency, issued in rows():
            f.write(f"{ZONE},{signal},{iso(t)},{iso(t + timedelta(hours=1))},{value},{currency},{issued}\n")


if __name__ == "__main__":
    main()

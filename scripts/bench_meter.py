#!/usr/bin/env python3
"""Runs a command and meters it as Verdant's ledger does (tdp-model CPU method plus the memory
model): energy = CPU-seconds x watts per busy core + resident GiB x seconds x watts per GiB, for the
command's whole process tree, sampled every --interval seconds from /proc.

Every line the command prints goes to stdout prefixed with "@ <seconds> <cpu-s> <joules>": the
metered totals since the command started when the line appeared. A last line
"@ <s> <cpu-s> <J> meter end wall <s> s cpu <s> s energy <J> J peak-rss <GiB> GiB" closes the run.
The exit status is the command's.

    bench_meter.py [--watts-per-core 12] [--memory-watts-per-gib 0.3725] [--interval 0.1] -- CMD...
"""
import argparse
import os
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(root):
    """The pids of root and all its live descendants."""
    children = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(pid))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def sample(pid):
    """(CPU seconds including reaped children, resident bytes) of one process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return None
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / TICK, rss


class Meter:
    def __init__(self, root, watts_per_core, watts_per_gib, interval):
        self.root, self.wc, self.wg, self.interval = root, watts_per_core, watts_per_gib, interval
        self.t0 = time.monotonic()
        self.cpu = {}  # pid -> last CPU seconds seen (a process that exits keeps its last figure)
        self.gib_s = 0.0
        self.peak = 0.0
        self.last = self.t0
        self.lock = threading.Lock()
        self.done = threading.Event()

    def poll(self):
        now = time.monotonic()
        rss = 0
        for pid in tree(self.root):
            s = sample(pid)
            if s:
                # The last figure of each process; totals() counts live descendants only, since a
                # reaped child's CPU is already in its parent's cutime.
                self.cpu[pid] = s[0]
                rss += s[1]
        with self.lock:
            gib = rss / 2**30
            self.gib_s += gib * (now - self.last)
            self.peak = max(self.peak, gib)
            self.last = now

    def totals(self):
        with self.lock:
            cpu = self.cpu.get(self.root, 0.0)
            # Live descendants not yet reaped into the root's cutime.
            cpu += sum(v for p, v in self.cpu.items() if p != self.root and os.path.exists(f"/proc/{p}"))
            return time.monotonic() - self.t0, cpu, cpu * self.wc + self.gib_s * self.wg

    def loop(self):
        while not self.done.wait(self.interval):
            self.poll()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--watts-per-core", type=float, default=12.0)
    p.add_argument("--memory-watts-per-gib", type=float, default=0.3725)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        p.error("a command to meter is required after --")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
    m = Meter(proc.pid, a.watts_per_core, a.memory_watts_per_gib, a.interval)
    threading.Thread(target=m.loop, daemon=True).start()
    for line in proc.stdout:
        m.poll()
        t, c, j = m.totals()
        sys.stdout.write(f"@ {t:.2f} {c:.2f} {j:.1f} {line}")
        sys.stdout.flush()
    # The last sample before exit; the root's own final CPU comes from wait4's rusage.
    m.poll()
    _, status, usage = os.wait4(proc.pid, 0)
    m.done.set()
    t, _, _ = m.totals()
    cpu = usage.ru_utime + usage.ru_stime
    joules = cpu * a.watts_per_core + m.gib_s * a.memory_watts_per_gib
    print(f"@ {t:.2f} {cpu:.2f} {joules:.1f} meter end wall {t:.2f} s cpu {cpu:.2f} s "
          f"energy {joules:.1f} J peak-rss {m.peak:.2f} GiB", flush=True)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())

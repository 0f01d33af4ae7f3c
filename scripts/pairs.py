#!/usr/bin/env python3
"""Times two whole commands side by side: A B A B ..., each run's CPU (user + system)
and peak memory from the operating system's own accounting of the finished child
(wait4), and the ratio A/B pair by pair, so that a machine whose speed drifts during
the run still gives a fair ratio. Prints min / median / max; quote the median.

    scripts/pairs.py [-n RUNS] [--label-a A] [--label-b B] [--shell] 'COMMAND A' 'COMMAND B'

Each command is one string, split into words as a shell would and started directly
(with --shell, run by /bin/sh: for loops and pipes); its output is thrown away.
"""
import argparse
import shlex
import os
import statistics
import subprocess
import sys
import time


def run(command, shell):
    start = time.monotonic()
    argv = ["/bin/sh", "-c", command] if shell else shlex.split(command)
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def spread(values, unit, scale=1.0):
    values = sorted(v * scale for v in values)
    return f"{values[0]:.2f} / {statistics.median(values):.2f} / {values[-1]:.2f} {unit}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=21)
    parser.add_argument("--label-a", default="A")
    parser.add_argument("--label-b", default="B")
    parser.add_argument("--shell", action="store_true")
    parser.add_argument("commands", nargs=2)
    args = parser.parse_args()
    a, b = args.commands
    run(a, args.shell), run(b, args.shell)  # warm-up: binaries and files in the page cache
    results = {"a": [], "b": []}
    for _ in range(args.n):
        results["a"].append(run(a, args.shell))
        results["b"].append(run(b, args.shell))
    for key, label, command in (("a", args.label_a, a), ("b", args.label_b, b)):
        rows = results[key]
        codes = sorted({r[3] for r in rows})
        print(f"{label}: {command}")
        print(f"  cpu  {spread([r[0] for r in rows], 'ms', 1000)}   (min / median / max of {len(rows)} runs)")
        print(f"  wall {spread([r[1] for r in rows], 'ms', 1000)}")
        print(f"  peak {spread([r[2] for r in rows], 'MB', 1 / 1024)}   exit {codes}")
    ratios = [x[0] / y[0] for x, y in zip(results["a"], results["b"]) if y[0] > 0]
    if ratios:
        print(f"{args.label_a}/{args.label_b} cpu, pair by pair: {spread(ratios, 'x')}")


if __name__ == "__main__":
    sys.exit(main())

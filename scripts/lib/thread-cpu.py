"""Where a process's CPU goes, thread by thread, over a window of a steady load.

    python3 scripts/lib/thread-cpu.py PID SECONDS RATE

Reads /proc/PID/task/*/stat and status at the start and the end of SECONDS and prints, per thread name (the .NET
runtime names its threads: ".NET TP Worker", ".NET Timer", ".NET Sockets"...; numbered names are grouped), the user
and system CPU and the voluntary and involuntary context switches per payment, RATE payments a second assumed (an
open-loop load at RATE), and the process's own total, which also counts threads that ended within the window.
"""
import collections
import os
import re
import sys
import time

pid, seconds, rate = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
tick = 1e6 / os.sysconf("SC_CLK_TCK")  # microseconds a clock tick


def times(stat):
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])  # utime, stime


def threads():
    seen = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            switches = {k: int(v) for k, v in (line.split(":") for line in open(f"/proc/{pid}/task/{tid}/status") if "ctxt_switches" in line)}
        except OSError:
            continue  # ended meanwhile
        name = re.sub(r"\d+$", "#", stat[stat.index("(") + 1:stat.rindex(")")])
        seen[tid] = (name, *times(stat), switches["voluntary_ctxt_switches"], switches["nonvoluntary_ctxt_switches"])
    return seen


process_before, before = times(open(f"/proc/{pid}/stat").read()), threads()
time.sleep(seconds)
process_after, after = times(open(f"/proc/{pid}/stat").read()), threads()

payments = max(rate * seconds, 1)
rows = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
for tid, (name, *now) in after.items():
    start = before.get(tid, (name, 0, 0, 0, 0))[1:]
    row = rows[name]
    for i in range(4):
        row[i] += now[i] - start[i]
    row[4] += 1

print(f"{'thread':<18} {'threads':>7} {'user µs':>8} {'system µs':>9} {'switches':>8} {'preempted':>9}   (a payment, {seconds:.0f} s at {rate:.0f}/s)")
for name, (user, system, voluntary, involuntary, count) in sorted(rows.items(), key=lambda r: -(r[1][0] + r[1][1])):
    if max(user * tick, system * tick) / payments >= 0.05 or voluntary / payments >= 0.005:
        print(f"{name:<18} {count:>7} {user * tick / payments:>8.1f} {system * tick / payments:>9.1f} {voluntary / payments:>8.2f} {involuntary / payments:>9.2f}")
user, system = (process_after[i] - process_before[i] for i in range(2))
print(f"{'the process':<18} {'':>7} {user * tick / payments:>8.1f} {system * tick / payments:>9.1f}")

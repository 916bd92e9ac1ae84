#!/usr/bin/env python3
# The device alone: appends an 8 KB page to a file in FOLDER and fdatasyncs it, once a millisecond for SECONDS, and prints
# the latency quantiles. A flush stall that shows here is the device's, whatever the agent writes.
# The second line weighs the flushes by time, as the payments see them: one that arrives at a random instant, with one
# flush at a time as the journal's group commit does, waits for the rest of the flush under way and then a flush of its
# own. Its p99 is the device's floor for the acknowledgement's p99 (a stall of a second holds a second's payments, but
# counts once among the flushes).
#   python3 scripts/lib/flush-latency.py FOLDER [SECONDS]
import bisect, os, random, time, sys
folder = sys.argv[1]; seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
path = os.path.join(folder, "flush-latency.bin")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
page = b'x' * 8192
lat = []
starts = []
end = time.monotonic() + seconds
while time.monotonic() < end:
    t = time.monotonic(); os.write(fd, page); os.fdatasync(fd); lat.append(time.monotonic() - t); starts.append(t)
    time.sleep(0.001)
os.close(fd); os.unlink(path)
flushes = list(zip(starts, lat))
lat.sort(); n = len(lat)
q = lambda p: lat[min(n - 1, int(p * n))] * 1000
print(f"{n} appends of 8 KB + fdatasync in {seconds:.0f} s: p50 {q(.5):.3f} ms, p99 {q(.99):.3f} ms, p99.9 {q(.999):.2f} ms, max {lat[-1]*1000:.1f} ms, over 100 ms: {sum(1 for x in lat if x > .1)}")
random.seed(1)
waits = []
for _ in range(100_000):
    at = random.uniform(starts[0], starts[-1])
    k = bisect.bisect_right(starts, at) - 1
    rest = max(0.0, flushes[k][0] + flushes[k][1] - at)
    waits.append(rest + flushes[min(k + 1, n - 1)][1])
waits.sort()
w = lambda p: waits[min(len(waits) - 1, int(p * len(waits)))] * 1000
print(f"a payment at a random instant waits for the device (the rest of the flush under way, then its own): p50 {w(.5):.3f} ms, p99 {w(.99):.3f} ms, p99.9 {w(.999):.2f} ms")

#!/usr/bin/env python3
# The device alone: appends an 8 KB page to a file in FOLDER and fdatasyncs it, once a millisecond for SECONDS, and prints
# the latency quantiles. A flush stall that shows here is the device's, whatever the agent writes.
#   python3 scripts/lib/flush-latency.py FOLDER [SECONDS]
import os, time, sys
folder = sys.argv[1]; seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
path = os.path.join(folder, "flush-latency.bin")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
page = b'x' * 8192
lat = []
end = time.monotonic() + seconds
while time.monotonic() < end:
    t = time.monotonic(); os.write(fd, page); os.fdatasync(fd); lat.append(time.monotonic() - t)
    time.sleep(0.001)
os.close(fd); os.unlink(path)
lat.sort(); n = len(lat)
q = lambda p: lat[min(n - 1, int(p * n))] * 1000
print(f"{n} appends of 8 KB + fdatasync in {seconds:.0f} s: p50 {q(.5):.3f} ms, p99 {q(.99):.3f} ms, p99.9 {q(.999):.2f} ms, max {lat[-1]*1000:.1f} ms, over 100 ms: {sum(1 for x in lat if x > .1)}")

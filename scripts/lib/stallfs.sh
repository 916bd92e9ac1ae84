# A device whose flushes stall, for the benchmark and the pipelines evaluation: stallfs (scripts/lib/stallfs.c), a
# pass-through FUSE file system over a folder on the real disk, where every fsync/fdatasync does its real work and then
# waits out a stall when one is on. Stalls start at random moments, on average STALL_EVERY seconds apart, and last
# STALL_MIN to STALL_MAX seconds (default 0.4 to 2.2 s every 5 s: the flush stalls seen on this machine's disk and on
# edge nodes' eMMC and SD cards). Needs root (or user FUSE mounts), /dev/fuse, gcc, fuse3 and libfuse3-dev. Source it.

STALL_MIN=${STALL_MIN:-0.4}
STALL_MAX=${STALL_MAX:-2.2}
STALL_EVERY=${STALL_EVERY:-5}

# stallfs_build DIR: compiles stallfs into DIR (once).
stallfs_build() {
  local dir=$1 root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  [ -x "$dir/stallfs" ] && return 0
  gcc -O2 -Wall -o "$dir/stallfs" "$root/stallfs.c" $(pkg-config fuse3 --cflags --libs) -lm
}

# stallfs_mount DIR MOUNTPOINT BACKING LOG: mounts stallfs (built in DIR) over BACKING at MOUNTPOINT, stalls logged to
# LOG ("stall <seconds>" a line); sets stallfs_pid. Returns once the mount answers.
stallfs_mount() {
  local dir=$1 mountpoint=$2 backing=$3 log=$4
  mkdir -p "$mountpoint" "$backing"
  : > "$backing/.mounted"
  "$dir/stallfs" "$backing" "$mountpoint" --stalls "$STALL_MIN" "$STALL_MAX" "$STALL_EVERY" --log "$log" \
    > "$log.out" 2>&1 &
  stallfs_pid=$!
  for _ in $(seq 100); do
    [ -e "$mountpoint/.mounted" ] && return 0
    kill -0 "$stallfs_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "stallfs did not mount at $mountpoint: $(cat "$log.out")" >&2
  return 1
}

# stallfs_unmount MOUNTPOINT: unmounts (lazily, so a process still inside cannot keep it) and waits for stallfs to end.
stallfs_unmount() {
  fusermount3 -u -z "$1" 2>/dev/null || umount -l "$1" 2>/dev/null || true
  wait "$stallfs_pid" 2>/dev/null || true
}

# stallfs_summary LOG: how many stalls, their total and longest, in seconds.
stallfs_summary() {
  awk '$1 == "stall" { n++; total += $2; if ($2 > max) max = $2 } END { printf "%d stalls, %.1f s in all, longest %.2f s\n", n, total, max }' "$1"
}

#!/usr/bin/env bash
# Runs a command with a device whose flushes stall (scripts/lib/stallfs.sh): mounts stallfs at a fresh folder, exports
# its path as STALL_DIR, runs the command, unmounts, and says how many stalls there were.
#
#   scripts/stalling-device.sh COMMAND [ARGS...]
#   STALL_MIN=0.4 STALL_MAX=2.2 STALL_EVERY=5 scripts/stalling-device.sh ...     # the defaults
#
# The pipelines evaluation with every agent's data folder on it:
#   scripts/stalling-device.sh sh -c 'dotnet run -c Release --project src/EdgeAgent.Simulator -- pipelines \
#     --Evaluation:Output=artifacts/pipelines-stall --Evaluation:DataFolder="$STALL_DIR"'
# (scripts/benchmark.sh has its own switch: STALL=1.)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { sed -n 2,11p "$0" >&2; exit 2; }
source scripts/lib/stallfs.sh
work=$(mktemp -d "${STALL_WORK:-${TMPDIR:-/tmp}}/edgeagent-stall-XXXXXX")
stallfs_build "$work"
stallfs_mount "$work" "$work/mnt" "$work/backing" "$work/stalls.log"
trap 'stallfs_unmount "$work/mnt"; echo "stalling device: $(stallfs_summary "$work/stalls.log")" >&2; rm -rf "$work"' EXIT
echo "stalling device at $work/mnt: flushes stall ${STALL_MIN}-${STALL_MAX} s, every ${STALL_EVERY} s on average" >&2
STALL_DIR="$work/mnt" "$@"

#!/usr/bin/env bash
# A fuzz run with afl++ through SharpFuzz: builds the harness (tests/EdgeAgent.Fuzzing), instruments the agent's
# assemblies, runs one afl-fuzz instance on a target for a given time, then prints what it did and found.
#
#   scripts/fuzz.sh payment 20m      # parser, validation, tokenization, dead-letter skeleton
#   scripts/fuzz.sh packet 10m       # the embedded broker's packet guard and MQTTnet's packet reader
#
#   SEEDS=path/to/queue scripts/fuzz.sh payment 20m   # go on from an earlier run's queue instead of the seed corpus
#
# Duration in seconds, or with s, m or h (default 10m). Needs afl-fuzz (apt-get install afl++); the
# SharpFuzz instrumenter (dotnet tool SharpFuzz.CommandLine) is installed under artifacts/fuzz/tools when missing.
# Findings go to artifacts/fuzz/<target>/findings (crashes/, hangs/, queue/, fuzzer_stats); replay them with
#   dotnet artifacts/fuzz/bin/EdgeAgent.Fuzzing.dll <target> artifacts/fuzz/<target>/findings/default/crashes
# and copy each crash into tests/EdgeAgent.Fuzzing/corpus/regression/<target>/ once fixed (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=${1:-payment}
duration=${2:-10m}
case "$target" in payment | packet) ;; *) echo "usage: scripts/fuzz.sh <payment|packet> [duration]" >&2; exit 2 ;; esac
case "$duration" in
  *h) seconds=$((${duration%h} * 3600)) ;;
  *m) seconds=$((${duration%m} * 60)) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz is missing: apt-get install afl++" >&2; exit 1; }
out=artifacts/fuzz
tools=$out/tools
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# A fresh build each run: SharpFuzz instruments assemblies in place, and refuses one it has instrumented before.
rm -rf "$out/bin"
dotnet publish tests/EdgeAgent.Fuzzing -c Release -o "$out/bin" -p:RestoreLockedMode=true --nologo -v quiet >/dev/null
for assembly in EdgeAgent.Core EdgeAgent.Mqtt MQTTnet; do
  "$tools/sharpfuzz" "$out/bin/$assembly.dll" >/dev/null
done

findings=$out/$target/findings
rm -rf "$findings"
mkdir -p "$findings"
# The harness is a managed program run by dotnet, which afl cannot see instrumented (SharpFuzz feeds it the coverage),
# and the machine's cores are shared, so no core is pinned.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
seeds=${SEEDS:-tests/EdgeAgent.Fuzzing/corpus/$target}
afl-fuzz -i "$seeds" -o "$findings" -x "tests/EdgeAgent.Fuzzing/corpus/$target.dict" \
  -t 10000 -m none -V "$seconds" -- dotnet "$out/bin/EdgeAgent.Fuzzing.dll" "$target" > "$out/$target/afl.log" 2>&1 || {
  tail -40 "$out/$target/afl.log" >&2
  exit 1
}

stats=$findings/default/fuzzer_stats
echo "fuzz.sh: $target for ${seconds}s"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|stability|bitmap_cvg)' "$stats"
crashes=$(find "$findings/default/crashes" -type f -name 'id:*' | wc -l)
hangs=$(find "$findings/default/hangs" -type f -name 'id:*' | wc -l)
echo "crashes: $crashes, hangs: $hangs (in $findings/default)"

#!/usr/bin/env bash
# Verifies the arm64 container build as far as a machine without a Docker engine (and without arm64 hardware) can.
#
#   scripts/verify-arm64.sh [--work DIR] [--from-head] [--no-emulation]
#
# 1. Copies the repository into a scratch folder as a clean clone would have it: tracked files and untracked files
#    that git does not ignore, so no bin/ or obj/ of this checkout leaks in (--from-head: `git clone` of HEAD).
# 2. Runs Dockerfile.arm64's build step there: scripts/publish-agent.sh --arch arm64 --variant cpu (locked restore,
#    framework-dependent publish for linux-arm64).
# 3. Checks the output with `file`: the apphost and libonnxruntime.so are aarch64, and no native x86-64 or Windows
#    binary is left in (managed assemblies are PE files for any CPU and are fine).
# 4. Unless --no-emulation: runs the published agent under qemu-user with an arm64 Debian sysroot (debootstrap) and
#    the arm64 .NET runtime from NuGet's runtime packs, laid out as the runtime image has it: `EdgeAgent version`,
#    `EdgeAgent selfcheck` (loads the model, scores one payment) and `EdgeAgent run` until `EdgeAgent health` (the
#    image's HEALTHCHECK) answers ready, all with the image's environment.
#
# Needs: dotnet, git, file; for the emulation also qemu-user-static, debootstrap and a Debian mirror through apt's
# configuration (installed with apt-get when missing and run as root). Large files stay under the work folder
# (default /tmp/edgeagent-verify-arm64); the sysroot is kept there between runs.
set -euo pipefail

work="${TMPDIR:-/tmp}/edgeagent-verify-arm64"
from_head=false
emulate=true
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --from-head) from_head=true; shift ;;
    --no-emulation) emulate=false; shift ;;
    *) echo "verify-arm64: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
step() { printf '\n== %s\n' "$*"; }
fail() { echo "verify-arm64: FAILED: $*" >&2; exit 1; }

mkdir -p "$work"
work="$(cd "$work" && pwd)"
tree="$work/tree"
out="$work/out"

step "clean copy of the repository in $tree"
rm -rf "$tree" "$out"
if $from_head; then
  git clone --quiet --no-local "$root" "$tree"
else
  mkdir -p "$tree"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [[ -e "$f" ]] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -C "$tree" -xf -
fi
if find "$tree" -type d \( -name bin -o -name obj \) | grep -q .; then
  fail "the copy holds bin/ or obj/ folders"
fi

step "Dockerfile.arm64 build step: scripts/publish-agent.sh --arch arm64 --variant cpu"
grep -q 'scripts/publish-agent.sh --arch "$TARGETARCH" --variant "$VARIANT" --out /out' "$tree/Dockerfile.arm64" \
  || fail "Dockerfile.arm64 no longer builds with scripts/publish-agent.sh; keep this script in step with it"
bash "$tree/scripts/publish-agent.sh" --arch arm64 --variant cpu --out "$out"
app="$out/app"

step "architecture of the published binaries (file)"
command -v file >/dev/null || fail "'file' is not installed (apt-get install file)"
file "$app/EdgeAgent" "$app/libonnxruntime.so" "$app/libonnxruntime_providers_shared.so"
file -b "$app/libonnxruntime.so" | grep -q 'ARM aarch64' || fail "libonnxruntime.so is not an aarch64 library"
file -b "$app/EdgeAgent" | grep -q 'ARM aarch64' || fail "the EdgeAgent apphost is not an aarch64 executable"
foreign="$(find "$app" -type f \( -name '*.so' -o -name '*.so.*' -o -name EdgeAgent -o -name '*.dll' \) -print0 \
  | xargs -0 file | grep -E 'x86-64|PE32' | grep -v 'Mono/.Net assembly' || true)"
[[ -z "$foreign" ]] || fail "native binaries for another platform in the arm64 output:
$foreign"
for model in "$tree"/models/*.card.json; do
  [[ -f "$out/volumes/models/$(basename "$model")" ]] || fail "$(basename "$model") is missing from the image's /models"
done
echo "ok: aarch64 apphost and ONNX Runtime, models in place"

if ! $emulate; then
  echo
  echo "verify-arm64: passed (emulation skipped)"
  exit 0
fi

step "emulation tools"
missing=()
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    fail "missing ${missing[*]}; install them or pass --no-emulation"
  fi
fi
qemu-aarch64-static --version | head -1

sysroot="$work/sysroot"
step "arm64 sysroot in $sysroot"
if [[ ! -f "$sysroot/.complete" ]]; then
  rm -rf "$sysroot"
  mirror="$(sed -n 's/^URIs: *\([^ ]*debian\/*\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)"
  mirror="${mirror:-http://deb.debian.org/debian}"
  # First stage only: it unpacks the arm64 packages without running them. libssl3 is what the .NET runtime image
  # has beside glibc and libstdc++ (System.Security.Cryptography); --include only downloads it, so it is unpacked here.
  debootstrap --arch=arm64 --foreign --variant=minbase --include=libssl3 bookworm "$sysroot" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap could not build the sysroot from $mirror"; }
  for deb in "$sysroot"/var/cache/apt/archives/libssl3_*_arm64.deb; do
    dpkg-deb -x "$deb" "$sysroot"
  done
  # qemu-user shows the program this machine's /sys, so ONNX Runtime's cpuinfo reads an x86 cache topology and
  # crashes on it (a NULL store while it lays out the L2 caches). qemu -L resolves absolute paths inside the
  # sysroot first: an empty L2 `level` per CPU there makes cpuinfo skip sysfs caches and use its own tables.
  for cpu in /sys/devices/system/cpu/cpu[0-9]*; do
    mkdir -p "$sysroot$cpu/cache/index2"
    : > "$sysroot$cpu/cache/index2/level"
  done
  touch "$sysroot/.complete"
fi

step "arm64 .NET runtime from NuGet's runtime packs"
dotnet restore "$tree/src/EdgeAgent/EdgeAgent.csproj" -p:RuntimeIdentifier=linux-arm64 -p:SelfContained=true \
  -p:OnnxRuntimeNatives=Cpu --verbosity quiet
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
netcore="$(ls -d "$packages"/microsoft.netcore.app.runtime.linux-arm64/*/ | sort -V | tail -1)"
aspnet="$(ls -d "$packages"/microsoft.aspnetcore.app.runtime.linux-arm64/*/ | sort -V | tail -1)"
[[ -d "$netcore" && -d "$aspnet" ]] || fail "the linux-arm64 runtime packs were not restored"
version="$(basename "$netcore")"
dotnet_root="$work/dotnet-arm64"
rm -rf "$dotnet_root"
mkdir -p "$dotnet_root/host/fxr/$version" "$dotnet_root/shared/Microsoft.NETCore.App/$version" \
  "$dotnet_root/shared/Microsoft.AspNetCore.App/$(basename "$aspnet")"
cp "$netcore/runtimes/linux-arm64/native/libhostfxr.so" "$dotnet_root/host/fxr/$version/"
cp "$netcore"/runtimes/linux-arm64/lib/net10.0/* "$netcore"/runtimes/linux-arm64/native/* \
  "$dotnet_root/shared/Microsoft.NETCore.App/$version/"
rm "$dotnet_root/shared/Microsoft.NETCore.App/$version/libhostfxr.so"
cp "$aspnet"/runtimes/linux-arm64/lib/net10.0/* "$dotnet_root/shared/Microsoft.AspNetCore.App/$(basename "$aspnet")/"
echo "Microsoft.NETCore.App $version, Microsoft.AspNetCore.App $(basename "$aspnet")"

# The image's environment (Dockerfile.arm64 ENV), with the volumes in the work folder. Bound to 0.0.0.0 the embedded
# broker needs TLS and client authentication, as the manifests give it: the credentials made below by the arm64 build.
data="$work/data"
credentials="$work/credentials"
rm -rf "$data" "$credentials"
mkdir -p "$data"
run_arm64() {
  env DOTNET_ROOT="$dotnet_root" \
    EdgeAgent__Mqtt__BindAddress=0.0.0.0 \
    EdgeAgent__Http__Urls="http://0.0.0.0:${http_port}" \
    EdgeAgent__Mqtt__Port="${mqtt_port}" \
    EdgeAgent__Mqtt__TlsPort="${mqtts_port}" \
    EdgeAgent__Mqtt__ServerCertificatePath="$credentials/broker/server.crt" \
    EdgeAgent__Mqtt__ServerKeyPath="$credentials/broker/server.key" \
    EdgeAgent__Mqtt__CaPath="$credentials/broker/ca.crt" \
    EdgeAgent__Mqtt__IdentitiesFile="$credentials/broker/identities.conf" \
    EdgeAgent__Storage__Path="$data" \
    EdgeAgent__Inference__ModelsPath="$out/volumes/models" \
    EdgeAgent__Logging__Json=true \
    DOTNET_EnableDiagnostics=0 \
    qemu-aarch64-static -L "$sysroot" "$app/EdgeAgent" "$@"
}
http_port="${VERIFY_HTTP_PORT:-18080}"
mqtt_port="${VERIFY_MQTT_PORT:-18830}"
mqtts_port="${VERIFY_MQTTS_PORT:-18883}"

step "EdgeAgent version (arm64, emulated)"
run_arm64 version | tee "$work/version.txt"
grep -q '^EdgeAgent ' "$work/version.txt" || fail "version printed nothing"

step "EdgeAgent selfcheck (arm64, emulated)"
run_arm64 selfcheck | tee "$work/selfcheck.txt"
grep -q 'self-check passed' "$work/selfcheck.txt" || fail "the self-check did not pass"
grep -q 'Arm64' "$work/selfcheck.txt" || fail "the self-check did not run as an Arm64 process"

step "EdgeAgent credentials init (arm64, emulated)"
run_arm64 credentials init --out "$credentials" --store verify --terminals t1 | tee "$work/credentials.txt"
[[ -f "$credentials/broker/server.key" ]] || fail "credentials init wrote no broker key"

step "EdgeAgent run until EdgeAgent health answers ready (arm64, emulated)"
run_arm64 run > "$work/agent.log" 2>&1 &
agent=$!
ready=false
for _ in $(seq 1 90); do
  if ! kill -0 "$agent" 2>/dev/null; then
    tail -20 "$work/agent.log" >&2
    fail "the agent exited before it was ready"
  fi
  if run_arm64 health > "$work/health.txt" 2>&1; then
    ready=true
    break
  fi
  sleep 2
done
kill "$agent" 2>/dev/null || true
wait "$agent" 2>/dev/null || true
$ready || { tail -20 "$work/agent.log" >&2; fail "EdgeAgent health did not answer ready within 180 s"; }
cat "$work/health.txt"

echo
echo "verify-arm64: passed"

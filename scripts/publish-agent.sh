#!/usr/bin/env bash
# Publishes the agent the way the container image carries it. Dockerfile.arm64's build stage runs exactly this
# script, and scripts/verify-arm64.sh runs it too, so the image's build steps are exercised without a Docker engine.
#
#   scripts/publish-agent.sh --arch arm64|amd64 --variant cpu|jetson|cuda --out DIR
#
# Writes:
#   DIR/app/       the agent, framework-dependent for linux-<arch>, restored in locked mode
#   DIR/volumes/   the image's /data (empty) and /models (the bundled models), owned by the agent's user in the image
#
# Which ONNX Runtime natives go in (docs/deployment.md, "Providers"):
#   cpu     Microsoft.ML.OnnxRuntime (CPU provider; linux-arm64 and linux-x64)
#   cuda    Microsoft.ML.OnnxRuntime.Gpu (CUDA, TensorRT and CPU providers; linux-x64 only)
#   jetson  the CPU package here; the image replaces its libraries with an ONNX Runtime built with CUDA for JetPack
set -euo pipefail

arch=""
variant=""
out=""
configuration="Release"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --variant) variant="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --configuration) configuration="$2"; shift 2 ;;
    *) echo "publish-agent: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ -z "$arch" || -z "$variant" || -z "$out" ]]; then
  echo "usage: publish-agent.sh --arch arm64|amd64 --variant cpu|jetson|cuda --out DIR" >&2
  exit 2
fi

case "$arch" in
  arm64) rid="linux-arm64"; elf_machine="b7" ;; # EM_AARCH64
  amd64) rid="linux-x64"; elf_machine="3e" ;;   # EM_X86_64
  *) echo "publish-agent: unsupported architecture '$arch' (arm64 or amd64)" >&2; exit 2 ;;
esac

case "$variant/$arch" in
  cpu/*) natives="Cpu" ;;
  jetson/arm64) natives="Cpu" ;;
  cuda/amd64) natives="Gpu" ;;
  jetson/*) echo "publish-agent: the jetson variant is arm64 only" >&2; exit 2 ;;
  cuda/*) echo "publish-agent: the cuda variant is amd64 only (NuGet's CUDA build of ONNX Runtime is linux-x64 only)" >&2; exit 2 ;;
  *) echo "publish-agent: unknown variant '$variant' (cpu, jetson or cuda)" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/app" "$out/volumes"

# Locked restore: the image gets exactly the packages in the committed lock files, or the build fails.
dotnet publish "$root/src/EdgeAgent/EdgeAgent.csproj" \
  --configuration "$configuration" \
  --runtime "$rid" \
  --self-contained false \
  -p:RestoreLockedMode=true \
  -p:OnnxRuntimeNatives="$natives" \
  -p:ContinuousIntegrationBuild=true \
  --output "$out/app"

# The bundled models become the image's /models; the agent's own copy stays beside it (Inference:ModelsPath=models).
mkdir -p "$out/volumes/data" "$out/volumes/models"
cp "$root"/models/*.onnx "$root"/models/*.card.json "$root"/models/*.pub.pem "$out/volumes/models/"

# The native ONNX Runtime must be there and built for the target: a wrong package choice fails here, not on a device.
# Byte 18 of an ELF header is the low byte of e_machine.
library="$out/app/libonnxruntime.so"
if [[ ! -f "$library" ]]; then
  echo "publish-agent: $library is missing: no ONNX Runtime natives for $rid ($natives)" >&2
  exit 1
fi
machine="$(od -An -tx1 -j18 -N1 "$library" | tr -d ' \n')"
if [[ "$machine" != "$elf_machine" ]]; then
  echo "publish-agent: $library is for ELF machine 0x$machine, not 0x$elf_machine ($rid)" >&2
  exit 1
fi

if [[ "$natives" == "Gpu" && ! -f "$out/app/libonnxruntime_providers_cuda.so" ]]; then
  echo "publish-agent: the cuda variant lacks libonnxruntime_providers_cuda.so" >&2
  exit 1
fi

echo "publish-agent: $rid ($variant, ONNX Runtime natives: $natives) in $out/app"

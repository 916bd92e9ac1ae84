#!/usr/bin/env bash
# The test command of the README and of CI: installs what the tests need when it is missing, then runs them.
#
#   scripts/test.sh [dotnet test options ...]
#
# What the tests run for real, each on a free loopback port: mosquitto and its clients (mosquitto_pub, _sub, _rr),
# Chromium (the status page), Prometheus and promtool (the dashboard's queries), node with MQTT.js (a client of
# another language), FUSE 3 with gcc (a device whose flush stalls). Debian packages come through apt-get, MQTT.js
# through npm from tests/clients/package-lock.json into tests/clients/node_modules (ignored by git). Installing needs root, or sudo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }

missing=()
have mosquitto || missing+=(mosquitto)
have mosquitto_pub && have mosquitto_rr || missing+=(mosquitto-clients)
have chromium || missing+=(chromium)
have prometheus && have promtool || missing+=(prometheus)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have stdbuf || missing+=(coreutils)
# redis-server: the fleet service's membership table and card profiles (tests/EdgeAgent.Fleet.Tests).
have redis-server || missing+=(redis-server)
# stallfs, the FUSE file system whose flushes a test holds (tests/EdgeAgent.FaultTests/StalledFlushTests.cs): compiled
# by the test from scripts/lib/stallfs.c.
have fusermount3 || missing+=(fuse3)
have gcc || missing+=(gcc)
have pkg-config || missing+=(pkg-config)
pkg-config --exists fuse3 2>/dev/null || missing+=(libfuse3-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    # One package that cannot be installed (held or broken dependencies) must not keep the others out.
    for package in "${missing[@]}"; do
      $sudo apt-get install -y -qq --no-install-recommends "$package" >/dev/null || echo "test.sh: could not install $package" >&2
    done
  fi
fi

# Installed again when the lock file is newer than the installed tree (a checkout that added a client package).
installed=tests/clients/node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ tests/clients/package-lock.json -nt "$installed" ]; then
  echo "test.sh: installing MQTT.js and jose into tests/clients/node_modules" >&2
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The soak tests (Category=Soak: 1.2 million payments through the feature state) are left out unless a filter is
# given: scripts/test.sh --filter Category=Soak runs them.
filter=(--filter "Category!=Soak")
for arg in "$@"; do
  case "$arg" in --filter|--filter=*) filter=() ;; esac
done
# A test that hangs fails after 8 minutes with its name in the log (the longest test takes about 3), instead of
# holding the run until CI's own limit with nothing said.
exec dotnet test EdgeAgent.sln "${filter[@]}" --blame-hang-timeout 8m --blame-hang-dump-type none "$@"

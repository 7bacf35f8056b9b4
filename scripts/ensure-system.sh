#!/usr/bin/env bash
# Makes sure what quietcam needs outside npm is here: Debian packages and node_modules.
# As root it installs them; otherwise it prints the exact command and stops.
# Usage: scripts/ensure-system.sh [test|start]
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)                     # video input (sim, eval)
{ command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; } || need+=(mosquitto)  # real broker in relay tests
[ -f /usr/share/duktape/duktape.c ] || dpkg -s duktape-dev >/dev/null 2>&1 || need+=(duktape-dev)  # embedded-engine runtime
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)                 # instruction counts (bench)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -x /usr/bin/chromium ] || need+=(chromium)                             # browser tests (test/web/e2e.test.ts)
# The Xtensa check (test/firmware/xtensa.test.ts, firmware/xtensa/): lx106 cross compiler + C library,
# QEMU's xtensa system emulator, and GCC's sources (the soft-float routines Debian's lx106 libgcc lacks).
command -v xtensa-lx106-elf-gcc >/dev/null 2>&1 || need+=(gcc-xtensa-lx106)
[ -f /usr/lib/xtensa-lx106-elf/picolibc.specs ] || need+=(picolibc-xtensa-lx106-elf)
command -v qemu-system-xtensa >/dev/null 2>&1 || need+=(qemu-system-misc)
[ -f /usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz ] || need+=(gcc-12-source)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "quietcam: installing Debian packages: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq "${need[@]}" >&2 || { echo "quietcam: apt-get install failed" >&2; exit 1; }
  else
    echo "quietcam: missing Debian packages. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi

if [ -L node_modules ]; then
  # A shared install (a git worktree pointing at another checkout's node_modules): `npm ci` would
  # empty the target through the link, so leave it to the checkout that owns it.
  if [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "quietcam: node_modules is a link to a shared install; not running npm ci here (run it where it lives)" >&2
  fi
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "quietcam: installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund >&2 || exit 1
fi

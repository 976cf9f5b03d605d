#!/bin/sh
# Builds per-file.wasm (WASI preview 1 command module) from src/per-file.c.
# Toolchain (Debian 12): apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# Debian's wasi-libc is a multiarch sysroot: headers in /usr/include/wasm32-wasi, libraries in
# /usr/lib/wasm32-wasi, so the sysroot is /usr. Override with CC=... WASI_SYSROOT=...
set -eu
cd "$(dirname "$0")"
CC="${CC:-$(command -v clang-14 || command -v clang)}"
WASI_SYSROOT="${WASI_SYSROOT:-/usr}"
"$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -O2 -std=c11 -D_GNU_SOURCE \
  -Wall -Wextra -Werror -Wno-unused-parameter \
  -Wl,--strip-all -Wl,-z,stack-size=1048576 \
  -o per-file.wasm src/per-file.c
echo "built $(pwd)/per-file.wasm ($(wc -c < per-file.wasm) bytes)"

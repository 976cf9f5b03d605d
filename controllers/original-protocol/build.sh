#!/bin/sh
# Builds original-protocol.wasm (WASI preview 1 command module) from main.c.
# Toolchain (Debian 12): apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
set -eu
cd "$(dirname "$0")"
CC="${CC:-$(command -v clang-14 || command -v clang)}"
WASI_SYSROOT="${WASI_SYSROOT:-/usr}"
"$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -O2 -std=c11 -D_GNU_SOURCE \
  -Wall -Wextra -Werror -Wl,--strip-all -o original-protocol.wasm main.c
echo "built $(pwd)/original-protocol.wasm ($(wc -c < original-protocol.wasm) bytes)"

#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs tests/consumer/consumer.cpp
# twice, each time against the install alone: with find_package(Tenet), and with pkg-config.
# Usage: run.sh BUILD_DIR WORK_DIR POLICY
set -euo pipefail
build=$1 work=$2 policy=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"

echo "== find_package(Tenet)"
cmake -S "$here/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/cmake.log"
cmake --build "$work/cmake-build" > "$work/cmake-build.log"
"$work/cmake-build/consumer" "$policy"

echo "== pkg-config tenet"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
g++ -std=c++20 "$here/consumer.cpp" -o "$work/consumer-pkgconfig" $(pkg-config --cflags --libs tenet)
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer-pkgconfig" "$policy"  # (found there when the libraries are shared)

echo "== <tenet/tenet.hpp> alone: no other header of Tenet's is needed"
grep -h '^#include' "$work/prefix/include/tenet/tenet.hpp" | grep -v '<tenet/version.hpp>' | grep -q '<tenet/' && { echo "FAILED: it includes another Tenet header"; exit 1; }
echo '#include <tenet/tenet.hpp>' | g++ -std=c++20 -fsyntax-only -x c++ -I "$work/prefix/include" -
echo "ok: compiled alone"

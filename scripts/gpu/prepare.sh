#!/usr/bin/env bash
# Prepares, on a development machine (JDK 17+, Maven, nvcc, network for Maven Central), everything a GPU machine
# without Java and without network needs to run scripts/gpu/run.sh. Both folders are git-ignored; carry them:
#   .devkit/  a jlink'd Java runtime (jre.tar.gz), the JCuda 12.6 jars with their natives, the JUnit console
#             launcher, and (unless --no-cuda13) JCublas JNI libraries retargeted to CUDA 13's libcublas.so.13
#   .gpu/     the project's jars, their dependencies, the test classes of cuda-kernels and train, and a PTX cache
#             with every kernel module precompiled for compute_<arch> by this machine's nvcc
#
#   scripts/gpu/prepare.sh [--arch 90] [--no-cuda13] [--rebuild-kit]
#
# --arch N       the GPU's compute capability as a number (90: H100/H200); the PTX cache is only used there when
#                its nvcc has this machine's release (else the kernels are compiled there, as always)
# --no-cuda13    leave JCublas as it is (needs libcublas.so.12 on the GPU machine)
# --rebuild-kit  rebuild .devkit even when it exists (it does not change with the project)
# Env: JDK (default: the JDK of javac on PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/gpu"
KIT="$ROOT/.devkit"
GPU="$ROOT/.gpu"
ARCH=90 CUDA13=1 REBUILD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --arch) ARCH="$2"; shift 2 ;;
    --no-cuda13) CUDA13=0; shift ;;
    --rebuild-kit) REBUILD=1; shift ;;
    -h|--help) sed -n '2,/^set/{/^#/p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "prepare: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
JDK="${JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
JCUDA=12.6.0
JUNIT_CONSOLE=1.14.4
say() { echo "prepare: $*" >&2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

# ---------------------------------------------------------------- 1. the kit: Java runtime and JCuda
build_kit() {
  rm -rf "$KIT"; mkdir -p "$KIT/lib"
  # java.desktop: JFreeChart's PNG plots; java.xml: the JUnit console's XML reports; jdk.jfr: Flight Recorder, to see
  # where host time goes; jdk.incubator.vector: the CPU kernels' Vector API.
  local modules="java.base,java.logging,jdk.unsupported,jdk.zipfs,java.management,java.desktop,java.xml,jdk.jfr"
  modules+=",jdk.incubator.vector"
  local major compress=0 modpath=()
  major="$("$JDK/bin/jlink" --version | cut -d. -f1)"
  [[ "$major" -ge 21 ]] && compress=zip-0      # stored class files gzip better than jlink's own compression
  [[ -d "$JDK/jmods" ]] && modpath=(--module-path "$JDK/jmods")
  "$JDK/bin/jlink" "${modpath[@]}" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress="$compress" --output "$tmp/jre"
  if command -v strip >/dev/null; then strip --strip-unneeded "$tmp"/jre/lib/*.so "$tmp"/jre/lib/server/*.so; fi
  say "$("$tmp/jre/bin/java" -version 2>&1 | head -1)"
  tar -C "$tmp" -czf "$KIT/jre.tar.gz" jre
  local a
  for a in "org.jcuda:jcuda:$JCUDA" "org.jcuda:jcuda-natives:$JCUDA:jar:linux-x86_64" "org.jcuda:jcublas:$JCUDA" \
           "org.jcuda:jcublas-natives:$JCUDA:jar:linux-x86_64" \
           "org.junit.platform:junit-platform-console-standalone:$JUNIT_CONSOLE"; do
    mvn -B -q dependency:copy -Dartifact="$a" -DoutputDirectory="$KIT/lib" >"$tmp/mvn.log" 2>&1 ||
      { cat "$tmp/mvn.log" >&2; say "could not get $a"; exit 1; }
  done
  # JCuda's PTX-compiler JNI library (24 MB) is not needed: the driver JIT-compiles PTX.
  python3 - "$KIT/lib/jcuda-natives-$JCUDA-linux-x86_64.jar" <<'PY'
import os, sys, zipfile
src = sys.argv[1]; tmp = src + ".tmp"
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        if "JNvPTXCompiler" not in item.filename:
            zout.writestr(item, zin.read(item.filename))
os.replace(tmp, src)
PY
  if [[ "$CUDA13" == 1 ]]; then      # JCublas 12.6 links libcublas.so.12; a CUDA 13 machine has libcublas.so.13
    mkdir -p "$KIT/native"
    local lib
    for lib in JCublas2 JCublas; do
      (cd "$tmp" && unzip -o -q "$KIT/lib/jcublas-natives-$JCUDA-linux-x86_64.jar" "lib/lib$lib-$JCUDA-linux-x86_64.so")
      python3 "$HERE/retarget-soname.py" "$tmp/lib/lib$lib-$JCUDA-linux-x86_64.so" \
        "$KIT/native/lib$lib-$JCUDA-linux-x86_64.so" libcublas.so.12 libcublas.so.13 >&2
    done
  fi
}
if [[ "$REBUILD" == 1 || ! -f "$KIT/jre.tar.gz" ]]; then build_kit; else say "$KIT exists (--rebuild-kit to rebuild it)"; fi

# ---------------------------------------------------------------- 2. the project: jars, dependencies, test classes
rm -rf "$GPU"; mkdir -p "$GPU/jars" "$GPU/lib"
# package and copy-dependencies in one reactor run: run separately, the second cannot resolve the modules' jars.
(cd "$ROOT" && mvn -B -q -ntp -pl train -am package dependency:copy-dependencies -DskipTests -DincludeScope=test \
  -DoutputDirectory="$GPU/lib" \
  -DexcludeGroupIds=dev.descent,org.jcuda,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian) >&2
for m in core nn optim cuda-kernels train; do cp "$ROOT/$m"/target/descent-"$m"-*.jar "$GPU/jars/"; done
cp -r "$ROOT/cuda-kernels/target/test-classes" "$GPU/test-cuda"
cp -r "$ROOT/train/target/test-classes" "$GPU/test-train"

# ---------------------------------------------------------------- 3. every kernel module, compiled here
java --add-modules jdk.incubator.vector -cp "$GPU/jars/*:$GPU/lib/*:$KIT/lib/*" dev.descent.cuda.Precompile --arch "$ARCH" --cache "$GPU/ptx" >&2

du -sh "$KIT" "$GPU" >&2
say "done: carry .devkit and .gpu, then run 'bash scripts/gpu/run.sh' on the GPU machine"

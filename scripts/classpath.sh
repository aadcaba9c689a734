#!/usr/bin/env bash
# Prints the class path of the lessons module (which includes train, nn, optim, core, cuda-kernels),
# building it first when any source is newer than the last build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cp_file="$root/lessons/target/classpath.txt"
stale=""
if [ -f "$cp_file" ]; then
  # A learner's edits in lessons/NN-*/exercise/ are not part of the build (./lesson NN --check compiles them).
  stale="$(find "$root" -path "$root/*/target" -prune -o -path "$root/.git" -prune -o \
           -path "$root/lessons/*/exercise" -prune -o \
           \( -name '*.java' -o -name 'pom.xml' -o -name '*.cu' \) -newer "$cp_file" -print -quit)"
fi
if [ ! -f "$cp_file" ] || [ -n "$stale" ]; then
  echo "descent: building (mvn package, tests skipped; the first time downloads dependencies) ..." >&2
  (cd "$root" && mvn -B -q -DskipTests -pl lessons -am package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >&2)
  touch "$cp_file"
fi
echo "$root/lessons/target/classes:$(cat "$cp_file")"

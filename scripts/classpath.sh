#!/usr/bin/env bash
# Prints the class path of one module with its dependencies: `train` (the CLI, for ./descent) or `lessons` (the
# course, for ./lesson). Builds that module and the modules it uses first when any of their sources is newer than
# its last build. The CLI never builds or loads the lessons.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="${1:?usage: scripts/classpath.sh train|lessons}"
cp_file="$root/$module/target/classpath.txt"
unused="$root/lessons"   # no module below the lessons uses them
[ "$module" = lessons ] && unused="$root/target"
stale=""
if [ -f "$cp_file" ]; then
  # A learner's edits in lessons/NN-*/exercise/ are not part of the build (./lesson NN --check compiles them).
  stale="$(find "$root" \( -path "$root/*/target" -o -path "$root/.git" -o -path "$unused" \
                         -o -path "$root/lessons/*/exercise" \) -prune -o \
           \( -name '*.java' -o -name 'pom.xml' -o -name '*.cu' \) -newer "$cp_file" -print -quit)"
fi
if [ ! -f "$cp_file" ] || [ -n "$stale" ]; then
  echo "descent: building $module (mvn package, tests skipped; the first time downloads dependencies) ..." >&2
  (cd "$root" && mvn -B -q -DskipTests -pl "$module" -am package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >&2)
  touch "$cp_file"
fi
echo "$root/$module/target/classes:$(cat "$cp_file")"

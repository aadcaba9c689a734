#!/usr/bin/env bash
# Runs java with descent's JVM flags: native access (JCuda), headless charts, and the JDK's Vector API
# (jdk.incubator.vector), which the CPU kernels use. The JVM announces an incubator module with one line on
# stderr at every start, "WARNING: Using incubator modules: jdk.incubator.vector"; it is expected (see README,
# "CPU speed"), so this drops exactly that line and passes everything else through. The exit status is java's.
set -uo pipefail
notice='WARNING: Using incubator modules: jdk.incubator.vector'
exec 3>&2 2> >(trap '' INT TERM; exec grep --line-buffered -v -x -F "$notice" >&3)
filter=$!
java --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true --add-modules jdk.incubator.vector "$@" 3>&-
status=$?
exec 2>&3 3>&-
wait "$filter"   # the filter's last lines come out before the shell prompt does
exit $status

#!/usr/bin/env bash
# Runs java with descent's JVM flags: native access (JCuda), headless charts, and the JDK's Vector API
# (jdk.incubator.vector), which the CPU kernels use. The JVM announces an incubator module with one line on
# stderr at every start, "WARNING: Using incubator modules: jdk.incubator.vector"; it is expected (see README,
# "CPU speed"), so this drops exactly that line and passes everything else through. The exit status is java's.
#
# The heap: the collector may keep at most 20% of it free after a collection (10% at least), not its defaults of 70%
# and 40%, so the heap stays near the tensors a run holds: GPT-2 124M on the CPU peaks at 1.14 times llm.c's
# process instead of 2.3 times. And G1 may spend up to a fifth of its time collecting (GCTimeRatio 4) before it
# grows the heap, not 1/13: in the first steps, before the JIT has compiled the vector kernels, they make garbage
# fast, and at 1/13 G1 grew the heap for it, so that a small GPT's 10-second run peaked at 1.5 to 1.8 GiB instead of
# 0.7 to 0.9 (a warm step makes no garbage, so no step is slower; docs/PERFORMANCE.md, "GPT-2 124M's peak memory
# and the JVM heap"). The command line would override JAVA_TOOL_OPTIONS, so a user who sets a ratio there (or in
# JDK_JAVA_OPTIONS) gets none of ours for it and keeps their own.
set -uo pipefail
notice='WARNING: Using incubator modules: jdk.incubator.vector'
users=" ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} "
heap=()
[[ $users == *HeapFreeRatio* ]] || heap+=(-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20)
[[ $users == *GCTimeRatio* ]] || heap+=(-XX:GCTimeRatio=4)
exec 3>&2 2> >(trap '' INT TERM; exec grep --line-buffered -v -x -F "$notice" >&3)
filter=$!
java --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true --add-modules jdk.incubator.vector \
  ${heap[@]+"${heap[@]}"} "$@" 3>&-
status=$?
exec 2>&3 3>&-
wait "$filter"   # the filter's last lines come out before the shell prompt does
exit $status

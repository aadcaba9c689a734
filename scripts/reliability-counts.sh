#!/usr/bin/env bash
# Runs the fault-injection suite and the checkpoint kill test, which write their counts into the table of
# docs/RELIABILITY.md (without -Ddescent.docs.write they check the table instead, as in every mvn verify).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -ntp -q -pl train -am verify -Dtest='FaultInjectionTest,CheckpointKillTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Ddescent.docs.write=true
grep '^| ' docs/RELIABILITY.md | tail -5

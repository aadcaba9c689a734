#!/usr/bin/env python3
"""Where a JUnit run's time went: totals, seconds per test class, the slowest tests, and every failure.

    junit_summary.py REPORTS_DIR        (the console launcher's --reports-dir; reads its legacy TEST-*.xml)
"""
import collections
import glob
import os
import sys
import xml.etree.ElementTree as ET


def main(folder):
    cases = []
    for path in sorted(glob.glob(os.path.join(folder, "TEST-*.xml"))):
        for case in ET.parse(path).getroot().iter("testcase"):
            outcome = "ok"
            for tag in ("failure", "error", "skipped"):
                if case.find(tag) is not None:
                    outcome = tag
            cases.append((case.get("classname", "?"), case.get("name", "?"), float(case.get("time", "0")), outcome,
                          case.find("failure") if case.find("failure") is not None else case.find("error")))
    print("== JUnit summary")
    if not cases:
        print(f"no test reports in {folder}: the run ended before writing them (timed out?)")
        return
    counts = collections.Counter(c[3] for c in cases)
    print(f"{len(cases)} tests in {sum(c[2] for c in cases):.1f} s: {counts['ok']} ok, {counts['failure']} failed, "
          f"{counts['error']} errors, {counts['skipped']} skipped")
    per_class = collections.defaultdict(lambda: [0, 0.0])
    for cls, _, t, _, _ in cases:
        per_class[cls][0] += 1
        per_class[cls][1] += t
    print("seconds per class:")
    for cls, (n, t) in sorted(per_class.items(), key=lambda kv: -kv[1][1]):
        print(f"  {t:7.2f} s  {n:4d} tests  {cls.rsplit('.', 1)[-1]}")
    print("slowest tests:")
    for cls, name, t, _, _ in sorted(cases, key=lambda c: -c[2])[:15]:
        print(f"  {t:7.2f} s  {cls.rsplit('.', 1)[-1]} {name}")
    failed = [c for c in cases if c[3] in ("failure", "error")]
    for cls, name, _, outcome, detail in failed[:20]:
        message = (detail.get("message") or detail.text or "").strip().splitlines()
        print(f"{outcome.upper()}: {cls.rsplit('.', 1)[-1]} {name}: {message[0][:300] if message else ''}")
    if len(failed) > 20:
        print(f"... and {len(failed) - 20} more failures (the testfeed lines above the summary name them all)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])

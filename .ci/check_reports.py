"""Fails CI unless each contract suite ran, unskipped, against every store.

Reads the Surefire XML reports written by `mvn verify` and prints one line per store.
"""
import glob
import sys
import xml.etree.ElementTree as ET

# store label -> report-name prefixes of its contract suites
SUITES = ["ChatStoreTest", "ChatServiceTest", "AuthorizationMatrixTest", "ChatGuaranteesTest", "ChatFeedTest"]
REQUIRED = {
    "in-memory": ("chat-testkit", ["InMemory" + s for s in SUITES]),
    "H2": ("chat-jdbi", ["H2" + s for s in SUITES]),
    "PostgreSQL": ("chat-jdbi", ["Postgres" + s for s in SUITES]),
    "MariaDB": ("chat-jdbi", ["MariaDb" + s for s in SUITES]),
}

failed = False
for store, (module, suites) in REQUIRED.items():
    for suite in suites:
        tests = skipped = failures = 0
        for path in glob.glob(f"{module}/target/surefire-reports/TEST-*{suite}*.xml"):
            # count <testcase> elements: with @Nested classes Surefire's suite totals read 0
            for case in ET.parse(path).getroot().iter("testcase"):
                tests += 1
                skipped += case.find("skipped") is not None
                failures += case.find("failure") is not None or case.find("error") is not None
        ok = tests > 0 and skipped == 0 and failures == 0
        failed |= not ok
        print(f"ci: {store:<10} {suite:<34} tests={tests} skipped={skipped} failed={failures} "
              f"{'OK' if ok else 'NOT OK'}")
if failed:
    print("ci: a contract suite did not run on every store", file=sys.stderr)
    sys.exit(1)

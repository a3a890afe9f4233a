#!/usr/bin/python3
"""Runs Gnocchi's gabbit files (test/gabbits/) against a running server, as Gnocchi's test_gabbi.py does.

Usage: gabbi-run.py URL FILE...

The custom YAML tag !AssertNAN is registered as gnocchi/tests/functional/fixtures.py registers it (equal
to any NaN), and the files are read with gabbi's unsafe loader, as Gnocchi's runner reads them. Prints one
JSON line per file: {"file", "tests", "passes", "failures": [{"name", "reason"}]}. A pass is a success or
an expected failure (xfail); an unexpected success is a failure, as for unittest. Exits 0.
"""

import json
import math
import os
import sys
import unittest

import yaml
from gabbi import runner, suitemaker, utils


class AssertNAN(yaml.YAMLObject):
    """Equal to any NaN, as Gnocchi's fixture defines it."""

    def __eq__(self, other):
        try:
            return math.isnan(other)
        except TypeError:
            return False

    def __repr__(self):
        return "AssertNAN"


yaml.add_constructor("!AssertNAN", lambda loader, node: AssertNAN(), Loader=yaml.Loader)


class CountingResult(unittest.TestResult):
    """Counts passes and keeps each failure's reason (its lines joined by ' | ', cut at 2000 characters)."""

    def __init__(self):
        super().__init__()
        self.passes = 0
        self.tests = 0
        self.bad = []

    def startTest(self, test):
        super().startTest(test)
        self.tests += 1

    def addSuccess(self, test):
        self.passes += 1

    def addExpectedFailure(self, test, err):
        self.passes += 1

    def _fail(self, test, err):
        lines = [line.strip() for line in str(err[1]).strip().splitlines() if line.strip()]
        reason = "%s: %s" % (err[0].__name__, " | ".join(lines))
        self.bad.append({"name": test.test_data["name"], "reason": reason[:2000]})

    def addFailure(self, test, err):
        self._fail(test, err)

    def addError(self, test, err):
        self._fail(test, err)

    def addSkip(self, test, reason):
        self.bad.append({"name": test.test_data["name"], "reason": "skipped: " + reason})

    def addUnexpectedSuccess(self, test):
        self.bad.append({"name": test.test_data["name"], "reason": "unexpected success of an xfail test"})


def run_file(path, host, port, prefix):
    """Runs one gabbit file; returns its summary."""
    with open(path, "r", encoding="utf-8") as handle:
        data = utils.load_yaml(handle, safe=False)
    name = os.path.splitext(os.path.basename(path))[0]
    suite = suitemaker.test_suite_from_dict(
        unittest.defaultTestLoader,
        name,
        data,
        os.path.dirname(os.path.abspath(path)),
        host,
        port,
        None,
        None,
        prefix=prefix,
        handlers=runner.initialize_handlers([]),
        test_loader_name="gabbi-runner",
    )
    result = CountingResult()
    suite.run(result)
    return {"file": name, "tests": result.tests, "passes": result.passes, "failures": result.bad}


def main(argv):
    if len(argv) < 3:
        print("Usage: gabbi-run.py URL FILE...", file=sys.stderr)
        return 2
    host, port, prefix, _ssl = utils.host_info_from_target(argv[1], None)
    for path in argv[2:]:
        print(json.dumps(run_file(path, host, port, prefix)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

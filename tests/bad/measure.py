#!/usr/bin/env python3
"""Runs a command and prints its exit status, wall time and peak memory:
    python3 tests/bad/measure.py [--max-rss-mb N] CMD [ARG...]
prints "exit=RC seconds=S rss_mb=M" on standard error and exits with the
command's status, or 99 when the command's peak resident memory passed N MiB.
For the limit tests (tests/cli/bad.sh) and the scaling figures
(tests/bad/scaling.sh): memory is asserted, time only reported."""
import resource
import subprocess
import sys
import time

args = sys.argv[1:]
limit = None
if args[:1] == ["--max-rss-mb"]:
    limit, args = float(args[1]), args[2:]
start = time.monotonic()
rc = subprocess.call(args)
secs = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("exit=%d seconds=%.2f rss_mb=%.0f" % (rc, secs, rss), file=sys.stderr)
if limit is not None and rss > limit:
    print("peak memory %.0f MiB is over %.0f MiB" % (rss, limit), file=sys.stderr)
    sys.exit(99)
sys.exit(rc)

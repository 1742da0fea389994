#!/usr/bin/env bash
# Runs the crash test alone: watcher-app's CrashIT kills (kill -9) the `watcher run` daemon several
# times while it consumes a 100,000-record stream, restarts it each time, and requires the output
# topics read with read_committed to equal the replay of the same records exactly. CI runs it with
# every `./mvnw -B verify` (.ci/run); this wrapper builds what it needs and runs nothing else.
#
# Usage: scripts/crash-test.sh [MAVEN ARGS...]
#   -o                                   offline, as usual
#   -Dcrash.seed=N                       another stream and other kill points (the default is fixed)
#   -Dcrash.kills=N                      how many kills (default 4)
#   -Dcrash.records=N                    stream size (default 100000; a multiple of 20, >= 1000)
#   -Dcrash.processingGuarantee=at_least_once
#                                        the negative control: the test must then FAIL, listing
#                                        the duplicated alerts and recommendations
#   -Dcrash.childJvmOptions="-Xmx512m"   the daemon's JVM options
# The daemon logs of a failed run are kept in the work dir the test prints.
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./mvnw -B verify -pl watcher-app -am \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=CrashIT -Dfailsafe.failIfNoSpecifiedTests=false \
    "$@"

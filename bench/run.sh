#!/bin/sh
# Runs the Pub vs Artemis benchmark with the given options (see --help), e.g.
#   bench/run.sh --quick
#   bench/run.sh --targets=artemis-250us,pub-embedded --scenarios=queue-1x1,latency-200 --runs=3
# JSON lines (one per measured run) go to stdout, progress to stderr, the table comes last.
set -e
cd "$(dirname "$0")/.."
exec mvn -B -q -o -pl bench compile exec:java -Dexec.args="$*"

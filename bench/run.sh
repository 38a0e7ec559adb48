#!/bin/sh
# Runs the Pub vs Artemis benchmark with the given options (see --help), e.g.
#   bench/run.sh --quick
#   bench/run.sh --targets=artemis-250us,pub-embedded --scenarios=queue-1x1,latency-200 --runs=3
# JSON lines (one per measured run) go to stdout, progress to stderr, the table comes last.
# Same program as `mvn -pl bench exec:java -Dexec.args="..."`, but on a copy of its class path taken at
# start, so a module re-installed into the local repository meanwhile cannot pull classes from under a
# running benchmark; JAVA_OPTS reach the JVM (e.g. -XX:StartFlightRecording=filename=bench.jfr).
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl bench compile dependency:copy-dependencies -DincludeScope=runtime -DoverWriteSnapshots=true
exec java $JAVA_OPTS -cp "bench/target/classes:bench/target/dependency/*" io.pub.bench.Bench "$@"

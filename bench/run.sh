#!/bin/sh
# Runs the Pub vs Artemis benchmark with the given options (see --help), e.g.
#   bench/run.sh --quick
#   bench/run.sh --targets=artemis-250us,pub-embedded --scenarios=queue-1x1,latency-2000 --runs=3
#   bench/run.sh --sync-path --seconds=3      # the embedded store's sync path against the disk
# JSON lines (one per measured run) go to stdout, progress to stderr, the table comes last.
# Same program as `mvn -pl bench exec:java -Dexec.args="..."`, but built from this checkout's modules
# (the reactor, not the local repository, so what is measured is the code beside this script) and run
# on a copy of its class path taken at start, so a rebuild meanwhile cannot pull classes from under a
# running benchmark; JAVA_OPTS reach the JVM (e.g. -XX:StartFlightRecording=filename=bench.jfr).
set -e
cd "$(dirname "$0")/.."
# Maven's output goes to stderr: stdout carries only the benchmark's JSON lines and table (quiet Maven
# still prints colour resets there, which prefixed the first JSON line). Online, so that a fresh clone
# with an empty local repository can run it.
mvn -B -q -ntp -pl bench -am package dependency:copy-dependencies -DskipTests -DincludeScope=runtime \
    -DoverWriteSnapshots=true -Dspotless.check.skip=true -Djacoco.skip=true -Dmaven.javadoc.skip=true \
    -Dmaven.source.skip=true >&2
exec java $JAVA_OPTS -cp "bench/target/classes:bench/target/dependency/*" io.pub.bench.Bench "$@"

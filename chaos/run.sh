#!/bin/sh
# Runs the chaos program (or its soak mode) with the given options (see --help), e.g.
#   chaos/run.sh --store both --minutes 20
#   chaos/run.sh --store couchbase-mock --minutes 5 --seed 42
#   chaos/run.sh --soak --minutes 10
# Builds the modules it needs in this checkout (nothing is installed into ~/.m2), then runs
# io.pub.chaos.Chaos on a copy of their classes and jars taken at start (child JVMs are started all
# through a run: a rebuild meanwhile must not change what they load). JAVA_OPTS reach the harness JVM.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl chaos -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >&2 # stdout: the run's report only
snap=$(mktemp -d "${TMPDIR:-/tmp}/pub-chaos-cp.XXXXXX")
cp -r chaos/target/classes "$snap/classes"
cp="$snap/classes"
for e in $(tr ':' ' ' < chaos/target/classpath.txt); do
  case "$e" in
    "$PWD"/*) cp "$e" "$snap/" && e="$snap/$(basename "$e")" ;;
  esac
  cp="$cp:$e"
done
exec java $JAVA_OPTS -cp "$cp" io.pub.chaos.Chaos "$@"

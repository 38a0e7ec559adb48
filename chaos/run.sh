#!/bin/sh
# Runs the chaos program (or its soak mode) with the given options (see --help), e.g.
#   chaos/run.sh --store both --minutes 20
#   chaos/run.sh --store couchbase-mock --minutes 5 --seed 42
#   chaos/run.sh --soak --minutes 10
# Builds the modules it needs in this checkout (nothing is installed into ~/.m2), then runs
# io.pub.chaos.Chaos on their jars; child JVMs get the same class path. JAVA_OPTS reach the harness JVM.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl chaos -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java $JAVA_OPTS -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" io.pub.chaos.Chaos "$@"

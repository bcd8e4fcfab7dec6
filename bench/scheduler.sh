#!/usr/bin/env bash
# The scheduler's hot paths on synthetic fleets, the first two without a database (see SchedulerBench):
#   placement decisions per second over NODES nodes (goal >= 10,000/s at 5,000 nodes),
#   the reconciler's in-memory tick for DEPLOYMENTS deployments (goal <= 100 ms at 10,000),
#   and the same tick with its database reads and commit (TickWithDatabaseBench, embedded PostgreSQL): the steady
#   state (fleet in memory, 2% of the deployments with a new load report per tick; goal <= 100 ms at 10,000) and the
#   periodic full resync (every row loaded again).
# Usage: bench/scheduler.sh [NODES] [DEPLOYMENTS] [ROUNDS]   (defaults 5000 10000 20; NO_DB=1 skips the last)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# One reactor build, so the classpath names this checkout's modules, never jars from the local repository.
./mvnw -B -ntp -q -pl scheduler -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# The reactor's own classes come first, ahead of any older ember-common jar in the local repository.
CP="scheduler/target/test-classes:scheduler/target/classes:common/target/classes:$(cat scheduler/target/bench.classpath)"
java -Xms1g -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" \
  dev.ember.scheduler.reconcile.SchedulerBench "${1:-5000}" "${2:-10000}" "${3:-20}"

# The whole tick with its database reads and commit, on a real (embedded) PostgreSQL: skip with NO_DB=1.
# Its JVM (the scheduler's code, the embedded Kafka broker and the test) gets a fixed heap, TICK_JAVA_OPTS to change it.
if [[ "${NO_DB:-}" != "1" ]]; then
  ./mvnw -B -ntp -q -pl scheduler -am verify -DskipITs -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest=TickWithDatabaseBench -Dbench.deployments="${2:-10000}" "-DargLine=${TICK_JAVA_OPTS:--Xmx2g}" >/dev/null
  grep -o "reconciler tick with the database[^&]*" \
    scheduler/target/surefire-reports/TEST-dev.ember.scheduler.reconcile.TickWithDatabaseBench.xml
fi

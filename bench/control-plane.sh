#!/usr/bin/env bash
# The control plane under load (see ControlPlaneBench): create-deployment latency at a fixed rate (goal: p99 <= 20 ms
# at 200 creates/s), the most creates a second with a fixed number of clients, and commit-to-Kafka event latency.
# It starts the platform as ./ember up does (embedded PostgreSQL and Kafka), then stops the scheduler and data plane.
# Usage: bench/control-plane.sh [RATE] [SECONDS] [CLIENTS] [WARM-UP SECONDS]   (defaults 200 30 16 60)
# BENCH_JAVA_OPTS=-Dember.pg.preload=pg_stat_statements loads that extension into the embedded PostgreSQL.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# One reactor build, so the classpath names this checkout's modules, never jars from the local repository.
./mvnw -B -ntp -q -pl deploy/local -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
# The reactor's own classes come first, ahead of any older ember jars in the local repository.
CP="deploy/local/target/test-classes:deploy/local/target/classes:common/target/classes:test-support/target/classes"
CP="$CP:$(cat deploy/local/target/bench.classpath)"
exec java ${BENCH_JAVA_OPTS:-} -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" \
  dev.ember.local.ControlPlaneBench "${1:-200}" "${2:-30}" "${3:-16}" "${4:-60}"

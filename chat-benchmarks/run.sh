#!/usr/bin/env bash
# Builds chat-benchmarks (with the modules it depends on) and runs the whole JMH suite:
# H2 and PostgreSQL, every benchmark beside its raw-JDBC baseline. Writes
# chat-benchmarks/results/summary.md and chat-benchmarks/results/jmh-results.json.
# About 12 minutes on a 2-core machine, 13-14 when it first loads the data set.
#
#   chat-benchmarks/run.sh                                      # everything
#   BENCH_OPTS="-Dtxchat.bench.dbs=h2" chat-benchmarks/run.sh   # settings: see README.md
#   TXCHAT_BENCH_BUILD=module chat-benchmarks/run.sh            # build only this module,
#                                     # taking chat-core/chat-jdbi from ~/.m2 (offline)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
if [[ "${TXCHAT_BENCH_BUILD:-reactor}" == module ]]; then
  mvn -q -B -o -pl chat-benchmarks -Pbenchmarks package
else
  mvn -q -B ${MVN_FLAGS:-} -pl chat-benchmarks -am -Pbenchmarks package -Dmaven.test.skip=true
fi
revision="$(git describe --always --dirty 2>/dev/null || echo unknown)"
cd "$here"
# shellcheck disable=SC2086
exec java -Xmx1g -Dtxchat.bench.revision="$revision" ${BENCH_OPTS:-} -jar target/benchmarks.jar

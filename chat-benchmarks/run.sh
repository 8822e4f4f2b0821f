#!/usr/bin/env bash
# Builds chat-benchmarks (with the modules it depends on) and runs the whole suite on H2 and
# PostgreSQL, every scenario beside its raw-JDBC baselines: JMH benchmarks, the paired
# cross-check and the decay run (see README.md). Writes chat-benchmarks/results/summary.md
# and chat-benchmarks/results/jmh-*.json. About 13-15 minutes on a 2-core machine, build
# included; about 2-3 more when it first loads the data sets.
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

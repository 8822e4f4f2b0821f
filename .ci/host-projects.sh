#!/usr/bin/env bash
# Builds and runs the host projects under .ci/host-projects/ against the txchat artifacts that
# the reactor's `mvn install` just put into ~/.m2, as a host application would use them:
#   plain/    the README Quickstart in plain Java: HikariCP on PostgreSQL (127.0.0.1:5432, db test,
#             user postgres), JdbiChatStore, migrate(), a TransactionDirectory, one transaction chat
#   starter/  a Spring Boot 4 application with chat-spring-boot-starter on embedded H2
# Each is a standalone Maven project (not a reactor module); dependencies come from ~/.m2 and
# Maven Central only. Fails on the first error.
#
# Usage (from the repository root):  mvn -B install -DskipTests && .ci/host-projects.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TXCHAT_VERSION="${TXCHAT_VERSION:-0.1.0-SNAPSHOT}"
REPO="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"

for artifact in chat-core chat-jdbi chat-spring-boot-starter; do
  if [ ! -f "$REPO/dev/txchat/$artifact/$TXCHAT_VERSION/$artifact-$TXCHAT_VERSION.jar" ]; then
    echo "host-projects: dev.txchat:$artifact:$TXCHAT_VERSION is not in $REPO; run 'mvn -B install -DskipTests' first" >&2
    exit 1
  fi
done

for project in plain starter; do
  echo "host-projects: $project"
  mvn -B -q -f ".ci/host-projects/$project/pom.xml" -Dtxchat.version="$TXCHAT_VERSION" \
      -Dmaven.repo.local="$REPO" clean package exec:java
done
echo "host-projects: all passed"

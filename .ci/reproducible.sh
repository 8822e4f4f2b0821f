#!/usr/bin/env bash
# Reproducible-build check: builds the jars twice from clean, offline, and fails unless every
# jar of the published modules (classes, -sources, -javadoc) and the installed BOM POM come
# out byte-identical. The fixed timestamp comes from project.build.outputTimestamp in the parent POM.
#
# Needs the plugins and dependencies in the local repository (run after `mvn -B verify`, or set
# OFFLINE=0). MVN=./mvnw runs it with the Maven wrapper. It runs `mvn clean`: use it on a
# checkout nobody else is building in.
set -euo pipefail
cd "$(dirname "$0")/.."

MVN=${MVN:-mvn}
MVN_ARGS=(-B -q -Dstyle.color=never)
if [[ "${OFFLINE:-1}" != 0 ]]; then MVN_ARGS+=(-o); fi
PUBLISHED=(chat-core chat-testkit chat-jdbi chat-spring-boot-starter chat-spring-web)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() { # $1: where to keep this build's artifacts
  "$MVN" "${MVN_ARGS[@]}" clean
  "$MVN" "${MVN_ARGS[@]}" -DskipTests package
  mkdir -p "$1"
  local module found
  for module in "${PUBLISHED[@]}"; do
    found=0
    for jar in "$module"/target/*.jar; do
      [[ -e "$jar" ]] || continue
      cp "$jar" "$1/"
      found=1
    done
    if [[ $found == 0 ]]; then
      echo "reproducible: $module built no jar" >&2
      exit 1
    fi
  done
  if [[ -e chat-bom/target/flattened-pom.xml ]]; then
    cp chat-bom/target/flattened-pom.xml "$1/chat-bom.pom"
  fi
  (cd "$1" && sha256sum -- * | sort -k2) > "$1.sha256"
}

echo "reproducible: build 1"
build "$work/first"
echo "reproducible: build 2 (after mvn clean)"
build "$work/second"

cat "$work/first.sha256"
if diff -u "$work/first.sha256" "$work/second.sha256"; then
  echo "reproducible: $(wc -l < "$work/first.sha256") artifacts byte-identical across two builds: OK"
  exit 0
fi

echo "reproducible: the builds differ" >&2
# name the entries that differ, to find what is not reproducible
for file in "$work"/first/*.jar; do
  name=$(basename "$file")
  if ! cmp -s "$file" "$work/second/$name"; then
    echo "reproducible: $name differs; entries (unzip -lv) that differ:" >&2
    diff <(unzip -lv "$file" | sed -n '4,$p') <(unzip -lv "$work/second/$name" | sed -n '4,$p') >&2 || true
  fi
done
exit 1

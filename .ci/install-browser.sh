#!/bin/sh
# Installs Debian's Chromium and its chromedriver for chat-examples' ChatWebBrowserTest, when missing.
# Idempotent and quiet: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are present.
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || { echo "install-browser: chromium/chromedriver still missing" >&2; exit 1; }

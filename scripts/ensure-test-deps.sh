#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's chromium for the
# HTML report's browser test. Does nothing when it is already there.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ensure-test-deps: chromium is missing; install it with: sudo apt-get install -y chromium" >&2
    exit 1
  fi
  echo "ensure-test-deps: installing chromium (Debian package) for the browser test..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq chromium >/dev/null
fi

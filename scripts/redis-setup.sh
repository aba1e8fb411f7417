#!/usr/bin/env bash
# Installs redis-server, redis-cli and redis-benchmark (Debian/Ubuntu) when missing.
# The tests and `go run ./bench` start their own servers; nothing is started here.
set -euo pipefail
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null; then
  redis-server --version
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server redis-tools >/dev/null
# The Debian package starts a system-wide server on port 6379; the tests do not need it.
redis-server --version

#!/usr/bin/env bash
# What `make bench` needs beyond scripts/setup.sh: SpamAssassin (Debian package),
# the comparison point for relay extraction. Never called by `make test`.
# Idempotent and quick when present: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bench-setup] %s\n' "$*"; }

if ! perl -MMail::SpamAssassin -e 1 >/dev/null 2>&1; then
  say "installing spamassassin (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends spamassassin >/dev/null
fi
# /usr/bin/time -v reports the CLI's peak memory (GNU time).
if [ ! -x /usr/bin/time ]; then
  say "installing time"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
say "ready (SpamAssassin $(perl -MMail::SpamAssassin -e 'print Mail::SpamAssassin::Version()'))"

#!/usr/bin/env bash
# What `make bench` needs beyond scripts/setup.sh: SpamAssassin (Debian package),
# the comparison point for relay extraction. Never called by `make test`.
# Idempotent and quick when present: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[bench-setup] %s\n' "$*"; }

missing=()
perl -MMail::SpamAssassin -e 1 >/dev/null 2>&1 || missing+=(spamassassin)
# GNU time: the CLI's peak memory (/usr/bin/time -v).
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
say "ready (SpamAssassin $(perl -MMail::SpamAssassin -e 'print Mail::SpamAssassin::Version()'))"

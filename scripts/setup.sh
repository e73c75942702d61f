#!/usr/bin/env bash
# Installs what `make run` / `make test` need, only what is missing.
# Idempotent and quick when everything is present: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

# --- Rust toolchain pinned in rust-toolchain.toml (RUSTUP_AUTO_INSTALL=0 here) ----
channel=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^${channel}-"; then
  say "installing Rust ${channel}"
  rustup toolchain install "$channel" --profile minimal --component rustfmt,clippy --target wasm32-unknown-unknown
fi
if ! rustup target list --installed --toolchain "$channel" | grep -q wasm32-unknown-unknown; then
  say "adding wasm32-unknown-unknown to ${channel}"
  rustup target add --toolchain "$channel" wasm32-unknown-unknown
fi

# --- wasm-bindgen CLI: must equal the crate version pinned in Cargo.toml ------------
want=$(sed -n 's/^wasm-bindgen *= *"=\(.*\)"/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli ${want} (had: ${have:-none}; about 2 minutes)"
  # No --locked: the CLI's lockfile names a crate version this registry lacks.
  cargo +"$channel" install wasm-bindgen-cli --version "$want"
fi

# --- Debian packages: Chromium for the e2e tests, Firefox ESR for the Firefox runtime
# test (tests/e2e/firefox.test.mjs), a Japanese font for screenshots ---
apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || apt_missing+=(firefox-esr)
dpkg -s fonts-ipafont-gothic >/dev/null 2>&1 || apt_missing+=(fonts-ipafont-gothic)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing ${apt_missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# --- npm tooling (playwright-core, puppeteer-core, web-ext, binaryen's wasm-opt) ---
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm tooling"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready"

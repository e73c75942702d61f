# SenderTrace — one entry point for people and CI.
#   make run    install what is missing, build, serve www/ on http://127.0.0.1:8080
#   make test   install what is missing, build, run every test
#   make bench  benchmarks (never part of make test)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 8080
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/wasm-release/sendertrace_wasm.wasm
PKG := build/pkg
# Keep machine paths out of the shipped wasm's panic strings.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS := --remap-path-prefix=$(HOME)/.cargo/registry/src=crates --remap-path-prefix=$(CURDIR)=sendertrace
RUST_SOURCES := $(shell find crates -name '*.rs' -o -name Cargo.toml -o -name '*.json' -o -name '*.txt' | grep -v '/target/') Cargo.toml Cargo.lock
EXT_SOURCES := $(shell find extension www scripts -type f 2>/dev/null)

.PHONY: help setup build wasm dist run test test-size test-rust test-wasm test-js test-e2e lint bench bench-instructions fuzz refresh-bootstrap clean

help:
	@echo "make run    build and serve www/ on http://127.0.0.1:$(PORT); prints where the extension builds are"
	@echo "make test   every test: cargo, wasm under node, JS unit, Playwright e2e in Chromium, web-ext lint"
	@echo "make dist   build dist/chrome, dist/firefox, dist/www and the zips"
	@echo "make bench  benchmarks"

setup:
	@bash scripts/setup.sh

# --- build ---------------------------------------------------------------------------
$(PKG)/sendertrace_wasm_bg.wasm: $(RUST_SOURCES)
	cargo build -p sendertrace-wasm --target $(WASM_TARGET) --profile wasm-release
	mkdir -p $(PKG)
	wasm-bindgen --target web --no-typescript --remove-name-section --out-dir $(PKG) $(WASM_OUT)
	node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
	  $(PKG)/sendertrace_wasm_bg.wasm -o $(PKG)/sendertrace_wasm_bg.wasm
	node scripts/check-wasm.mjs $(PKG)

wasm: setup $(PKG)/sendertrace_wasm_bg.wasm

build: wasm
	cargo build --release -p sendertrace-cli
	node scripts/build-extension.mjs

dist: build
	node scripts/build-extension.mjs --zip

run: build
	@echo
	@echo "Extension builds (load unpacked):"
	@echo "  Chrome:  $(CURDIR)/dist/chrome   (chrome://extensions → Developer mode → Load unpacked)"
	@echo "  Firefox: $(CURDIR)/dist/firefox  (about:debugging#/runtime/this-firefox → Load Temporary Add-on → manifest.json)"
	@echo "Standalone page: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	node scripts/serve.mjs dist/www $(PORT)

# --- tests ---------------------------------------------------------------------------
test: build
	$(MAKE) --no-print-directory test-size test-rust test-wasm test-js test-e2e lint

test-size:
	node scripts/check-size.mjs $(PKG)

test-rust:
	cargo test --workspace

test-wasm:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test -p sendertrace-wasm --target $(WASM_TARGET)

test-js:
	node --test tests/unit/

test-e2e:
	node --test --test-concurrency=1 tests/e2e/

lint:
	node_modules/.bin/web-ext lint --source-dir dist/firefox --self-hosted --warnings-as-errors --output text

bench: dist
	bash scripts/bench-setup.sh
	node scripts/bench.mjs

bench-instructions: setup ## instructions per message (callgrind): our analysis vs mail-parser's bare parse
	bash scripts/bench-instructions.sh

fuzz: setup ## cargo-fuzz targets, FUZZ_SECONDS each (default 60); never part of make test
	bash scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

refresh-bootstrap: ## refresh crates/core/data/iana-bootstrap from data.iana.org (review the diff, then commit)
	bash scripts/refresh-bootstrap.sh

clean:
	rm -rf build dist target/$(WASM_TARGET)

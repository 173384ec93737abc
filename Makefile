# The two set-up commands: `make demo` and `make test`. Both bootstrap first (idempotent).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV := uv run --frozen

.PHONY: bootstrap demo test lint typecheck proto proto-baseline bench bench-scoring bench-ingest bench-backfill bench-calibration

bootstrap:
	@scripts/bootstrap

demo: bootstrap
	$(UV) chiso demo

test: bootstrap lint typecheck
	$(UV) pytest -q

lint:
	$(UV) ruff check .
	$(UV) ruff format --check .
	cd proto && ../.venv/bin/buf lint
	cd proto && ../.venv/bin/buf breaking --against breaking-baseline.json

typecheck:
	$(UV) mypy

proto:
	scripts/gen-proto

# The contract `make lint` holds proto/ to (buf breaking): main's proto, as an image committed
# so that a fresh clone checks it without main's history. Refresh it on main when a contract
# change is released.
proto-baseline:
	cd proto && ../.venv/bin/buf build -o breaking-baseline.json

bench: bootstrap
	$(UV) python bench/pipeline.py

bench-scoring: bootstrap
	$(UV) python bench/scoring.py

bench-ingest: bootstrap
	$(UV) python bench/ingest.py

bench-backfill: bootstrap
	$(UV) python bench/backfill.py

bench-calibration: bootstrap
	$(UV) python bench/calibration.py

# The two set-up commands: `make demo` and `make test`. Both bootstrap first (idempotent).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV := uv run --frozen

.PHONY: bootstrap demo test lint typecheck proto bench bench-scoring bench-ingest bench-backfill

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

typecheck:
	$(UV) mypy

proto:
	scripts/gen-proto

bench: bootstrap
	$(UV) python bench/pipeline.py

bench-scoring: bootstrap
	$(UV) python bench/scoring.py

bench-ingest: bootstrap
	$(UV) python bench/ingest.py

bench-backfill: bootstrap
	$(UV) python bench/backfill.py

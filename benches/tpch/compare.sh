#!/usr/bin/env bash
# TPC-H comparison of Ember with DuckDB, DataFusion and Polars on the same Parquet files and
# the same number of threads. Creates benches/tpch/.venv with the pinned peers on first use.
#
#   benches/tpch/compare.sh [--sf 0.1] [--threads 2] [--iterations 3] [--queries 1-22]
#                           [--engines duckdb,datafusion,polars,ember] [--timeout 600]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/benches/tpch/.venv"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$root/benches/tpch/requirements.txt" "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -r "$root/benches/tpch/requirements.txt"
    cp "$root/benches/tpch/requirements.txt" "$venv/requirements.txt"
fi
exec "$venv/bin/python" "$root/benches/tpch/compare.py" "$@"

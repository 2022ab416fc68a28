"""TPC-H: Ember against DuckDB, DataFusion and Polars on the same Parquet files.

Builds Ember's benchmark (`cargo bench -p ember-tpch --bench tpch`), generates the data with
it (benches/data/tpch/sf<SF>/), then runs every engine in its own process with the same number
of threads, so the peak memory (ru_maxrss) is per engine. Each query runs once to warm up and
to check its rows against benches/tpch/answers/sf<SF>/, then is timed over several runs
(median). Ember runs one process per query, with a timeout, so a query that is too slow or
stuck does not stop the comparison; its peak memory is the largest of those processes.

Run through compare.sh, which creates the virtual environment with the pinned peers.
"""

import argparse
import csv
import datetime
import decimal
import json
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TPCH = os.path.join(ROOT, "benches", "tpch")
TABLES = ["part", "supplier", "partsupp", "customer", "orders", "lineitem", "nation", "region"]
PEERS = ["duckdb", "datafusion", "polars"]
TOLERANCE = 1e-2


def sf_label(sf):
    return str(int(sf)) if float(sf).is_integer() else str(sf)


def parse_queries(text):
    out = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


# ---------------------------------------------------------------- answer check (peers)

def render(v):
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (datetime.date, decimal.Decimal)):
        return str(v)
    return str(v)


def number(s):
    if re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", s):
        return float(s)
    return None


def cell_match(e, a):
    if e == a:
        return True
    x, y = number(e), number(a)
    if x is None or y is None:
        return False
    if re.fullmatch(r"-?\d+", e) and re.fullmatch(r"-?\d+", a):
        return False
    return abs(x - y) <= TOLERANCE * max(abs(x), abs(y)) or abs(x - y) < 1e-9


def sort_key(row):
    return [(0, number(c), "") if number(c) is not None else (1, 0.0, c) for c in row]


def check(n, sf, rows):
    """Compares rows (lists of rendered values) with the answer, ignoring row order."""
    path = os.path.join(TPCH, "answers", "sf" + sf_label(sf), "q%02d.csv" % n)
    if not os.path.exists(path):
        return "ran", ""
    with open(path, newline="") as f:
        expected = list(csv.reader(f))[1:]
    if len(expected) != len(rows):
        return "FAIL", "expected %d rows, got %d" % (len(expected), len(rows))
    for e, a in zip(sorted(expected, key=sort_key), sorted(rows, key=sort_key)):
        if len(e) != len(a) or not all(cell_match(x, y) for x, y in zip(e, a)):
            return "FAIL", "row %s where the answer has %s" % (",".join(a), ",".join(e))
    return "pass", ""


# ---------------------------------------------------------------- one engine, in this process

def peer_runner(engine, data, threads):
    """Returns run(sql) -> list of rows of rendered values, for an engine set up on `data`."""
    paths = {t: os.path.join(data, t + ".parquet") for t in TABLES}
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(config={"threads": threads})
        for t, p in paths.items():
            con.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')" % (t, p))
        return lambda sql: [[render(v) for v in r] for r in con.execute(sql).fetchall()]
    if engine == "datafusion":
        import datafusion

        config = datafusion.SessionConfig().with_target_partitions(threads)
        ctx = datafusion.SessionContext(config)
        for t, p in paths.items():
            ctx.register_parquet(t, p)

        def run(sql):
            table = ctx.sql(sql).to_arrow_table()
            return [[render(r[c]) for c in table.column_names] for r in table.to_pylist()]

        return run
    if engine == "polars":
        import polars as pl

        ctx = pl.SQLContext({t: pl.scan_parquet(p) for t, p in paths.items()})

        def run(sql):
            df = ctx.execute(sql, eager=True)
            return [[render(v) for v in r] for r in df.iter_rows()]

        return run
    raise SystemExit("unknown engine " + engine)


def run_engine(args):
    run = peer_runner(args.engine, args.data, args.threads)
    results = []
    for n in parse_queries(args.queries):
        with open(os.path.join(TPCH, "queries", "q%02d.sql" % n)) as f:
            sql = f.read().strip().rstrip(";")
        entry = {"query": n, "rows": 0, "detail": ""}
        try:
            t0 = time.perf_counter()
            rows = run(sql)
            first = time.perf_counter() - t0
            entry["status"], entry["detail"] = check(n, args.sf, rows)
            entry["rows"] = len(rows)
            times = []
            for _ in range(args.iterations):
                t0 = time.perf_counter()
                run(sql)
                times.append(time.perf_counter() - t0)
            times = times or [first]
            entry["median_s"] = statistics.median(times)
            entry["min_s"] = min(times)
        except Exception as e:  # an engine that cannot run a query: note it and go on
            entry.update(status="ERROR", detail=(str(e).splitlines() or [type(e).__name__])[0][:200], median_s=None, min_s=None)
        results.append(entry)
    out = {"engine": args.engine, "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "queries": results}
    with open(args.json, "w") as f:
        json.dump(out, f)


# ---------------------------------------------------------------- the driver

def ember_binary():
    out = subprocess.run(
        ["cargo", "bench", "--no-run", "-p", "ember-tpch", "--bench", "tpch", "--message-format=json"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "tpch" and msg.get("executable"):
            return msg["executable"]
    raise SystemExit("cargo did not report the tpch bench executable")


def run_ember(binary, args, data, tmp):
    results, peak = [], 0
    for n in parse_queries(args.queries):
        out = os.path.join(tmp, "ember_q%02d.json" % n)
        cmd = [binary, "--sf", str(args.sf), "--threads", str(args.threads), "--data", data, "--queries", str(n),
               "--iterations", str(args.iterations), "--json", out]
        try:
            subprocess.run(cmd, cwd=ROOT, check=True, timeout=args.timeout, stdout=subprocess.DEVNULL)
            with open(out) as f:
                report = json.load(f)
            peak = max(peak, report.get("peak_rss_kib") or 0)
            entry = report["queries"][0]
            if entry["status"] == "ERROR":
                entry["median_s"] = entry["min_s"] = None
        except subprocess.TimeoutExpired:
            entry = {"query": n, "status": "TIMEOUT", "detail": "over %ds" % args.timeout, "median_s": None, "rows": 0}
        except subprocess.CalledProcessError as e:
            entry = {"query": n, "status": "CRASH", "detail": "exit %s" % e.returncode, "median_s": None, "rows": 0}
        print("  ember Q%02d %s %s" % (n, entry["status"], "" if entry["median_s"] is None else "%.3fs" % entry["median_s"]), flush=True)
        results.append(entry)
    return {"engine": "ember", "peak_rss_kib": peak, "queries": results}


def run_peer(engine, args, data, tmp):
    out = os.path.join(tmp, engine + ".json")
    env = dict(os.environ, POLARS_MAX_THREADS=str(args.threads), TOKIO_WORKER_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads))
    cmd = [sys.executable, os.path.abspath(__file__), "--engine", engine, "--data", data, "--sf", str(args.sf),
           "--threads", str(args.threads), "--iterations", str(args.iterations), "--queries", args.queries, "--json", out]
    try:
        subprocess.run(cmd, check=True, env=env, timeout=args.timeout * 22)
        with open(out) as f:
            return json.load(f)
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError) as e:
        print("  %s did not finish: %s" % (engine, e), flush=True)
        return None


def geomean(values):
    return math.exp(sum(math.log(max(v, 1e-6)) for v in values) / len(values)) if values else float("nan")


def report(results, args):
    engines = [r["engine"] for r in results]
    by = {r["engine"]: {q["query"]: q for q in r["queries"]} for r in results}
    peers = [e for e in engines if e != "ember"]
    head = "query " + "".join("%14s" % e for e in engines) + "".join("%17s" % ("ember/" + p) for p in peers if "ember" in by)
    print("\nTPC-H SF %s, %d threads, median of %d runs (seconds; FAIL = wrong rows, ERROR = not run)" % (args.sf, args.threads, args.iterations))
    print(head)
    for n in parse_queries(args.queries):
        cells = []
        for e in engines:
            q = by[e].get(n, {})
            t = q.get("median_s")
            cells.append("%14s" % ("%.3f" % t if t is not None and q["status"] in ("pass", "ran") else
                                   ("%.3f %s" % (t, q.get("status")) if t is not None else q.get("status", "-"))))
        if "ember" in by:
            te = by["ember"].get(n, {})
            for p in peers:
                tp = by[p].get(n, {})
                ok = te.get("status") == "pass" and tp.get("status") == "pass"
                cells.append("%17s" % ("%.2fx" % (te["median_s"] / tp["median_s"]) if ok and tp["median_s"] else "-"))
        print("Q%02d   " % n + "".join(cells))
    print("\nper engine: queries passed, geometric mean over its passed queries, peak RSS")
    for e in engines:
        qs = [q for q in by[e].values() if q["status"] == "pass"]
        rss = next(r["peak_rss_kib"] for r in results if r["engine"] == e)
        print("  %-11s %2d/%d passed  geomean %.4fs  peak RSS %.0f MiB" % (e, len(qs), len(by[e]), geomean([q["median_s"] for q in qs]), rss / 1024))
    if "ember" in by:
        print("\nEmber / peer on the queries both pass (geometric mean of the per-query ratios):")
        for p in peers:
            both = [n for n, q in by["ember"].items() if q["status"] == "pass" and by[p].get(n, {}).get("status") == "pass"]
            ratios = [by["ember"][n]["median_s"] / by[p][n]["median_s"] for n in both if by[p][n]["median_s"]]
            print("  ember/%-10s %.2fx over %d queries" % (p, geomean(ratios), len(ratios)))
    failures = [(e, q) for e in engines for q in by[e].values() if q["status"] not in ("pass", "ran")]
    if failures:
        print("\nnot passed:")
        for e, q in failures:
            print("  %-10s Q%02d %s %s" % (e, q["query"], q["status"], q.get("detail", "")[:160]))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sf", type=float, default=0.1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--queries", default="1-22")
    p.add_argument("--engines", default="duckdb,datafusion,polars,ember")
    p.add_argument("--timeout", type=int, default=600, help="seconds per Ember query (peers: 22 times this in all)")
    p.add_argument("--data", help="directory of the Parquet tables (default benches/data/tpch/sf<SF>)")
    p.add_argument("--json", help="write the combined results here")
    p.add_argument("--engine", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.sf = int(args.sf) if float(args.sf).is_integer() else args.sf
    if args.engine:
        return run_engine(args)
    data = args.data or os.path.join(ROOT, "benches", "data", "tpch", "sf" + sf_label(args.sf))
    binary = ember_binary()
    subprocess.run([binary, "--sf", str(args.sf), "--data", data, "--generate-only"], cwd=ROOT, check=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            print("running %s ..." % engine, flush=True)
            r = run_ember(binary, args, data, tmp) if engine == "ember" else run_peer(engine, args, data, tmp)
            if r:
                results.append(r)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    report(results, args)


if __name__ == "__main__":
    main()

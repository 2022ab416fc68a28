#!/usr/bin/env python3
"""check_goldens.py - every golden script against real Apache Spark.

Runs each `sql-tests/inputs/**/*.sql` (names starting with `_` aside) on Spark
(through `spark-sql` beside this file, which installs PySpark into a cache outside
the repository on first use) and on Ember (`ember -f FILE --format golden`), and
compares them statement by statement as `compare.py` does. A difference fails the
check unless `sql-tests/KNOWN_DIFFERENCES.md` lists the statement with its reason.
EXPLAIN statements are not compared (their text is each engine's own).

    python3 sql-tests/oracle/check_goldens.py [--ember target/debug/ember] [FILE ...]

Exit status 1 on a difference that is not listed. Listed differences that no longer
occur are reported, so the list can shrink.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
from compare import classify, parse, run_ember, show  # noqa: E402
from spark_ref import split_statements  # noqa: E402


def norm(sql):
    """A statement without comments, whitespace runs collapsed."""
    lines = [l for l in sql.split("\n") if not l.strip().startswith("--")]
    return " ".join(" ".join(lines).split())


def known_differences(path):
    """{(file, statement): reason} from KNOWN_DIFFERENCES.md: `## area/file.sql`
    headings, then `- `statement` reason` bullets."""
    known, current = {}, None
    if not os.path.exists(path):
        return known
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^## (\S+\.sql)\s*$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^- `(.+?)`\s*[:\u2014-]?\s*(.*)$", line.rstrip("\n"))
        if m and current:
            known[(current, norm(m.group(1)))] = m.group(2)
    return known


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--ember", default=None)
    a = ap.parse_args()
    os.chdir(ROOT)
    ember = a.ember or next((p for p in ("target/debug/ember", "target/release/ember") if os.path.exists(p)), None)
    if not ember:
        sys.exit("check_goldens.py: no ember binary; run cargo build -p ember-cli")
    files = a.files or sorted(
        f for f in glob.glob("sql-tests/inputs/**/*.sql", recursive=True) if not os.path.basename(f).startswith("_"))
    known = known_differences(os.path.join(ROOT, "sql-tests", "KNOWN_DIFFERENCES.md"))
    seen, unexpected, compared, same = set(), [], 0, 0
    for path in files:
        rel = os.path.relpath(path, "sql-tests/inputs")
        sqls = split_statements(open(path, encoding="utf-8").read())
        spark = subprocess.run([os.path.join(HERE, "spark-sql"), "-f", path], capture_output=True, text=True)
        if "@@ STATEMENT" not in spark.stdout:
            sys.exit("check_goldens.py: Spark gave no output for %s:\n%s" % (path, spark.stderr[-2000:]))
        mine = run_ember(ember, path)
        sb, eb = parse(spark.stdout), parse(mine.stdout)
        for n, sql in enumerate(sqls, 1):
            if norm(sql).upper().startswith("EXPLAIN"):
                continue
            compared += 1
            kind = classify(sql, sb.get(n, {"error": "-", "msg": ["no Spark output"]}), eb.get(n))
            if kind == "same":
                same += 1
                continue
            key = (rel, norm(sql))
            if key in known:
                seen.add(key)
                continue
            unexpected.append((rel, n, kind, sql, sb.get(n), eb.get(n)))
    for rel, n, kind, sql, s, e in unexpected:
        print("%s, statement %d: %s\n   %s" % (rel, n, kind, norm(sql)[:300]))
        print("   Spark:\n" + "\n".join(show(s)) + "\n   Ember:\n" + "\n".join(show(e)))
    stale = sorted(k for k in known if k not in seen and (not a.files or any(k[0] == os.path.relpath(f, "sql-tests/inputs") for f in files)))
    for rel, sql in stale:
        print("listed in KNOWN_DIFFERENCES.md but now the same as Spark (remove it): %s: %s" % (rel, sql[:200]))
    print("\n%d statements compared: %d same as Spark (%.1f%%), %d known differences, %d unexpected" % (
        compared, same, 100.0 * same / max(compared, 1), len(seen), len(unexpected)))
    sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()

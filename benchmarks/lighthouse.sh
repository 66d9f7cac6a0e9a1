#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) for a day page and a
# paper page of the site built from the bundled data, mobile profile, Debian's chromium.
#
#   bash benchmarks/lighthouse.sh            # builds site/ first if it is missing
#
# Needs Node 20 (Lighthouse 12; 13 wants Node 22) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f site/index.html ] || .venv/bin/papers build
lh=benchmarks/lighthouse-tool
if [ ! -x "$lh/node_modules/.bin/lighthouse" ]; then
    mkdir -p "$lh" && (cd "$lh" && npm init -y >/dev/null && npm pkg set name=lighthouse-tool && npm i -E --no-audit --no-fund --loglevel=error lighthouse@12.2.3)
fi
port=8799
python3 benchmarks/serve_gzip.py site "$port" &
server=$!
trap 'kill $server' EXIT
sleep 1
day=$(ls site/date | grep "\.html$" | sort | tail -1 | sed "s/\.html$//")
paper=$(ls site/papers | grep -v title- | sort | tail -1 | sed "s/\.html$//")
for path in "date/$day.html" "papers/$paper.html"; do
    CHROME_PATH=/usr/bin/chromium "$lh/node_modules/.bin/lighthouse" "http://127.0.0.1:$port/$path" \
        --quiet --output=json --output-path="$lh/report.json" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
        --blocked-url-patterns='*huggingface.co*' >/dev/null 2>&1 || true
    python3 - "$path" "$lh/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[2]))
scores = {k: v["score"] for k, v in report["categories"].items()}
audits = {k: report["audits"][k]["numericValue"] for k in ("cumulative-layout-shift", "total-blocking-time")}
print(f"{sys.argv[1]:32} " + "  ".join(f"{k}={v:.2f}" for k, v in scores.items())
      + f"  CLS={audits['cumulative-layout-shift']:.3f}  TBT={audits['total-blocking-time']:.0f}ms")
PY
done

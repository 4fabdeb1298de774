#!/usr/bin/env bash
# Time `make run` from a fresh clone of this repository to the first served page, then a
# second start (issue 2). Port 8000 must be free. Usage: bench/bench_make_run.sh
set -u
rm -rf /tmp/fresh && git clone -q "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)" /tmp/fresh && cd /tmp/fresh
for attempt in first second; do
  start=$(date +%s.%N)
  setsid make run > /tmp/makerun-$attempt.log 2>&1 &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:8000/; do
    sleep 0.25
    kill -0 $pid 2>/dev/null || { echo "make run died"; tail -20 /tmp/makerun-$attempt.log; exit 1; }
  done
  end=$(date +%s.%N)
  echo "$attempt make run: $(echo "$end - $start" | bc) s to a served page"
  curl -s -o /dev/null -w "rating page %{http_code} in %{time_total}s\n" http://127.0.0.1:8000/rating/
  kill -- -$pid; sleep 2
done
grep -E "\([0-9.]+ s\)" /tmp/makerun-first.log

#!/usr/bin/env bash
# A cold build of the same archive by another revision and by this checkout, back to back:
# time and peak memory summed over processes (benchmarks/peak_memory.py). This machine's speed
# moves by a sixth between runs, so "no slower than main" is judged this way.
#
#   bash benchmarks/cold_compare.sh /tmp/archive-50k cdae137
set -euo pipefail
archive=$(realpath "$1"); rev=$2
source "$(dirname "$0")/two_revisions.sh" "$rev"
for who in old new; do
    code=$(code_of "$who")
    project=$(project_for "$who" "$archive/data" "$archive/mkdocs.yml")
    printf '%s (%s): ' "$who" "$([ "$who" = old ] && echo "$rev" || git -C "$here" rev-parse --short HEAD)"
    (cd "$code" && PYTHONPATH="$code" "$py" "$here/benchmarks/peak_memory.py" -- \
        "$py" -m generator -C "$project" --quiet build | tail -1)
    rm -rf "$project"
done

#!/usr/bin/env bash
# A cold build of the same archive by another revision and by this checkout, back to back:
# time and peak memory summed over processes (benchmarks/peak_memory.py). This machine's speed
# moves by a sixth between runs, so "no slower than main" is judged this way.
#
#   bash benchmarks/cold_compare.sh /tmp/archive-50k cdae137
set -euo pipefail
archive=$(realpath "$1"); rev=$2
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/old-code" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add -q --detach "$work/old-code" "$rev"
for who in old new; do
    code=$([ "$who" = old ] && echo "$work/old-code" || echo "$here")
    project="$work/$who"
    mkdir -p "$project/generator"
    cp -r "$archive/data" "$archive/mkdocs.yml" "$project/"
    ln -s "$code/docs" "$project/docs"
    ln -s "$code/generator/theme" "$project/generator/theme"
    printf '%s (%s): ' "$who" "$([ "$who" = old ] && echo "$rev" || git -C "$here" rev-parse --short HEAD)"
    (cd "$code" && PYTHONPATH="$code" "$py" "$here/benchmarks/peak_memory.py" -- \
        "$py" -m generator -C "$project" --quiet build | tail -1)
    rm -rf "$project"
done

#!/usr/bin/env bash
# Build one project's data with another revision's code and with this checkout's, and compare
# the two sites byte for byte (a refactor's proof that nothing a visitor gets has changed).
# Each side uses its own mkdocs.yml, docs/ and theme; the data is the same copy.
#
#   bash benchmarks/same_site.sh REV             # the bundled data/
#   bash benchmarks/same_site.sh REV DATA_DIR    # any data/ folder, e.g. an imported corpus
set -euo pipefail
rev=$1
here=$(cd "$(dirname "$0")/.." && pwd)
data=$(realpath "${2:-$here/data}")
py=${PYTHON:-$here/.venv/bin/python}
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/old-code" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add -q --detach "$work/old-code" "$rev"
for who in old new; do
    code=$([ "$who" = old ] && echo "$work/old-code" || echo "$here")
    project="$work/$who"
    mkdir -p "$project/generator"
    cp -r "$data" "$project/data"
    cp "$code/mkdocs.yml" "$project/"
    ln -s "$code/docs" "$project/docs"
    ln -s "$code/generator/theme" "$project/generator/theme"
    started=$(date +%s)
    (cd "$code" && PYTHONPATH="$code" "$py" -m generator -C "$project" --quiet build)
    echo "$who ($([ "$who" = old ] && echo "$rev" || echo working tree)): built in $(($(date +%s) - started)) s"
done
if diff -r "$work/old/site" "$work/new/site" >"$work/diff.txt"; then
    echo "same site: $(find "$work/new/site" -type f | wc -l) files, byte for byte"
else
    if [ -n "${KEEP:-}" ]; then  # KEEP=/tmp/x: the two sites stay as /tmp/x.old and /tmp/x.new
        cp -r "$work/old/site" "$KEEP.old" && cp -r "$work/new/site" "$KEEP.new"
    fi
    echo "the sites differ ($(grep -c '^diff\|^Only' "$work/diff.txt") files):"
    grep '^diff\|^Only' "$work/diff.txt" | sed 40q
    exit 1
fi

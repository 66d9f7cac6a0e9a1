#!/usr/bin/env bash
# Build one project's data with another revision's code and with this checkout's, and compare
# the two sites byte for byte (a refactor's proof that nothing a visitor gets has changed).
# Each side uses its own mkdocs.yml, docs/ and theme; the data is the same copy.
#
#   bash benchmarks/same_site.sh REV             # the bundled data/
#   bash benchmarks/same_site.sh REV DATA_DIR    # any data/ folder, e.g. an imported corpus
set -euo pipefail
rev=$1
data=$(realpath "${2:-$(dirname "$0")/../data}")
source "$(dirname "$0")/two_revisions.sh" "$rev"
for who in old new; do
    code=$(code_of "$who")
    project=$(project_for "$who" "$data" "$code/mkdocs.yml")
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

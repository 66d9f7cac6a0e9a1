# Sourced by cold_compare.sh and same_site.sh, with the other revision as $1: this checkout and
# that revision's worktree side by side ($here, $work/old-code), removed on exit, and a project
# folder for either side, made of its own docs/ and theme and the given data/ and mkdocs.yml.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=${PYTHON:-$here/.venv/bin/python}
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/old-code" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add -q --detach "$work/old-code" "$1"

code_of() {  # old | new -> the code's folder
    if [ "$1" = old ]; then echo "$work/old-code"; else echo "$here"; fi
}

project_for() {  # old | new, DATA_DIR, MKDOCS_YML -> a fresh project folder ($work/old|new)
    local code project="$work/$1"
    code=$(code_of "$1")
    mkdir -p "$project/generator"
    cp -r "$2" "$project/data"
    cp "$3" "$project/mkdocs.yml"
    ln -s "$code/docs" "$project/docs"
    ln -s "$code/generator/theme" "$project/generator/theme"
    echo "$project"
}

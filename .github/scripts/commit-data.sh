#!/usr/bin/env bash
# The update workflow's "Commit data" step: commit data/ when `papers update` changed it, and
# push. If something else reached the branch meanwhile (a push to main, another run), the push is
# rejected: rebase the data commit onto it and push again, a few times with a short pause. The
# bot's commit touches only data/, so it rebases cleanly unless someone else edited the same
# files; then the rebase is aborted and the step fails, naming them, without pushing anything.
#
# Environment: PUSH_ATTEMPTS (default 5), PUSH_BACKOFF seconds (default 5; the n-th retry waits
# n times as long). Run from the repository's root, on the branch to push.
set -euo pipefail

attempts="${PUSH_ATTEMPTS:-5}"
backoff="${PUSH_BACKOFF:-5}"
remote=origin
branch="$(git symbolic-ref --quiet --short HEAD)" || {
    echo "::error::not on a branch (detached HEAD): nothing to push data/ to" >&2
    exit 1
}

git config user.name "github-actions[bot]"
git config user.email "41898283+github-actions[bot]@users.noreply.github.com"
git add data/
if git diff --cached --quiet; then
    echo "data/ unchanged"
    exit 0
fi
git commit --quiet -m "data: update $(date -u +%Y-%m-%dT%H:%MZ)"

for ((attempt = 1; ; attempt++)); do
    if git push --quiet "$remote" "HEAD:refs/heads/$branch"; then
        echo "pushed data/ to $branch (attempt $attempt)"
        exit 0
    fi
    if ((attempt >= attempts)); then
        echo "::error::could not push data/ to $branch after $attempts attempts" >&2
        exit 1
    fi
    echo "push rejected: $branch moved; rebasing onto it (attempt $attempt of $attempts)"
    sleep "$((attempt * backoff))"
    if ! git pull --quiet --rebase --autostash "$remote" "$branch"; then
        conflicts="$(git diff --name-only --diff-filter=U | tr '\n' ' ')"
        git rebase --abort || true
        echo "::error::data/ conflicts with what was pushed to $branch meanwhile (${conflicts:-see the log}): nothing pushed; the next run fetches again" >&2
        exit 1
    fi
done

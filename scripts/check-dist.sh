#!/usr/bin/env bash
# Fails when dist/ (committed: GitHub runs it) differs from what `npm run build` produces now.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run -s build
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: run 'npm run build' and commit dist/" >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ is current"

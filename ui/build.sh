#!/bin/sh
# Builds the web UI into ui/dist with this machine's Node and npm, for the Maven build (phase
# generate-resources; skipped with -Dcup.ui.skip=true). Installs the dependencies first when
# ui/node_modules is missing or older than ui/package-lock.json.
set -eu
cd "$(dirname "$0")"

if [ ! -f package.json ]; then
  echo "ui/build.sh: ui/package.json is missing, so there is no web UI to build." >&2
  echo "  Build without the UI: mvn -Dcup.ui.skip=true ... (the jar then serves no /ui/)" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "ui/build.sh: npm is not installed; the web UI needs Node.js and npm" \
    "(Debian: apt-get install nodejs npm), or build with -Dcup.ui.skip=true" >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json at each install: older than the lock file means
# the dependencies changed since
installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ -n "$(find package-lock.json -newer "$installed" 2>/dev/null)" ]; then
  npm ci --no-audit --no-fund
fi
npm run build

#!/usr/bin/env bash
# Browser assets from the npm registry, installed once at set-up (make setup), served by
# Hemicycle itself at run time (hemicycle.web.assets): the page viewer (OpenSeadragon),
# the API docs page (swagger-ui-dist) and axe-core for the accessibility tests.
# Idempotent: nothing happens when web/node_modules already matches package-lock.json.
# Offline first: npm's cache is tried before the registry.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.hemicycle-installed
if [[ -f $stamp ]] && cmp -s package-lock.json "$stamp"; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    echo "web assets: npm is not installed; install Node.js 20 and npm, then run make setup" >&2
    echo "  (missing: $(tr -d '\n' < package.json | grep -o '"dependencies": *{[^}]*}'))" >&2
    exit 1
fi
# --ignore-scripts: these packages need no install step (swagger-ui-dist's only one reports
# usage to a third party)
if ! npm ci --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null; then
    echo "web assets: npm could not install web/package-lock.json (no registry and no cache?)." >&2
    echo "  Hemicycle needs openseadragon, swagger-ui-dist and axe-core under web/node_modules;" >&2
    echo "  run 'make setup' where the npm registry can be reached." >&2
    exit 1
fi
cp package-lock.json "$stamp"
echo "web assets installed in web/node_modules"

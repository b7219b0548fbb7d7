#!/usr/bin/env bash
# Debian's Chromium, for `npm run screenshots` (playwright-core drives it; Playwright's own browser
# download cannot reach its servers from CI machines without internet).
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
SUDO=
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
$SUDO apt-get install -y chromium || { $SUDO apt-get update && $SUDO apt-get install -y chromium; }

#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests (never `playwright install`: it
# downloads a browser, and these machines have no network beyond package registries).
# Not fatal outside CI: without Chromium the browser tests skip.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure_chromium: installing chromium from Debian packages" >&2
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-wqy-microhei >/dev/null 2>&1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure_chromium: chromium is not available; browser tests will be skipped" >&2
  [ "${CI:-}" = "true" ] && exit 1
fi
exit 0

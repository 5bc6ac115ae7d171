#!/bin/sh
# What WebKitWebDriver starts as "the browser": the callpop binary under test, with its stderr
# (where it logs) appended to the log file the test chose. exec keeps the pid and the name.
exec "$CALLPOP_E2E_APP" "$@" 2>>"${CALLPOP_E2E_APP_LOG:-/dev/null}"

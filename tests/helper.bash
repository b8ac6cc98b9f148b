bats_require_minimum_version 1.5.0
# Common set-up for the bats suites: the programs under test come first on
# PATH (the sanitizer build under `make check`), fixtures are at $FIX.
QTS_BIN=${QTS_BIN:-$BATS_TEST_DIRNAME/../bin}
PATH=$QTS_BIN:$PATH
FIX=$BATS_TEST_DIRNAME/fixtures
DATA=$BATS_TEST_DIRNAME/../../shared/data

unset QTS_FORMAT
# qts-fetch's cache of network history: a test's own, never the home's.
export XDG_CACHE_HOME=${BATS_TEST_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/xdg-cache

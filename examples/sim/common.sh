# Shared by the examples: the built programs first on PATH, a scratch
# directory, and `show` to keep the events qts-sim writes.
PATH=${QTS_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/bin}:$PATH
export PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
show() { grep -E '^(update|fill|position),' ; }
last_equity() { grep '^equity,' | tail -1; }

#!/bin/sh
# sweep-shards.sh: one qts sweep cut into N shards that GNU parallel runs
# on the hosts of --sshlogin, then merged into the table one run writes.
#
#   HOSTS='4/alice@host1,4/host2' sh sweep-shards.sh N OUT DATA 'PIPELINE' PARAM=SPEC...
#
# HOSTS is GNU parallel's --sshlogin list (`:` is this machine; `4/host`
# runs four jobs on host); qts must be on each host's PATH.  The data file
# goes to each host once (--basefile), each shard's table comes back
# (--return) and is removed there (--cleanup).  Each shard uses all of its
# host's cores (qts sweep -j, the online processors) unless SWEEP_JOBS says
# otherwise; JOBS is the number of shards run at once on each host (1).
# The merged table is OUT; the shards' tables are OUT.1 ... OUT.N.
set -eu
[ $# -ge 5 ] || { echo "usage: sweep-shards.sh N OUT DATA 'PIPELINE' PARAM=SPEC..." >&2; exit 2; }
n=$1 out=$2 data=$3
shift 3
jobs=${SWEEP_JOBS:+-j $SWEEP_JOBS}
# -q: each word goes to qts sweep as it is, the pipeline's quotes included
# shellcheck disable=SC2086
parallel -q --halt now,fail=1 --sshlogin "${HOSTS:-:}" -j "${JOBS:-1}" \
	--basefile "$data" --return "$out.{}" --cleanup \
	qts sweep $jobs --shard "{}/$n" -o "$out.{}" "$@" "$data" ::: $(seq "$n")
i=1 shards=
while [ "$i" -le "$n" ]; do
	shards="$shards $out.$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
qts sweep --merge -o "$out" $shards

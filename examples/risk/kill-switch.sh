#!/bin/sh
# Emergency stop on a live stream: qts-risk reads a fifo; touching the kill
# file flattens and halts, removing it resumes.  (kill -USR1 / -USR2 do the
# same.)
cd "$(dirname "$0")" || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/feed"
qts-risk --kill-file "$dir/stop" <"$dir/feed" &
exec 3>"$dir/feed"
echo 'bar,2024-01-02T14:30:00Z,AAA,1m,100,100,100,100,1000' >&3
echo 'target,2024-01-02T14:31:00Z,AAA,500,qty,example' >&3
sleep 0.5; touch "$dir/stop"; sleep 0.5
echo 'order,2024-01-02T14:32:00Z,AAA,ex-1,buy,10,market,,,day,example' >&3
sleep 0.5; rm "$dir/stop"; sleep 0.5
echo 'order,2024-01-02T14:33:00Z,AAA,ex-2,buy,10,market,,,day,example' >&3
exec 3>&-
wait

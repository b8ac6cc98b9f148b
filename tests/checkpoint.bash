# tests/checkpoint.bash — the kill-and-restart loop of the checkpoint tests
# (tests/142*.bats), loaded after helper.bash.  T is the test's directory.
#
# killed SEED IN OUT PROGRAM ARGS...: run PROGRAM ARGS on IN with --state,
# SIGKILL it at a random moment within the time an uninterrupted run takes
# (KILL_SPAN percent of it, 100 by default), and start it again until a
# run ends by itself: MAXKILLS kills at most (40), then one run to the end.
# The runtime's options go after all of ARGS, or after the first
# OPTS_AFTER words of PROGRAM ARGS when that is set (qts-strategy's options
# end at a strategy's name).  JOURNAL=1 (the default): the stage writes
# --output-journal through `qts journal`, and OUT is what the journal
# replays; JOURNAL=0: OUT is what the last run wrote on its standard
# output.  BOTH=1: `qts journal` is killed with the stage, as a machine's
# crash kills them (what is in the pipe and the journal's block being
# filled is lost).  BJ=1: the stage keeps an order journal too (--journal),
# copied to OUT.bj at the end.  KILLS says how many runs were killed in
# flight.
killed() {
	local seed=$1 in=$2 out=$3 d
	shift 3
	local journal=${JOURNAL:-1} maxkills=${MAXKILLS:-40} at=${OPTS_AFTER:-$#}
	local head=("${@:1:at}") tail=("${@:at+1}")
	d=$(mktemp -d "$T/run.XXXXXX")
	RANDOM=$seed
	local bj=() pbj=()
	if [ "${BJ:-0}" = 1 ]; then
		bj=(--journal "$d/BJ")
		pbj=(--journal "$d/probe.bj")
	fi
	# How long an uninterrupted run takes here, in ms (the machine may be
	# slow or busy): the kills fall within it.
	local t0 t1 span
	t0=$(date +%s%N)
	"${head[@]}" "${pbj[@]}" --state "$d/probe" --checkpoint-every 400 "${tail[@]}" < "$in" > /dev/null
	t1=$(date +%s%N)
	span=$(( ((t1 - t0) / 1000000 + 1) * ${KILL_SPAN:-100} / 100 ))
	rm -f "$d/probe"
	KILLS=0
	local round rc
	for round in $(seq 1 $((maxkills + 1))); do
		rm -f "$d/pid" "$d/rc"
		if [ "$journal" = 1 ]; then
			( "${head[@]}" "${bj[@]}" --state "$d/S" --checkpoint-every $((RANDOM % 400 + 50)) \
				--output-journal "$d/J" "${tail[@]}" < "$in" 2> "$d/err" &
			  echo $! > "$d/pid"
			  r=0
			  wait $! || r=$?
			  echo $r > "$d/rc.tmp"
			  mv "$d/rc.tmp" "$d/rc" ) | qts journal "$d/J" > /dev/null 2>> "$d/jerr" &
		else
			( "${head[@]}" "${bj[@]}" --state "$d/S" --checkpoint-every $((RANDOM % 400 + 50)) \
				"${tail[@]}" < "$in" > "$d/out" 2> "$d/err" &
			  echo $! > "$d/pid"
			  r=0
			  wait $! || r=$?
			  echo $r > "$d/rc.tmp"
			  mv "$d/rc.tmp" "$d/rc" ) &
		fi
		local jp=$!
		until [ -s "$d/pid" ]; do sleep 0.01; done
		if [ "$round" -le "$maxkills" ]; then
			local ms=$((RANDOM % (span + 1)))
			sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
			if [ "${BOTH:-0}" = 1 ] && [ "$journal" = 1 ]; then
				kill -KILL "$(cat "$d/pid")" "$jp" 2> /dev/null || true
			else
				kill -KILL "$(cat "$d/pid")" 2> /dev/null || true
			fi
		fi
		wait "$jp" || true
		local w=0
		until [ -e "$d/rc" ] || [ $w -ge 3000 ]; do sleep 0.01; w=$((w + 1)); done
		rc=$(cat "$d/rc")
		[ "$rc" = 0 ] && break
		if [ "$rc" != 137 ]; then
			echo "run $round: exit $rc" >&2
			cat "$d/jerr" "$d/err" >&2 2> /dev/null
			return 1
		fi
		KILLS=$((KILLS + 1))
	done
	[ "$rc" = 0 ]
	if [ "$journal" = 1 ]; then
		qts journal cat "$d/J" > "$out"
		[ "${BJ:-0}" = 0 ] || cp "$d/BJ" "$out.bj"
	else
		cp "$d/out" "$out"
	fi
	echo "# seed $seed: $KILLS kills" >&3
}

# paused K IN WAIT OUT PROGRAM ARGS...: run PROGRAM ARGS with --state and
# --output-journal through `qts journal`, reading a FIFO that gives the
# first K lines of IN and then pauses until the journal holds a line
# matching WAIT (what the stage writes at that pause: 10 s at most).
# KILL=0 (the default): the rest of IN then, the run uninterrupted.
# KILL=1: the stage is killed there with SIGKILL and started again on the
# whole of IN; CUT=N first leaves the journal its first N records only,
# as a kill between the checkpoint taken at the pause and the records it
# holds going out would.  OUT is what the journal replays.  A file of the
# stage's (an order journal) is named with @D@, the run's directory.
paused() {
	local k=$1 in=$2 wait=$3 out=$4 d i
	shift 4
	d=$(mktemp -d "$T/paused.XXXXXX")
	local cmd=("${@//@D@/$d}") opts=(--state "$d/S" --checkpoint-every 2 --output-journal "$d/J")
	mkfifo "$d/fifo"
	( "${cmd[@]}" "${opts[@]}" < "$d/fifo" 2> "$d/err" &
	  echo $! > "$d/pid"
	  wait $! || true ) | qts journal "$d/J" > /dev/null 2> "$d/jerr" &
	local job=$!
	exec 8> "$d/fifo"
	head -n "$k" "$in" >&8
	for i in $(seq 1 200); do
		[ -s "$d/J" ] && qts journal cat "$d/J" 2> /dev/null | grep -q -- "$wait" && break
		sleep 0.05
	done
	if [ "${KILL:-0}" = 1 ]; then
		kill -KILL "$(cat "$d/pid")"
		exec 8>&-
		wait "$job" || true
		if [ -n "${CUT:-}" ]; then
			qts journal cat "$d/J" | head -n "$CUT" > "$d/cut.csv"
			rm -f "$d/J" "$d"/J.[0-9]*
			qts journal "$d/J" < "$d/cut.csv" > /dev/null
		fi
		"${cmd[@]}" "${opts[@]}" < "$in" 2>> "$d/err" | qts journal "$d/J" > /dev/null 2>> "$d/jerr"
	else
		tail -n "+$((k + 1))" "$in" >&8
		exec 8>&-
		wait "$job"
	fi
	qts journal cat "$d/J" > "$out"
	[ ! -e "$d/bj" ] || cp "$d/bj" "$out.bj"
}

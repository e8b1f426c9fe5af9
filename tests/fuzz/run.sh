#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined,
# in build-fuzz/) and runs each for a bounded time, failing on any crash,
# leak, sanitizer report, GLib critical or timeout, and printing what ran.
#
#   HOTPLUGFS_FUZZ_SECONDS=30 tests/fuzz/run.sh      each target 30 s (CI)
#   tests/fuzz/run.sh --long 3600 [--parallel 2]     each target an hour
#   tests/fuzz/run.sh --totals                       execs of every run so far
#   tests/fuzz/run.sh --merge                        each kept corpus cut to the inputs
#                                                    that add features (libFuzzer
#                                                    -merge=1), so that runs start fast;
#                                                    not while a run uses it
#   tests/fuzz/run.sh --replay build                 no fuzzing: every seed, found
#                                                    input and kept corpus entry run
#                                                    once by build's replay_TARGET
#   tests/fuzz/run.sh --have-libfuzzer               exit 0 if clang can link one
#   tests/fuzz/run.sh ... fixture store              only these targets
#
# Without either (as a meson test of suite "fuzz"), it skips (exit 77).
# The corpora grow in build-fuzz/fuzz/corpus/TARGET, seeded from the
# fixtures and docs (tests/fuzz/corpus.py) and regress/TARGET; a crash
# leaves its input in build-fuzz/fuzz/crashes/ (add it to regress/TARGET
# with the fix: the replay_TARGET unit test runs it in every build).
set -u
cd "$(dirname "$0")/../.."
ALL_TARGETS=(fixture control store capture)
secs=${HOTPLUGFS_FUZZ_SECONDS:-} parallel=1 totals=0 targets=() replay= probe=0 merge=0
while [ $# -gt 0 ]; do
	case $1 in
	--long) secs=$2; shift ;;
	--parallel) parallel=$2; shift ;;
	--totals) totals=1 ;;
	--merge) merge=1 ;;
	--replay) replay=$2; shift ;;
	--have-libfuzzer) probe=1 ;;
	-*) echo "usage: $0 [--long SECONDS] [--parallel N] [--totals] [--merge]" \
		"[--replay BUILDDIR] [--have-libfuzzer] [TARGET...]" >&2; exit 2 ;;
	*) targets+=("$1") ;;
	esac
	shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
B=build-fuzz
W=$B/fuzz
LEDGER=$W/totals.tsv

print_totals() {
	[ -f "$LEDGER" ] || { echo "no fuzz runs recorded in $LEDGER"; return; }
	awk -F'\t' '{ e[$1] += $2; s[$1] += $3; c[$1] += $4; r[$1]++ }
		END { for (t in e) printf "fuzz %-8s %12d execs in %7d s over %d runs (%.0f/s), %d crashes\n",
			t, e[t], s[t], r[t], s[t] ? e[t] / s[t] : 0, c[t] }' "$LEDGER" | sort
}
if [ "$totals" = 1 ]; then print_totals; exit 0; fi

CC=${FUZZ_CC:-$(command -v clang-14 || command -v clang)}
# have_libfuzzer: clang links a fuzzer with ASan and UBSan (Debian:
# clang-14 and libclang-rt-14-dev).
have_libfuzzer() {
	local d
	[ -n "$CC" ] || return 1
	d=$(mktemp -d) || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		> "$d/probe.c"
	"$CC" -fsanitize=fuzzer,address,undefined -o "$d/probe" "$d/probe.c" > /dev/null 2>&1
	local rc=$?
	rm -rf "$d"
	return $rc
}
if [ "$probe" = 1 ]; then have_libfuzzer; exit; fi

# --- replay: the inputs under the normal compiler (or the sanitizer build) -------
if [ -n "$replay" ]; then
	for t in "${targets[@]}"; do
		[ -x "$replay/tests/fuzz/replay_$t" ] ||
			{ echo "FAIL: no $replay/tests/fuzz/replay_$t (build $replay first)"; exit 1; }
	done
	seeds=$(mktemp -d)
	trap 'rm -rf "$seeds"' EXIT
	python3 tests/fuzz/corpus.py --hotplugfs "$replay/fs/hotplugfs" --out "$seeds" ||
		{ echo "FAIL: tests/fuzz/corpus.py"; exit 1; }
	fail=0
	for t in "${targets[@]}"; do
		start=$SECONDS
		# what earlier fuzzing kept, when this machine fuzzed before
		kept=()
		[ -d "build-fuzz/fuzz/corpus/$t" ] && kept=("build-fuzz/fuzz/corpus/$t")
		out=$(timeout 600 "$replay/tests/fuzz/replay_$t" \
			"tests/fuzz/regress/$t" "$seeds/$t" "${kept[@]}" 2>&1)
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "FAIL: replay $t: exit $rc"; tail -20 <<< "$out" | sed 's/^/    /'; fail=1
			continue
		fi
		echo "replay $t: $(tail -1 <<< "$out") in $((SECONDS - start)) s"
	done
	if [ $fail -ne 0 ]; then echo "0 passed, 1 failed"; exit 1; fi
	echo "1 passed, 0 failed"
	exit 0
fi

if [ -z "$secs" ] && [ "$merge" = 0 ]; then
	echo "SKIP: set HOTPLUGFS_FUZZ_SECONDS=N (or run tests/fuzz/run.sh --long N) to fuzz"
	exit 77
fi
if ! have_libfuzzer; then
	echo "FAIL: fuzzing needs clang with libFuzzer (Debian: clang-14 libclang-rt-14-dev)"; exit 1
fi

# --- build ----------------------------------------------------------------------
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -d "$B" ]; then
	CC=$CC meson setup "$B" -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debugoptimized > "$log" 2>&1 ||
		{ cat "$log"; echo "FAIL: meson setup $B"; exit 1; }
fi
# The seeds need a hotplugfs binary (`show`): the normal build's when there
# is one (CI has it), else this build's.
SEED_BIN=build/fs/hotplugfs
[ -x "$SEED_BIN" ] || SEED_BIN=$B/fs/hotplugfs
ninja -C "$B" $( [ "$SEED_BIN" = "$B/fs/hotplugfs" ] && echo fs/hotplugfs ) \
	$(printf "tests/fuzz/fuzz_%s " "${ALL_TARGETS[@]}") > "$log" 2>&1 ||
	{ cat "$log"; echo "FAIL: building the fuzz targets"; exit 1; }
mkdir -p "$W/crashes" "$W/logs"
# Per target: the longest input worth making (fuzz_control.c spells a long
# line in two bytes; capture trees need room).
declare -A MAX_LEN=([fixture]=32768 [control]=8192 [store]=16384 [capture]=65536)

# --- merge: each kept corpus cut to what adds features -----------------------------
if [ "$merge" = 1 ]; then
	fail=0
	for t in "${targets[@]}"; do
		[ -d "$W/corpus/$t" ] || { echo "merge $t: no corpus in $W/corpus/$t"; continue; }
		new=$W/corpus/$t.merge.$$
		mkdir -p "$new"
		if timeout 3600 "$B/tests/fuzz/fuzz_$t" -merge=1 -timeout=30 -rss_limit_mb=2560 \
			-max_len="${MAX_LEN[$t]}" "$new" "$W/corpus/$t" > "$W/logs/$t.merge.$$.log" 2>&1; then
			echo "merge $t: $(ls "$W/corpus/$t" | wc -l) -> $(ls "$new" | wc -l) inputs"
			rm -rf "$W/corpus/$t" && mv "$new" "$W/corpus/$t"
		else
			echo "FAIL: merge $t (the corpus is kept; see $W/logs/$t.merge.$$.log)"
			rm -rf "$new"; fail=1
		fi
	done
	[ $fail = 0 ] && { echo "1 passed, 0 failed"; exit 0; }
	echo "0 passed, 1 failed"; exit 1
fi

# Seeds: the fixtures and the docs' examples, regenerated every run.
rm -rf "$W/seed"
python3 tests/fuzz/corpus.py --hotplugfs "$SEED_BIN" --out "$W/seed" ||
	{ echo "FAIL: tests/fuzz/corpus.py"; exit 1; }

# run_target NAME: one bounded run; prints one line; 0 unless it crashed.
run_target() {
	# per invocation: runs started side by side (--long in a loop) keep their own logs
	local t=$1 log=$W/logs/$1.$$.log rc execs rate corpus start=$SECONDS took
	mkdir -p "$W/corpus/$t"
	# -entropic_scale_per_exec_time: inputs that run fast are picked more
	# often.  Control's corpus keeps inputs that add DIMMs of hundreds of
	# GiB (each a new hit count of the loops over blocks); picked as often
	# as the rest, they held it at about 120 execs per CPU second, and at
	# 236 with this flag (measured on the same corpus).
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0:handle_abort=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	timeout --kill-after=30 $((secs + 300)) "$B/tests/fuzz/fuzz_$t" \
		-max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 -max_len="${MAX_LEN[$t]}" \
		-entropic_scale_per_exec_time=1 \
		-dict="tests/fuzz/dict/$t.dict" -artifact_prefix="$W/crashes/$t-" \
		-print_final_stats=1 "$W/corpus/$t" "$W/seed/$t" "tests/fuzz/regress/$t" \
		> "$log" 2>&1
	rc=$?
	took=$((SECONDS - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	corpus=$(ls "$W/corpus/$t" | wc -l)
	# 72: libFuzzer's exit after SIGINT/SIGTERM (-interrupted_exitcode), not a finding
	if [ $rc -eq 72 ] && grep -q 'libFuzzer: run interrupted' "$log"; then
		printf '%s\t%s\t%s\t0\n' "$t" "${execs:-0}" "$took" >> "$LEDGER"
		echo "fuzz $t: interrupted after ${execs:-0} execs in $took s, 0 crashes"
		return 0
	fi
	printf '%s\t%s\t%s\t%s\n' "$t" "${execs:-0}" "$took" "$((rc != 0))" >> "$LEDGER"
	if [ $rc -ne 0 ]; then
		echo "FAIL: fuzz $t: exit $rc after ${execs:-?} execs; the end of $log:"
		grep -v '^#' "$log" | tail -40 | sed 's/^/    /'
		ls -t "$W/crashes/$t-"* 2>/dev/null | head -1 | sed 's/^/    input: /'
		return 1
	fi
	echo "fuzz $t: ${execs:-0} execs in $took s (${rate:-0}/s), corpus $corpus, 0 crashes"
}

fail=0 running=0
declare -A pids=()
for t in "${targets[@]}"; do
	[ -f "tests/fuzz/fuzz_$t.c" ] || { echo "FAIL: no target $t"; fail=1; continue; }
	if [ "$parallel" -le 1 ]; then
		run_target "$t" || fail=1
		continue
	fi
	run_target "$t" > "$W/logs/$t.$$.line" & pids[$t]=$!
	running=$((running + 1))
	if [ $running -ge "$parallel" ]; then
		wait -n; running=$((running - 1))
	fi
done
for t in "${!pids[@]}"; do
	wait "${pids[$t]}" || fail=1
	cat "$W/logs/$t.$$.line"
done
print_totals
if [ $fail -ne 0 ]; then echo "0 passed, 1 failed"; exit 1; fi
echo "1 passed, 0 failed"

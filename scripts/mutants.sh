#!/bin/sh
# Mutation check: each tests/mutants/*.patch breaks one thing on purpose; the unit tests must
# notice. For every patch, in a scratch copy of the tree (never in place): apply it, build the
# unit tests, run them. A mutant is "killed" when a unit test that passes on the unpatched tree
# fails on the patched one, and "SURVIVED" otherwise. Exit 1 if any survives, 2 if a mutant does
# not build (a mutant that does not compile proves nothing about the tests).
#
#   sh scripts/mutants.sh [PATCH...]     default: every tests/mutants/*.patch
# Environment: MUTANT_TESTS="test_decide test_policy" runs only those unit tests (default: all).
# The copy reuses build/obj of this tree when there is one, so only the patched file recompiles.

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
[ $# -gt 0 ] || set -- tests/mutants/*.patch
SCRATCH=$(mktemp -d /tmp/anycast-mutants.XXXXXX) || exit 2
trap 'rm -rf "$SCRATCH"' EXIT INT TERM

# The tree as git has it plus uncommitted edits, with mtimes kept so make reuses objects.
mkdir -p "$SCRATCH/tree/build"
tar -cf - --exclude=./build --exclude=./.git . | tar -xf - -C "$SCRATCH/tree" || exit 2
[ -d build/obj ] && cp -a build/obj "$SCRATCH/tree/build/"
cd "$SCRATCH/tree" || exit 2
JOBS=${JOBS:-2}

# unit_run OUT: builds the unit tests, runs them; OUT gets "name rc" lines. 1 if the build fails.
unit_run() {
	make -s -j"$JOBS" unit >"$SCRATCH/build.log" 2>&1 || return 1
	: >"$1"
	for t in build/tests/test_*; do
		tname=$(basename "$t")
		if [ -n "${MUTANT_TESTS:-}" ]; then
			case " $MUTANT_TESTS " in *" $tname "*) ;; *) continue ;; esac
		fi
		timeout -k 5 300 "$t" >"$SCRATCH/$tname.log" 2>&1 </dev/null
		echo "$tname $?" >>"$1"
	done
	return 0
}

if ! unit_run "$SCRATCH/baseline"; then
	echo "mutants: the unpatched tree does not build:"
	tail -20 "$SCRATCH/build.log"
	exit 2
fi
# Only tests that pass unpatched can kill a mutant (77 = skipped here).
awk '$2 == 0 { print $1 }' "$SCRATCH/baseline" >"$SCRATCH/passing"
echo "mutants: $(wc -l <"$SCRATCH/passing") unit tests pass unpatched: $(tr '\n' ' ' <"$SCRATCH/passing")"

survived=0
broken=0
for patch in "$@"; do
	case $patch in /*) ;; *) patch=$ROOT/$patch ;; esac
	name=$(basename "$patch" .patch)
	rm -rf "$SCRATCH/pristine"
	mkdir "$SCRATCH/pristine"
	# remember the files the patch touches, to put them back afterwards
	files=$(sed -n 's|^+++ b/\([^	]*\).*|\1|p' "$patch")
	for f in $files; do
		mkdir -p "$SCRATCH/pristine/$(dirname "$f")"
		cp -p "$f" "$SCRATCH/pristine/$f"
	done
	if ! patch -s -p1 <"$patch"; then
		echo "mutant $name: DOES NOT APPLY"
		broken=1
		continue
	fi
	if ! unit_run "$SCRATCH/mutant"; then
		echo "mutant $name: DOES NOT BUILD"
		tail -5 "$SCRATCH/build.log" | sed 's/^/| /'
		broken=1
	else
		killers=$(awk 'NR == FNR { pass[$1] = 1; next } ($1 in pass) && $2 != 0 { print $1 }' \
			"$SCRATCH/passing" "$SCRATCH/mutant" | tr '\n' ' ')
		if [ -n "$killers" ]; then
			echo "mutant $name: killed (by $killers)"
			[ -n "${VERBOSE:-}" ] && for k in $killers; do
				grep -v 'passed, .* failed' "$SCRATCH/$k.log" | head -5 | sed 's/^/| /'
			done
		else
			echo "mutant $name: SURVIVED"
			survived=1
		fi
	fi
	# back to the unpatched file; a new mtime so make rebuilds it
	for f in $files; do
		cp "$SCRATCH/pristine/$f" "$f"
		touch "$f"
	done
done
[ $broken = 0 ] || exit 2
[ $survived = 0 ] || exit 1
exit 0

#!/usr/bin/env bash
# bench/run.sh: prove jwtkit's throughput, start-up and memory targets
# (issue 4) against bare references, on this machine, in one run.
#
#   bench/run.sh                 # default sizes, about 6 minutes on 2 quiet cores
#   ROUNDS=5 VERIFY_N_HS256=1000000 bench/run.sh
#
# Every comparison runs both sides alternately (bench/alternate), several
# rounds, and compares medians of whole-process wall time. The last thing it
# prints is a Markdown table for README's performance section.
#
# Sizes (env): ROUNDS (3), STARTUP_RUNS (200), MEM_N (1000000),
# VERIFY_N_{HS256,RS256,ES256,EDDSA}, MINT_N_{HS256,RS256,ES256,EDDSA},
# PY_N_{HS256,RS256,ES256,EDDSA}; BENCH_DIR keeps the work files there.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/jwtkit-bench.XXXXXX")}
mkdir -p "$W/home"
export JWTKIT_HOME="$W/home" NO_COLOR=1

ROUNDS=${ROUNDS:-3}
STARTUP_RUNS=${STARTUP_RUNS:-200}
MEM_N=${MEM_N:-1000000}
ALGS=(HS256 RS256 ES256 EdDSA)
declare -A VERIFY_N=([HS256]=${VERIFY_N_HS256:-400000} [RS256]=${VERIFY_N_RS256:-50000}
	[ES256]=${VERIFY_N_ES256:-25000} [EdDSA]=${VERIFY_N_EDDSA:-40000})
declare -A MINT_N=([HS256]=${MINT_N_HS256:-200000} [RS256]=${MINT_N_RS256:-1500}
	[ES256]=${MINT_N_ES256:-40000} [EdDSA]=${MINT_N_EDDSA:-40000})
declare -A PY_N=([HS256]=${PY_N_HS256:-30000} [RS256]=${PY_N_RS256:-10000}
	[ES256]=${PY_N_ES256:-5000} [EdDSA]=${PY_N_EDDSA:-5000})
# Distinct tokens minted per alg; verify files repeat them up to VERIFY_N
# (verification does the full work for each line whether or not it repeats,
# and minting 80000 RS256 tokens alone would take most of the budget).
UNIQ=${UNIQ:-3000}

log() { printf '%s\n' "$*" >&2; }
ROWS=()
row() { ROWS+=("$(printf '| %s |' "$(IFS='|'; echo "$*" | sed 's/|/ | /g')")"); }
# ok VALUE TARGET {ge|le|lt} [VALUE2]: "yes" when VALUE (and VALUE2, if given) meet TARGET.
ok() { awk -v r="$1" -v t="$2" -v d="$3" -v r2="${4:-$1}" 'function m(x) { return (d == "ge" && x >= t) || (d == "le" && x <= t) || (d == "lt" && x < t) }
	BEGIN { if (m(r) && m(r2)) print "yes"; else print "**no**" }'; }
fmt() { awk -v x="$1" 'BEGIN { printf (x >= 100 ? "%.0f" : "%.2f"), x }'; }

# --- machine -----------------------------------------------------------------
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MACHINE="$(nproc) cores, ${CPU:-unknown CPU}, $(uname -sr), $(go version | cut -d' ' -f3)"
log "machine: $MACHINE"
log "work dir: $W"

# --- build ---------------------------------------------------------------------
log "building jwtkit and the references (-trimpath -ldflags='-s -w')"
(cd "$ROOT" && go build -trimpath -ldflags='-s -w' -o "$W/jwtkit" .)
(cd "$ROOT/bench" && go build -trimpath -ldflags='-s -w' -o "$W/" ./cobra-bare ./jwtloop ./alternate)
COBRA_ROOT=$(cd "$ROOT" && go list -m -f '{{.Version}}' github.com/spf13/cobra)
COBRA_BENCH=$(cd "$ROOT/bench" && go list -m -f '{{.Version}}' github.com/spf13/cobra)
JWT_ROOT=$(cd "$ROOT" && go list -m -f '{{.Version}}' github.com/golang-jwt/jwt/v5)
JWT_BENCH=$(cd "$ROOT/bench" && go list -m -f '{{.Version}}' github.com/golang-jwt/jwt/v5)
if [[ $COBRA_ROOT != "$COBRA_BENCH" || $JWT_ROOT != "$JWT_BENCH" ]]; then
	log "version mismatch: jwtkit has cobra $COBRA_ROOT, golang-jwt $JWT_ROOT; bench/go.mod has $COBRA_BENCH, $JWT_BENCH"
	exit 1
fi
J="$W/jwtkit"
ALT="$W/alternate"

# --- keys and tokens ---------------------------------------------------------------
declare -A PRIV PUB KEYFLAG SIGNFLAG
for alg in "${ALGS[@]}"; do
	if [[ $alg == HS* ]]; then PRIV[$alg]="$W/$alg.secret"; PUB[$alg]="$W/$alg.secret"
	else PRIV[$alg]="$W/$alg.pem"; PUB[$alg]="$W/$alg.pub.pem"; fi
	if ! "$J" keys generate --alg "$alg" --out "$W/$alg" >/dev/null 2>"$W/keygen.err" || [[ ! -s ${PUB[$alg]} ]]; then
		log "jwtkit keys generate --alg $alg failed ($(head -c 200 "$W/keygen.err")); using openssl"
		case $alg in
		HS*) openssl rand -hex 32 >"${PRIV[$alg]}" ;;
		RS*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "${PRIV[$alg]}" 2>/dev/null ;;
		ES256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "${PRIV[$alg]}" 2>/dev/null ;;
		EdDSA) openssl genpkey -algorithm ed25519 -out "${PRIV[$alg]}" 2>/dev/null ;;
		esac
		[[ $alg == HS* ]] || openssl pkey -in "${PRIV[$alg]}" -pubout -out "${PUB[$alg]}"
	fi
	if [[ $alg == HS* ]]; then KEYFLAG[$alg]="--secret-file ${PRIV[$alg]}"; SIGNFLAG[$alg]=${KEYFLAG[$alg]}
	else KEYFLAG[$alg]="--key ${PUB[$alg]}"; SIGNFLAG[$alg]="--key ${PRIV[$alg]}"; fi
done

CLAIMS="--sub bench --iss jwtkit-bench --exp 24h --jti auto"
# repeat FILE N: FILE's lines cycled to exactly N lines on stdout.
repeat() { awk -v n="$2" '{ a[NR] = $0 } END { for (i = 0; i < n; i++) print a[i % NR + 1] }' "$1"; }
for alg in "${ALGS[@]}"; do
	n=${VERIFY_N[$alg]}
	u=$((n < UNIQ ? n : UNIQ))
	log "minting $u distinct $alg tokens, repeating them to $n lines"
	# shellcheck disable=SC2086
	"$J" mint ${SIGNFLAG[$alg]} --alg "$alg" $CLAIMS --count "$u" >"$W/$alg.uniq"
	repeat "$W/$alg.uniq" "$n" >"$W/$alg.tok"
done

# result LABEL FILE: the median seconds of LABEL in an alternate output file.
result() { awk -F'\t' -v l="$1" '$1 == "RESULT" && $2 == l { print $3 }' "$2"; }
# ratio LABEL FILE: median over rounds of (reference time ÷ LABEL's time).
ratio() { awk -F'\t' -v l="$1" '$1 == "RATIO" && $2 == l { print $3 }' "$2"; }
# cpuratio LABEL FILE: the same for CPU time (user+sys).
cpuratio() { awk -F'\t' -v l="$1" '$1 == "RATIO" && $2 == l { printf "%.2f", $5 }' "$2"; }
cpuratio_inv() { awk -F'\t' -v l="$1" '$1 == "RATIO" && $2 == l { printf "%.2f", 1 / $5 }' "$2"; }

# --- verify --batch vs the bare golang-jwt loop --------------------------------------
for alg in "${ALGS[@]}"; do
	n=${VERIFY_N[$alg]}
	log "verify $alg: $n tokens, $ROUNDS rounds, alternating"
	"$ALT" -runs "$ROUNDS" -label jwtkit-q,jwtkit-json,golang-jwt -- \
		"$J verify --batch $W/$alg.tok ${KEYFLAG[$alg]} --alg $alg -q" \
		"$J verify --batch $W/$alg.tok ${KEYFLAG[$alg]} --alg $alg" \
		"$W/jwtloop verify -alg $alg -key ${PUB[$alg]} -in $W/$alg.tok" >"$W/verify.$alg.out"
	ref=$(result golang-jwt "$W/verify.$alg.out")
	for side in jwtkit-q jwtkit-json; do
		t=$(result "$side" "$W/verify.$alg.out")
		r=$(awk -v r="$(ratio "$side" "$W/verify.$alg.out")" 'BEGIN { printf "%.2f", r }')
		what="verify --batch $alg"
		[[ $side == jwtkit-q ]] && what="$what -q" || what="$what (JSON to /dev/null)"
		row "$what" "$(fmt "$(awk -v n="$n" -v t="$t" 'BEGIN { print n / t }')") tokens/s" \
			"$(fmt "$(awk -v n="$n" -v t="$ref" 'BEGIN { print n / t }')") tokens/s (golang-jwt loop)" \
			"$r" "$(cpuratio "$side" "$W/verify.$alg.out")" "≥ 0.90" "$(ok "$r" 0.9 ge "$(cpuratio "$side" "$W/verify.$alg.out")")"
	done
done

# --- mint --count vs the bare golang-jwt sign loop ---------------------------------------
for alg in "${ALGS[@]}"; do
	n=${MINT_N[$alg]}
	log "mint $alg: $n tokens, $ROUNDS rounds, alternating"
	# shellcheck disable=SC2086
	"$ALT" -runs "$ROUNDS" -label jwtkit,golang-jwt -- \
		"$J mint ${SIGNFLAG[$alg]} --alg $alg $CLAIMS --count $n" \
		"$W/jwtloop sign -alg $alg -key ${PRIV[$alg]} -n $n" >"$W/mint.$alg.out"
	ref=$(result golang-jwt "$W/mint.$alg.out")
	t=$(result jwtkit "$W/mint.$alg.out")
	r=$(awk -v r="$(ratio jwtkit "$W/mint.$alg.out")" 'BEGIN { printf "%.2f", r }')
	row "mint --count $alg" "$(fmt "$(awk -v n="$n" -v t="$t" 'BEGIN { print n / t }')") tokens/s" \
		"$(fmt "$(awk -v n="$n" -v t="$ref" 'BEGIN { print n / t }')") tokens/s (golang-jwt loop)" \
		"$r" "$(cpuratio jwtkit "$W/mint.$alg.out")" "≥ 0.90" "$(ok "$r" 0.9 ge "$(cpuratio jwtkit "$W/mint.$alg.out")")"
done

# --- start-up --------------------------------------------------------------------------------
TOK=$(head -1 "$W/HS256.tok")
S=$(cat "${PRIV[HS256]}")
export S
log "start-up: $STARTUP_RUNS runs of each, alternating"
"$ALT" -runs "$STARTUP_RUNS" -warmup 10 -label decode,verify-hs256,jwtkit-version,cobra-bare -- \
	"$J decode $TOK" \
	"$J verify $TOK --secret-env S --alg HS256" \
	"$J --version" \
	"$W/cobra-bare --version" >"$W/startup.out"
bare=$(result cobra-bare "$W/startup.out")
for side in decode verify-hs256 jwtkit-version; do
	t=$(result "$side" "$W/startup.out")
	r=$(awk -v r="$(ratio "$side" "$W/startup.out")" 'BEGIN { printf "%.2f", 1 / r }')
	case $side in
	decode) what='start-up `jwtkit decode TOKEN`' ;;
	verify-hs256) what='start-up `jwtkit verify TOKEN --secret-env S`' ;;
	jwtkit-version) what='start-up `jwtkit --version`' ;;
	esac
	row "$what" "$(awk -v t="$t" 'BEGIN { printf "%.2f ms", t * 1000 }')" \
		"$(awk -v t="$bare" 'BEGIN { printf "%.2f ms", t * 1000 }') (cobra-bare --version)" \
		"$r" "$(cpuratio_inv "$side" "$W/startup.out")" "≤ 1.30" "$(ok "$r" 1.3 le "$(cpuratio_inv "$side" "$W/startup.out")")"
done
if command -v hyperfine >/dev/null; then
	log "start-up cross-check with hyperfine (sequential, not alternating)"
	hyperfine -N --warmup 20 --runs "$STARTUP_RUNS" --style basic --export-markdown "$W/hyperfine.md" \
		"$J decode $TOK" "$J verify $TOK --secret-env S --alg HS256" "$W/cobra-bare --version" >"$W/hyperfine.log" 2>&1 ||
		log "hyperfine failed: $(tail -3 "$W/hyperfine.log")"
fi

# --- peak memory over MEM_N tokens ----------------------------------------------------------
log "memory: verify --batch over $MEM_N HS256 tokens"
repeat "$W/HS256.uniq" "$MEM_N" >"$W/mem.tok"
for mode in json q; do
	extra=""
	[[ $mode == q ]] && extra="-q"
	# shellcheck disable=SC2086
	/usr/bin/time -v "$J" verify --batch "$W/mem.tok" ${KEYFLAG[HS256]} --alg HS256 $extra >/dev/null 2>"$W/mem.$mode.time"
	kib=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$W/mem.$mode.time")
	mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$W/mem.$mode.time")
	what="peak RSS, verify --batch, $MEM_N HS256 tokens"
	[[ $mode == q ]] && what="$what, -q" || what="$what, JSON to /dev/null"
	row "$what" "$mib MiB (wall $wall)" "" "" "" "< 100 MiB" "$(ok "$mib" 100 lt)"
done

# --- other tools --------------------------------------------------------------------------------
for alg in "${ALGS[@]}"; do
	n=${PY_N[$alg]}
	head -n "$n" "$W/$alg.tok" >"$W/$alg.py.tok"
	if /usr/bin/python3 -c 'import jwt' 2>/dev/null; then
		log "PyJWT $alg: $n tokens on one core"
		py=$(/usr/bin/python3 "$ROOT/bench/pyjwt_verify.py" "$alg" "${PUB[$alg]}" "$W/$alg.py.tok" | awk '{ print $4 }')
		"$ALT" -runs 1 -label jwtkit-1 -- "$J verify --batch $W/$alg.py.tok ${KEYFLAG[$alg]} --alg $alg -q --workers 1" >"$W/py.$alg.out"
		t=$(result jwtkit-1 "$W/py.$alg.out")
		one=$(awk -v n="$n" -v t="$t" 'BEGIN { print n / t }')
		pyver=$(/usr/bin/python3 -c 'import jwt, platform; print(jwt.__version__, "on CPython", platform.python_version())')
		row "one core: verify $alg" "$(fmt "$one") tokens/s (--workers 1)" "$(fmt "$py") tokens/s (PyJWT $pyver, loop only)" \
			"$(awk -v a="$one" -v b="$py" 'BEGIN { printf "%.1f", a / b }')" "" "" ""
	fi
done
OTHERS=()
command -v step >/dev/null || OTHERS+=("step: not measured (not installed; apt has no step-cli here, no prebuilt download)")
command -v jwt-cli >/dev/null || OTHERS+=("jwt-cli (Rust): not measured (not installed; no cargo registry here)")

# --- report ----------------------------------------------------------------------------------------
{
	echo
	echo "Machine: $MACHINE; cobra $COBRA_ROOT, golang-jwt $JWT_ROOT"
	echo "Run: bench/run.sh (ROUNDS=$ROUNDS, STARTUP_RUNS=$STARTUP_RUNS, VERIFY_N: HS256 ${VERIFY_N[HS256]}, RS256 ${VERIFY_N[RS256]}, ES256 ${VERIFY_N[ES256]}, EdDSA ${VERIFY_N[EdDSA]}; MINT_N: HS256 ${MINT_N[HS256]}, RS256 ${MINT_N[RS256]}, ES256 ${MINT_N[ES256]}, EdDSA ${MINT_N[EdDSA]})"
	echo
	echo "| What | jwtkit | Reference | Ratio | CPU-time ratio | Target | Met |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Tokens/s and ms are medians of whole-process wall time over the rounds, both sides on all cores."
	echo "Ratios are the median over rounds of each back-to-back pair: throughput ratio = jwtkit tokens/s ÷ reference"
	echo "tokens/s; start-up ratio = jwtkit wall time ÷ cobra-bare wall time. The CPU-time ratio is the same from user+sys"
	echo "time: blind to parallelism, but steady when other processes share the machine. Met = both ratios meet the"
	echo "target. RSA keys are 2048-bit."
	echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)."
	for o in "${OTHERS[@]}"; do echo "- $o"; done
	if [[ -s $W/hyperfine.md ]]; then
		echo
		echo "hyperfine cross-check of start-up (runs each command in a block, not alternating):"
		echo
		cat "$W/hyperfine.md"
	fi
}

# SPDX-License-Identifier: MIT
#
# Shell functions shared by the proving-service tests and benchmarks
# (tests/run-proverd-*-tests, tools/bench-proverd, tools/proverd-demo):
# circuits and witnesses, a private PostgreSQL, zkasic-proverd workers on
# the host and in the VM, job submission over HTTP, and proof checks.
# Source it after setting TOP and WORK.

BIN=$TOP/build/bin
PROVERD=$BIN/zkasic-proverd
NPM_BIN=$("$TOP/tools/snarkjs-circuit" --npm-bin) || return 1
SNARKJS=$NPM_BIN/snarkjs
PIDS=
VM_PIDS=

pd_log() { echo "# $*"; }

# pd_circuit NAME CURVE N PUBLIC: $WORK/NAME/{circuit.zkey,vk.json,circuit.wasm,...}
pd_circuit() {
	"$TOP/tools/snarkjs-circuit" "$2" "$3" "$4" "$WORK/$1" >/dev/null
}

# pd_witnesses NAME COUNT: $WORK/NAME/w<i>.wtns for inputs a = i + 2, and
# the public signals each must give in $WORK/NAME/w<i>.public.json.
pd_witnesses() {
	local d=$WORK/$1 i
	for i in $(seq 1 "$2"); do
		[ -f "$d/w$i.wtns" ] && continue
		printf '{"a": "%d", "b": "11"}\n' $((i + 2)) >"$d/in$i.json"
		"$SNARKJS" wtns calculate "$d/circuit.wasm" "$d/in$i.json" "$d/w$i.wtns" >/dev/null &&
			"$SNARKJS" wtns export json "$d/w$i.wtns" "$d/w$i.json" >/dev/null || return 1
	done
}

# pd_expected_public NAME I NPUB: the public signals of witness I, as JSON.
pd_expected_public() {
	python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); print(json.dumps(w[1:1+int(sys.argv[2])]))' \
		"$WORK/$1/w$2.json" "$3"
}

# PostgreSQL: a private cluster (tools/pg-local) in a directory under /tmp
# (the postgres user must reach it), listening on every interface so that
# workers in VMs reach it over their links: PG_VM_URL, with @HOST@ for the
# host's address on the VM's link.
PG_PORT=${PG_PORT:-55432}
PG_DIR=
pd_pg_start() {
	[ -n "$PG_DIR" ] || PG_DIR=$(mktemp -d /tmp/zkasic-pg.XXXXXX) || return 1
	chmod 755 "$PG_DIR"
	"$TOP/tools/pg-local" start "$PG_DIR" --port "$PG_PORT" --listen '*' >/dev/null || return 1
	PG_URL=$("$TOP/tools/pg-local" url "$PG_DIR")
	PG_VM_URL="host=@HOST@ port=$PG_PORT user=postgres dbname=postgres"
}
pd_pg_stop() { [ -z "$PG_DIR" ] || "$TOP/tools/pg-local" stop "$PG_DIR" >/dev/null 2>&1; }
pd_psql() { psql -X -q -t -A -d "$PG_URL" -c "$1"; }

# pd_worker NAME PORT ARGS...: a worker on the host with its HTTP API on
# 127.0.0.1:PORT, logging to $WORK/NAME.log. Waits until it answers.
pd_worker() {
	local name=$1 port=$2
	shift 2
	"$PROVERD" --listen "127.0.0.1:$port" --worker-id "$name" "$@" \
		>"$WORK/$name.log" 2>&1 &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	pd_wait_http "http://127.0.0.1:$port" 60 || { tail -n 20 "$WORK/$name.log" >&2; return 1; }
}

# pd_vm_worker NAME VMARGS -- PROVERD-ARGS...: a worker in a VM on the
# emulated ASIC, its HTTP API on the guest's link address, port 9080. Sets
# VMURL_NAME. The VM powers off when $WORK/NAME.stop appears (pd_vm_stop).
# $WORK/NAME.extra.sh, if present, runs in the guest beside the worker.
pd_vm_worker() {
	local name=$1 vmargs=
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vmargs="$vmargs $1"; shift; done
	shift
	rm -f "$WORK/$name.stop" "$WORK/$name.done"
	{
		echo 'set -u'
		printf '%s' "\"$PROVERD\" --listen 0.0.0.0:9080 --worker-id $name"
		printf ' "%s"' "$@" | sed 's/@HOST@/$ZKASIC_NET_HOST/g'
		echo " >\"$WORK/$name.guest.log\" 2>&1 &"
		echo 'pid=$!'
		# A test's own guest-side actions (device resets, injected hangs).
		echo "[ -f \"$WORK/$name.extra.sh\" ] && sh \"$WORK/$name.extra.sh\" >\"$WORK/$name.extra.log\" 2>&1 &"
		echo "while [ ! -e \"$WORK/$name.stop\" ] && kill -0 \$pid 2>/dev/null; do sleep 0.5; done"
		echo 'kill -TERM $pid 2>/dev/null; wait $pid; rc=$?'
		echo "echo \$rc >\"$WORK/$name.done\""
		echo 'exit $rc'
	} >"$WORK/$name.sh"
	# shellcheck disable=SC2086
	ZKASIC_VM_NO_BUILD=1 "$TOP/tools/vm-run" --net $vmargs -- sh "$WORK/$name.sh" \
		>"$WORK/$name.vm.log" 2>&1 &
	VM_PIDS="$VM_PIDS $!"
	local i=0 guest=
	while [ $i -lt 240 ] && [ -z "$guest" ]; do
		guest=$(sed -n 's/.*guest \(10\.77\.[0-9]*\.2\).*/\1/p' "$WORK/$name.vm.log" | head -n1)
		sleep 0.5
		i=$((i + 1))
	done
	[ -n "$guest" ] || { cat "$WORK/$name.vm.log" >&2; return 1; }
	eval "VMURL_$name=http://$guest:9080"
	pd_wait_http "http://$guest:9080" 300 || {
		cat "$WORK/$name.vm.log" "$WORK/$name.guest.log" >&2 2>/dev/null; return 1; }
}
pd_vm_stop() { touch "$WORK/$1.stop"; }

pd_wait_http() { # URL SECONDS
	local i=0
	while [ $i -lt $(($2 * 4)) ]; do
		curl -sf -m 2 "$1/healthz" >/dev/null 2>&1 && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

# pd_submit URL CIRCUIT WTNS [QUERY]: prints the new job's id.
pd_submit() {
	curl -sf -m 30 -X POST -H 'Content-Type: application/octet-stream' \
		--data-binary "@$3" "$1/jobs?circuit=$2${4:+&$4}" |
		sed -n 's/^{"id":"\([0-9]*\)".*/\1/p' | grep .
}

# pd_submit_many URL CIRCUIT WTNS...: one job per witness, all through one
# curl process (one connection); prints the ids, one a line.
pd_submit_many() {
	local url=$1 circuit=$2 args=() f
	shift 2
	for f in "$@"; do
		[ ${#args[@]} -eq 0 ] || args+=(--next)
		args+=(-sf -m 30 -X POST -H 'Content-Type: application/octet-stream'
			--data-binary "@$f" "$url/jobs?circuit=$circuit")
	done
	curl "${args[@]}" | sed -n 's/^{"id":"\([0-9]*\)".*/\1/p'
}

# pd_wait_done URL ID...: long-polls each job (GET /jobs/:id?wait=30, one
# curl process) until it is finished; prints its final states, one a line.
pd_wait_done() {
	local url=$1 urls=() id
	shift
	for id in "$@"; do
		urls+=("$url/jobs/$id?wait=30")
	done
	curl -sf -m 600 "${urls[@]}" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

# pd_state URL ID: the job's state.
pd_state() {
	curl -sf -m 10 "$1/jobs/$2" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'
}

# pd_wait_jobs URL SECONDS IDFILE: until every job in IDFILE (lines "id ...")
# is done, failed or cancelled; prints the number not finished.
# pd_count_done URL: how many jobs the daemon lists as done (one request).
pd_count_done() {
	curl -sf -m 10 "$1/jobs?state=done&limit=100000" | grep -o '"state":"done"' | wc -l
}

pd_wait_jobs() {
	local url=$1 deadline=$(($(date +%s) + $2)) left
	while :; do
		left=$(pd_psql "SELECT count(*) FROM zkasic_jobs WHERE id IN ($(cut -d' ' -f1 "$3" | paste -sd,)) AND state NOT IN ('done','failed','cancelled')")
		[ "$left" = 0 ] && break
		[ "$(date +%s)" -ge "$deadline" ] && break
		sleep 1
	done
	echo "$left"
}

# pd_fetch_results URL IDFILE CIRCUIT: proof and public of each job into
# $WORK/results/ID.{proof,public}.json and a verification list for
# snarkjs-verify-many.js; lines of IDFILE are "id circuit witness-index".
pd_fetch_results() {
	local url=$1 id circuit widx
	mkdir -p "$WORK/results"
	: >"$WORK/results/list"
	while read -r id circuit widx; do
		curl -sf -m 10 "$url/jobs/$id/proof.json" >"$WORK/results/$id.proof.json" || continue
		curl -sf -m 10 "$url/jobs/$id/public.json" >"$WORK/results/$id.public.json" || continue
		echo "$WORK/$circuit/vk.json $WORK/results/$id.public.json $WORK/results/$id.proof.json" \
			>>"$WORK/results/list"
	done <"$2"
}

pd_verify_logged() { pd_verify_all "$1" >"$2" 2>&1; } # LIST LOG

pd_verify_all() { # LIST: every proof verifies with snarkjs
	NODE_PATH=$NPM_BIN/.. node "$TOP/tests/lib/snarkjs-verify-many.js" "$1"
}

pd_cleanup() {
	local p
	for f in "$WORK"/*.sh; do
		[ -f "$f" ] && touch "${f%.sh}.stop"
	done
	for p in $PIDS; do kill -CONT "$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS $VM_PIDS; do wait "$p" 2>/dev/null; done
	pd_pg_stop
	[ -z "$PG_DIR" ] || rm -rf "$PG_DIR"
}

#!/bin/bash
# zero-window: a client with a 4 KB receive buffer asks for 150 kB and stops reading for 4 s:
# its window drops to zero, the server sends zero-window probes, then the transfer resumes.
SCENARIO=${SCENARIO:-zero-window}
NAME=${NAME:-zero-window}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT
run_once() {
  local out=$1
  lab_setup off 25
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --body-bytes 150000 --max-seconds 60
  wait_port $NS_C $S_IP 8080
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/slow_reader.py" $S_IP 8080 /big 4 4096 | sed 's/^/    client: /' >&2
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
run_once "$OUT"
label "$NAME" "$OUT" '{"vantage": "client (tcpdump -i c-p in the client namespace), straight to the server"}' || die "label check failed"

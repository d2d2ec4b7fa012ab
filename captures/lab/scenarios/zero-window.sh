#!/bin/bash
# zero-window: a client with a 4 KB receive buffer asks for 150 kB and stops reading for 4 s:
# its window drops to zero, the server sends zero-window probes, then the transfer resumes.
source "$(dirname "$0")/../lib.sh"
lab_scenario zero-window
run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --body-bytes 150000 --max-seconds 60
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/slow_reader.py" $S_IP 8080 /big 4 4096 | sed 's/^/    client: /' >&2
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 "{\"vantage\": \"$VANTAGE_CLIENT_DIRECT\"}"

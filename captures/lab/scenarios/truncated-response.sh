#!/bin/bash
# truncated-response: a server announces Content-Length: 10000, sends 4000 body bytes and closes.
# curl (3 times): "transfer closed with 6000 bytes remaining to read".
source "$(dirname "$0")/../lib.sh"
lab_scenario truncated-response

run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --truncate --max-seconds 60
  cap_start $NS_C c-p "tcp port 8080"
  local i
  for i in 1 2 3; do
    nsx $NS_C curl -sS -o /dev/null --max-time 5 http://$S_IP:8080/download 2>&1 | sed 's/^/    curl: /' >&2
    sleep 0.3
  done
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 "{\"vantage\": \"$VANTAGE_CLIENT_DIRECT\"}"

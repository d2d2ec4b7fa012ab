#!/bin/bash
# syn-dropped: the router drops SYNs to port 8080 (iptables in the router namespace).
# curl #1 (--connect-timeout 7) never gets a SYN-ACK: SYN + retransmissions after 1 s and 3 s, then gives up.
# curl #2 starts while SYNs are dropped; the rule is removed after 1.5 s and its retransmitted SYN gets through.
source "$(dirname "$0")/../lib.sh"
lab_scenario syn-dropped

run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --max-seconds 60
  nsx $NS_R iptables -A FORWARD -p tcp --dport 8080 --tcp-flags SYN,ACK,RST SYN -j DROP
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C curl -sS -o /dev/null --connect-timeout 7 http://$S_IP:8080/ 2>&1 | sed 's/^/    curl #1: /' >&2
  nsx $NS_C curl -sS -o /dev/null -w '    curl #2: HTTP %{http_code} after %{time_connect} s connect\n' --connect-timeout 7 \
    http://$S_IP:8080/ >&2 &
  local cl=$!
  sleep 1.5
  nsx $NS_R iptables -D FORWARD -p tcp --dport 8080 --tcp-flags SYN,ACK,RST SYN -j DROP
  wait $cl
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 "{\"vantage\": \"$VANTAGE_CLIENT_DIRECT\"}"

#!/bin/bash
# middlebox-reset: the router rejects requests containing "/admin" with a forged RST
# (iptables -j REJECT --reject-with tcp-reset in the router namespace).  The client's keep-alive
# connection to the server works for the first request, the second one (GET /admin/...) is answered
# by a RST that the router sends in the server's name: TTL 63 at the client, while the server's own
# packets arrive with TTL 61 (and the server never sees the request).
source "$(dirname "$0")/../lib.sh"
lab_scenario middlebox-reset

run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_C 8080 --max-seconds 60
  nsx $NS_R iptables -A FORWARD -p tcp --dport 8080 -m string --string "GET /admin" --algo bm -j REJECT --reject-with tcp-reset
  cap_start $NS_C c-p "tcp port 8080"
  local i
  for i in 1 2 3; do
    nsx $NS_C timeout 10 $PY "$LAB_DIR/apps/client.py" $S_IP 8080 --count 3 --max-seconds 5 --gaps 0.3 \
      --path /,/admin/users,/ | tee -a "$LAB_RUN/client.out" >&2
    sleep 0.5
  done
  cap_stop "$out"
  router_rules FORWARD
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 "{\"vantage\": \"$VANTAGE_CLIENT_DIRECT through the router\"}"

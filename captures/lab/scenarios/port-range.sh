#!/bin/bash
# port-range: the client namespace has net.ipv4.ip_local_port_range = 40000 40009 (10 ports) and makes
# 30 short connections 0.1 s apart to a server that closes after each response (the server keeps
# TIME_WAIT): every client port is reused 3 times within seconds, new SYNs hit 4-tuples in TIME_WAIT.
source "$(dirname "$0")/../lib.sh"
lab_scenario port-range
run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_C sysctl -qw net.ipv4.ip_local_port_range="40000 40009"
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --max-requests 1 --max-seconds 60
  sleep 0.5
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/client.py" $S_IP 8080 --new-conn --count 30 --max-seconds 20 --gaps 0.1 \
    | tail -3 | sed 's/^/    client: /' >&2
  sleep 0.5
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 '{"vantage": "client (tcpdump -i c-p in the client namespace)"}'

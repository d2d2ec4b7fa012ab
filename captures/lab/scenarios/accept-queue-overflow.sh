#!/bin/bash
# accept-queue-overflow: in the server namespace net.ipv4.tcp_abort_on_overflow=1 and tcp_syncookies=0;
# a Python server listens with backlog 8 and does not call accept() for its first 6 s.  The client opens
# 16 connections 10 ms apart: the handshakes whose ACK finds the accept queue full are answered by RST right after
# the client's ACK.  (The sysctls are per-namespace: the host is untouched.)
source "$(dirname "$0")/../lib.sh"
lab_scenario accept-queue-overflow
run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_S sysctl -qw net.ipv4.tcp_abort_on_overflow=1 net.ipv4.tcp_syncookies=0
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --backlog 8 --accept-pause 0:6 --max-seconds 60
  sleep 0.5
  cap_start $NS_S s-r "tcp port 8080"
  nsx $NS_C timeout 20 $PY "$LAB_DIR/apps/burst_connect.py" $S_IP 8080 16 9 0.01 | sed 's/^/    client: /' >&2
  sleep 1
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 '{"vantage": "server (tcpdump -i s-r in the server namespace)"}'

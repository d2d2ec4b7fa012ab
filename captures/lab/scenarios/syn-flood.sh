#!/bin/bash
# syn-flood: a bounded SYN flood (apps/syn_flood.py, raw socket in the client namespace: 3000 SYNs at
# 1000/s from 10.0.1.1, a fresh source port each) against a Python server listening on 8080.  The
# server answers every SYN with a SYN-ACK (and retransmits it: tcp_synack_retries=2; SYN cookies once
# its SYN queue is full) and the handshake never completes: the client namespace drops the SYN-ACKs
# (iptables INPUT) so its kernel does not RST them.  Three curl requests run during the flood and
# succeed.  Capture at the server, gzip -9: the file proves the analyzer stays bounded on a flood of
# half-open connections (test/fuzz/flood.test.ts scales it to millions).
source "$(dirname "$0")/../lib.sh"
lab_scenario syn-flood
FLOOD_COUNT=${FLOOD_COUNT:-3000}
FLOOD_RATE=${FLOOD_RATE:-1000}

run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_S sysctl -qw net.ipv4.tcp_synack_retries=2 net.ipv4.tcp_syncookies=1
  pyserver_up $NS_C 8080 --backlog 128 --max-seconds 60
  # SYN-ACKs to the flood's source ports (20000-59999) never reach a socket: drop them before the
  # kernel answers RST, so the connections stay half-open.  curl's own ports are below 20000.
  nsx $NS_C sysctl -qw net.ipv4.ip_local_port_range="10000 19999"
  nsx $NS_C iptables -A INPUT -p tcp --sport 8080 --dport 20000:59999 -j DROP
  cap_start $NS_S s-r "tcp port 8080"
  bg_start synflood $NS_C timeout 30 $PY "$LAB_DIR/apps/syn_flood.py" $C_IP $S_IP 8080 "$FLOOD_COUNT" "$FLOOD_RATE"
  local flood=$BG_PID i
  for i in 1 2 3; do
    sleep 0.8
    nsx $NS_C curl -sS -o /dev/null -w "    curl #$i: HTTP %{http_code} after %{time_connect} s connect\n" --max-time 5 \
      http://$S_IP:8080/ >&2
  done
  wait "$flood" 2>/dev/null
  sed 's/^/    flood: /' "$LAB_RUN/synflood.log" >&2
  sleep 3.5   # SYN-ACK retransmissions (1 s and 3 s after the first)
  cap_stop "$LAB_RUN/raw.pcap"
  gzip -9 -n -c "$LAB_RUN/raw.pcap" >"$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap.gz
capture_and_label 2 '{"vantage": "server (tcpdump -i s-r in the server namespace), gzip -9 compressed"}'

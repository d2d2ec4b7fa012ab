#!/bin/bash
# refused: nginx (no upstream keep-alive, max_fails=0) in front of a small Python server that is
# stopped for ~1.2 s and started again while the client keeps sending a request every 0.2 s:
# during the restart window every upstream SYN is answered by RST (nginx: 111 Connection refused, 502).
source "$(dirname "$0")/../lib.sh"
lab_scenario refused

run_once() {
  local out=$1
  lab_setup off 25
  pyserver_up $NS_P 8080 --max-seconds 60
  local srv=$BG_PID
  nginx_start $NS_P proxy "
  upstream app { server $S_IP:8080 max_fails=0; }
  server { listen $P_IP_C:80; location / { proxy_pass http://app; } }"
  cap_proxy_legs 8080
  nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --new-conn --count 30 --max-seconds 15 --gaps 0.2 \
    >"$LAB_RUN/client.out" 2>&1 &
  local cl=$!
  sleep 2
  log "stopping the server (PID $srv) for 1.2 s"
  bg_stop $srv
  sleep 1.2
  bg_start pyserver2 $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --max-seconds 60
  wait $cl
  cat "$LAB_RUN/client.out" >&2
  sleep 0.5
  cap_stop "$out"
  grep -c "111: Connection refused" "$LAB_RUN/nginx-proxy/logs/error.log" | sed 's/^/    nginx 111 errors: /' >&2
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 2 "{\"vantage\": \"$VANTAGE_PROXY_LEGS\"}"

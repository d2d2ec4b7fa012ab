#!/bin/bash
# request-cap: an origin that closes keep-alive connections after N requests.
#   VARIANT=nginx  nginx proxy (upstream keepalive) -> nginx origin with keepalive_requests 5:
#                  the 5th response carries Connection: close and the origin closes; capture on the proxy.
#   VARIANT=raced  client straight to a small server that just closes after 5 responses, without
#                  Connection: close; the client writes its next request at once, into the closing
#                  connection, and gets RST.  Capture on the client.
VARIANT=${VARIANT:-nginx}
source "$(dirname "$0")/../lib.sh"
lab_scenario request-cap "request-cap-$VARIANT"

run_once() {
  local out=$1
  lab_setup off 25
  if [ "$VARIANT" = nginx ]; then
    nginx_start $NS_S origin "
  server {
    listen $S_IP:8081;
    keepalive_requests 5; keepalive_timeout 60s;
    location / { default_type text/plain; return 200 \"hello from the nginx origin\n\"; }
  }"
    wait_port $NS_P $S_IP 8081
    nginx_proxy_up origin "server $S_IP:8081; keepalive 8; keepalive_timeout 60s;"
    cap_proxy_legs 8081
    run_client $NS_C 30 $P_IP_C 80 --count 21 --max-seconds 20 --gaps 0.25
    sleep 1
  else
    pyserver_up $NS_C 8082 --max-requests 5 --max-seconds 120
    cap_start $NS_C c-p "tcp port 8082"
    run_client $NS_C 30 $S_IP 8082 --count 24 --max-seconds 20 --gaps 0.2,0.2,0.2,0.2,0,0.2
    sleep 1
  fi
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
if [ "$VARIANT" = nginx ]; then V=$VANTAGE_PROXY_LEGS; else V=$VANTAGE_CLIENT_DIRECT; fi
capture_and_label 2 "{\"label_as\": \"request-cap\", \"variant\": \"$VARIANT\", \"vantage\": \"$V\"}"

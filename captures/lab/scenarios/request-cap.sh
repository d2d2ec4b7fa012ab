#!/bin/bash
# request-cap: an origin that closes keep-alive connections after N requests.
#   VARIANT=nginx  nginx proxy (upstream keepalive) -> nginx origin with keepalive_requests 5:
#                  the 5th response carries Connection: close and the origin closes; capture on the proxy.
#   VARIANT=raced  client straight to a small server that just closes after 5 responses, without
#                  Connection: close; the client writes its next request at once, into the closing
#                  connection, and gets RST.  Capture on the client.
SCENARIO=${SCENARIO:-request-cap}
VARIANT=${VARIANT:-nginx}
NAME=${NAME:-request-cap-$VARIANT}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

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
    nginx_start $NS_P proxy "
  upstream origin { server $S_IP:8081; keepalive 8; keepalive_timeout 60s; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
    cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 8081"
    nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/client.py" $P_IP_C 80 --count 21 --max-seconds 20 --gaps 0.25 \
      | tee "$LAB_RUN/client.out" >&2
    sleep 1
  else
    bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8082 --max-requests 5 --max-seconds 120
    wait_port $NS_C $S_IP 8082
    cap_start $NS_C c-p "tcp port 8082"
    nsx $NS_C timeout 30 $PY "$LAB_DIR/apps/client.py" $S_IP 8082 --count 24 --max-seconds 20 --gaps 0.2,0.2,0.2,0.2,0,0.2 \
      | tee "$LAB_RUN/client.out" >&2
    sleep 1
  fi
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
if [ "$VARIANT" = nginx ]; then V="proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)"
else V="client (tcpdump -i c-p in the client namespace), straight to the server"; fi
for attempt in 1 2; do
  run_once "$OUT"
  label "$NAME" "$OUT" "{\"label_as\": \"request-cap\", \"variant\": \"$VARIANT\", \"vantage\": \"$V\"}" && exit 0
done
die "no usable capture"

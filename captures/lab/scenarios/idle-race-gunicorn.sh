#!/bin/bash
# idle-race-gunicorn: nginx reverse proxy with upstream keep-alive (keepalive_timeout 60s) in
# front of gunicorn (gthread, --keep-alive 2).  The client pauses ~1.9-2.6 s between requests, so
# nginx reuses upstream connections that gunicorn is just closing: requests cross gunicorn's idle
# FIN and are answered by RST.  Capture on the proxy, both legs.
#   VARIANT=any|sll|nano|pcapng|gz|client|offload selects the vantage/format variants (see make-captures.sh).
SCENARIO=${SCENARIO:-idle-race-gunicorn}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT

VARIANT=${VARIANT:-}
NAME=${NAME:-idle-race-gunicorn}
TARGET="$P_IP_C 80" CLIENT_NS=$NS_C CPATH=/ OFFLOADS=off EXT=pcap
GAPS=1.93,2.4,1.95,2.6,1.97,2.3,1.99,2.5,1.96,2.2,1.94,2.45
VANTAGE="proxy, both legs (tcpdump -i p-c and tcpdump -i p-r, merged with mergecap -F pcap; Ethernet)"
cap_begin() { cap_start $NS_P "p-c p-r" "tcp port 80 or tcp port 8000"; }
cap_end() { cap_stop "$1"; }
case "$VARIANT" in
  "") ;;
  any) VANTAGE="proxy, tcpdump -i any (LINUX_SLL2, buffered mode), both legs"
       cap_begin() { cap_start $NS_P any "tcp port 80 or tcp port 8000"; } ;;
  sll) VANTAGE="proxy, tcpdump -i any -y LINUX_SLL (cooked v1), both legs"
       cap_begin() { cap_start $NS_P any "tcp port 80 or tcp port 8000" -y LINUX_SLL; } ;;
  nano) VANTAGE="proxy, upstream leg only (tcpdump -i p-r --time-stamp-precision nano; Ethernet, nanosecond pcap)"
       cap_begin() { cap_start $NS_P p-r "tcp port 8000" --time-stamp-precision nano; } ;;
  pcapng) EXT=pcapng
       VANTAGE="proxy, both legs as two pcapng interfaces (tcpdump -i p-c and -i p-r, mergecap -F pcapng)"
       cap_end() { cap_stop "$LAB_RUN/raw.pcap"; rm -f "$1"; mergecap -F pcapng -w "$1" "${CAP_PARTS[@]}"; } ;;
  gz)  EXT=pcap.gz
       VANTAGE="proxy, both legs (merged Ethernet pcap), gzip -9 compressed"
       cap_end() { cap_stop "$LAB_RUN/raw.pcap"; gzip -9 -n -c "$LAB_RUN/raw.pcap" >"$1"; } ;;
  client) TARGET="$S_IP 8000" GAPS=0.3,1.97,0.3,2.5,0.3,1.98,0.3,2.3,0.3,1.96,0.3,2.4,0.3,1.99,0.3,2.6
       VANTAGE="client only (tcpdump -i c-p in the client namespace); no proxy: the client's own keep-alive connection to gunicorn races its idle FIN"
       cap_begin() { cap_start $NS_C c-p "tcp port 8000"; } ;;
  offload) OFFLOADS=on CPATH="/big?n=8000"
       VANTAGE="server (tcpdump -i s-r in the server namespace) with TSO/GSO/GRO left ON: 8 kB responses leave as segments larger than the 1500-byte MTU"
       cap_begin() { cap_start $NS_S s-r "tcp port 8000"; } ;;
  *) die "unknown VARIANT $VARIANT" ;;
esac

NGINX_LOG=""
nginx_log_counts() {
  local f="$LAB_RUN/nginx-proxy/logs/error.log" a b
  grep -E "104|prematurely" "$f" | sed 's/^/    nginx: /' >&2
  a=$(grep -c "104: Connection reset by peer" "$f") b=$(grep -c "upstream prematurely closed connection" "$f")
  [ "${VARIANT:-}" = client ] || NGINX_LOG=", \"nginx_error_log\": {\"104: Connection reset by peer\": $a, \"upstream prematurely closed connection\": $b}"
}

run_once() {
  local out=$1
  lab_setup "$OFFLOADS" 25
  bg_start gunicorn $NS_S $PY -m gunicorn --chdir "$LAB_DIR/apps" -b $S_IP:8000 \
    -k gthread --threads 4 --keep-alive 2 wsgi_app:app
  wait_port $NS_P $S_IP 8000
  nginx_start $NS_P proxy "
  upstream gunicorn { server $S_IP:8000; keepalive 8; keepalive_timeout 60s; }
  server {
    listen $P_IP_C:80;
    location / { proxy_pass http://gunicorn; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
  cap_begin
  nsx $CLIENT_NS timeout 60 $PY "$LAB_DIR/apps/client.py" $TARGET --path "$CPATH" --count ${COUNT:-16} --max-seconds 45 \
    --gaps $GAPS | tee "$LAB_RUN/client.out" >&2
  sleep 3   # let the last idle connection close
  cap_end "$out"
  nginx_log_counts
  lab_teardown
}

OUT=$CAP_DIR/$NAME.$EXT
for attempt in 1 2 3; do
  run_once "$OUT"
  label "$NAME" "$OUT" "{\"label_as\": \"idle-race-gunicorn\", \"variant\": \"$VARIANT\", \"vantage\": \"$VANTAGE\"$NGINX_LOG}" && exit 0
  log "attempt $attempt: the capture does not show what the label needs; running again"
done
die "no usable capture after 3 attempts"

#!/bin/bash
# protocol-mismatch: the wrong protocol sent to a plain HTTP/1.1 server.
#   VARIANT=h2   curl --http2-prior-knowledge (HTTP/2 preface "PRI * HTTP/2.0") to gunicorn :8000 (twice)
#   VARIANT=tls  curl https:// and openssl s_client (TLS ClientHello) to nginx :8081 (plain http)
VARIANT=${VARIANT:-h2}
source "$(dirname "$0")/../lib.sh"
lab_scenario protocol-mismatch "protocol-mismatch-$VARIANT"

run_once() {
  local out=$1
  lab_setup off 25
  if [ "$VARIANT" = h2 ]; then
    gunicorn_up $NS_C -k gthread --threads 4
    cap_start $NS_C c-p "tcp port 8000"
    local i
    for i in 1 2; do
      nsx $NS_C curl -sS -o /dev/null -w '    curl --http2-prior-knowledge: HTTP %{http_code}\n' --max-time 5 \
        --http2-prior-knowledge http://$S_IP:8000/ 2>&1 | sed 's/^/    /' >&2
      sleep 0.3
    done
  else
    nginx_start $NS_S origin "
  server { listen $S_IP:8081; location / { default_type text/plain; return 200 \"hello\n\"; } }"
    wait_port $NS_C $S_IP 8081
    cap_start $NS_C c-p "tcp port 8081"
    nsx $NS_C curl -sS -o /dev/null --max-time 5 https://$S_IP:8081/ 2>&1 | sed 's/^/    curl https: /' >&2
    sleep 0.3
    echo | nsx $NS_C timeout 5 openssl s_client -connect $S_IP:8081 -servername app.example 2>&1 | head -3 | sed 's/^/    openssl: /' >&2
    sleep 0.3
  fi
  cap_stop "$out"
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
capture_and_label 1 "{\"label_as\": \"protocol-mismatch\", \"variant\": \"$VARIANT\", \"vantage\": \"$VANTAGE_CLIENT_DIRECT\"}"

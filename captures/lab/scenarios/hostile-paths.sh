#!/bin/bash
# hostile-paths: HTTP requests whose paths and headers carry <script>, </script>, quotes, &, and
# invalid UTF-8 bytes, answered (404) by a small Python server: input for the HTML report's escaping tests.
SCENARIO=${SCENARIO:-hostile-paths}
NAME=${NAME:-hostile-paths}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT
run_once() {
  local out=$1
  lab_setup off 25
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --max-seconds 60
  wait_port $NS_C $S_IP 8080
  cap_start $NS_C c-p "tcp port 8080"
  nsx $NS_C timeout 20 $PY "$LAB_DIR/apps/hostile_client.py" $S_IP 8080 | sed 's/^/    client: /' >&2
  cap_stop "$out"
  lab_teardown
}
OUT=$CAP_DIR/$NAME.pcap
run_once "$OUT"
label "$NAME" "$OUT" '{"vantage": "client (tcpdump -i c-p in the client namespace)"}' || die "label check failed"

#!/bin/bash
# Path-MTU scenarios.  The router's link towards the proxy (r-p) has MTU 1400; both endpoints (curl in
# the proxy namespace, a Python server in the server namespace) sit on 1500-byte links and announce MSS 1460.
#   VARIANT=blackhole  the router drops its own ICMP fragmentation-needed (iptables OUTPUT): the server's
#                      full-size segments vanish, small ones get through; curl times out.  Capture on the server.
#   VARIANT=pmtud      ICMP allowed: frag-needed (MTU 1400) reaches the server, which resends smaller segments.
#                      Capture on the server.
#   VARIANT=frag       the server sets no DF (sysctl net.ipv4.ip_no_pmtu_disc=1 in its namespace): the router
#                      fragments the 1500-byte packets.  Capture on the proxy (receiver) side.
SCENARIO=${SCENARIO:-mtu}
VARIANT=${VARIANT:-blackhole}
source "$(dirname "$0")/../lib.sh"
trap lab_teardown EXIT
case $VARIANT in
  blackhole) NAME=${NAME:-mtu-blackhole} ;;
  pmtud) NAME=${NAME:-pmtud-ok} ;;
  frag) NAME=${NAME:-ip-fragmentation} ;;
esac

run_once() {
  local out=$1
  lab_setup off 25
  nsx $NS_R ip link set r-p mtu 1400
  [ "$VARIANT" = frag ] && nsx $NS_S sysctl -qw net.ipv4.ip_no_pmtu_disc=1
  bg_start pyserver $NS_S $PY "$LAB_DIR/apps/pyserver.py" $S_IP 8080 --body-bytes 60000 --split-headers --max-seconds 60
  wait_port $NS_P $S_IP 8080
  [ "$VARIANT" = blackhole ] && nsx $NS_R iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
  if [ "$VARIANT" = frag ]; then cap_start $NS_P p-r "host $S_IP"
  else cap_start $NS_S s-r "tcp port 8080 or icmp"; fi
  nsx $NS_P curl -sS -o /dev/null -w '    curl: HTTP %{http_code}, %{size_download} bytes in %{time_total} s\n' \
    --max-time 8 http://$S_IP:8080/big 2>&1 | sed 's/^/    /' >&2
  if [ "$VARIANT" != blackhole ]; then
    sleep 0.3
    nsx $NS_P curl -sS -o /dev/null -w '    curl: HTTP %{http_code}, %{size_download} bytes in %{time_total} s\n' \
      --max-time 8 http://$S_IP:8080/big 2>&1 | sed 's/^/    /' >&2
  fi
  cap_stop "$out"
  [ "$VARIANT" = blackhole ] && nsx $NS_R iptables -L OUTPUT -v -n | sed 's/^/    /' >&2
  lab_teardown
}

OUT=$CAP_DIR/$NAME.pcap
if [ "$VARIANT" = frag ]; then V="receiver side: tcpdump -i p-r in the proxy namespace (curl runs there), after the 1400-MTU router link"
else V="server (tcpdump -i s-r in the server namespace), the sender of the large segments"; fi
run_once "$OUT"
label "$NAME" "$OUT" "{\"label_as\": \"$NAME\", \"vantage\": \"$V\"}" || die "label check failed"

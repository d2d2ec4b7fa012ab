#!/usr/bin/python3
"""Check a lab capture against what its scenario should show, and write captures/<name>.json.

  label.py NAME CAPTURE_FILE

Reads the packets with tshark, measures what the label claims (RSTs, FINs, idle gaps, races,
TTLs...), and exits 1 without writing anything when the capture does not show what the
scenario needs (the scenario script then runs again).  Every label carries `checked_with`:
the tshark command and what it showed in this very capture.
"""
import json
import os
import subprocess
import sys
from collections import defaultdict

ALL_KINDS = ["idle-close-race", "request-cap-close", "data-after-close", "abortive-idle-close",
             "request-timeout-abort", "reset-before-response", "connection-refused", "syn-unanswered",
             "accept-queue-overflow", "port-reuse", "middlebox-reset", "pmtu-blackhole",
             "icmp-frag-needed", "ip-fragmentation", "truncated-response", "protocol-mismatch",
             "zero-window", "retransmission-loss"]

FIELDS = ["frame.number", "frame.time_epoch", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport",
          "tcp.stream", "tcp.flags", "tcp.len", "ip.ttl", "tcp.window_size",
          "tcp.analysis.retransmission", "tcp.analysis.zero_window", "icmp.type", "icmp.code",
          "icmp.mtu", "ip.flags.mf", "ip.frag_offset", "frame.len", "tcp.seq", "tcp.ack",
          "ip.proto", "udp.srcport", "udp.dstport"]


def tshark_rows(path, extra=()):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f",
           "-o", "ip.defragment:FALSE"] + list(extra)
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        v = line.split("\t")
        v += [""] * (len(FIELDS) - len(v))
        r = dict(zip(FIELDS, v))
        p = {
            "no": int(r["frame.number"]), "t": float(r["frame.time_epoch"]),
            "src": r["ip.src"], "dst": r["ip.dst"],
            "sport": int(r["tcp.srcport"] or r["udp.srcport"] or 0),
            "dport": int(r["tcp.dstport"] or r["udp.dstport"] or 0),
            "stream": int(r["tcp.stream"]) if r["tcp.stream"] else None,
            "flags": int(r["tcp.flags"], 16) if r["tcp.flags"] else 0,
            "len": int(r["tcp.len"] or 0), "ttl": int(r["ip.ttl"] or 0),
            "win": int(r["tcp.window_size"]) if r["tcp.window_size"] else None,
            "retrans": bool(r["tcp.analysis.retransmission"]),
            "zerowin": bool(r["tcp.analysis.zero_window"]),
            "icmp_type": int(r["icmp.type"]) if r["icmp.type"] else None,
            "icmp_code": int(r["icmp.code"]) if r["icmp.code"] else None,
            "icmp_mtu": int(r["icmp.mtu"]) if r["icmp.mtu"] else None,
            "mf": r["ip.flags.mf"] in ("1", "True"), "fragoff": int(r["ip.frag_offset"] or 0),
            "flen": int(r["frame.len"]), "proto": int(r["ip.proto"] or 0),
            "ackno": int(r["tcp.ack"]) if r["tcp.ack"] else 0,
        }
        p["syn"] = bool(p["flags"] & 0x02)
        p["fin"] = bool(p["flags"] & 0x01)
        p["rst"] = bool(p["flags"] & 0x04)
        p["ack"] = bool(p["flags"] & 0x10)
        rows.append(p)
    return rows


def ep(ip, port):
    return "%s:%d" % (ip, port)


class Flow:
    def __init__(self, sid):
        self.id = sid
        self.pkts = []
        self.client = self.server = None

    def finish(self):
        for p in self.pkts:
            if p["syn"] and not p["ack"]:
                self.client, self.server = ep(p["src"], p["sport"]), ep(p["dst"], p["dport"])
                break
        if self.client is None:
            p = self.pkts[0]
            a, b = ep(p["src"], p["sport"]), ep(p["dst"], p["dport"])
            self.client, self.server = (a, b) if p["sport"] > p["dport"] else (b, a)
        for p in self.pkts:
            p["from_server"] = ep(p["src"], p["sport"]) == self.server

    def sel(self, **kw):
        out = []
        for p in self.pkts:
            if all(p.get(k) == v for k, v in kw.items()):
                out.append(p)
        return out


def flows_of(rows):
    fl = {}
    for p in rows:
        if p["stream"] is None:
            continue
        fl.setdefault(p["stream"], Flow(p["stream"])).pkts.append(p)
    for f in fl.values():
        f.finish()
    return [fl[k] for k in sorted(fl)]


def close_analysis(f, race_window=0.3):
    """The first close by the server in a flow: ('idle', idle_s, pkt) for an idle close,
    ('race', info) when a request crossed it, or None."""
    closes = [p for p in f.pkts if p["from_server"] and (p["fin"] or p["rst"])]
    if not closes:
        return None
    c = closes[0]
    srv_payload = [p for p in f.pkts if p["from_server"] and p["len"] > 0 and p["no"] < c["no"]]
    last_resp = srv_payload[-1] if srv_payload else None
    base_t = last_resp["t"] if last_resp else f.pkts[0]["t"]
    # a request sent from just before the close reached the vantage point up to 10 ms after it
    # crossed the close (race); one sent later ignored a FIN it had already received (data-after-close)
    reqs = [p for p in f.pkts if not p["from_server"] and p["len"] > 0 and not p["retrans"]
            and p["t"] > base_t and -race_window < p["t"] - c["t"]]
    later_srv_payload = [p for p in f.pkts if p["from_server"] and p["len"] > 0 and p["no"] > c["no"]]
    if reqs and not later_srv_payload:
        q = reqs[0]
        rsts = [p for p in f.pkts if p["from_server"] and p["rst"] and p["no"] > q["no"]]
        # time the vantage point needs to hear back from the client (about 0 at the client, one RTT at the server)
        synack = [p for p in f.pkts if p["syn"] and p["ack"]]
        hs_ack = [p for p in f.pkts if not p["from_server"] and p["ack"] and not p["syn"]]
        back = max(0.0, hs_ack[0]["t"] - synack[0]["t"]) if synack and hs_ack else 0.0
        typ = "race" if q["t"] - c["t"] < back + 0.010 else "data-after-close"
        return {"type": typ, "close": c, "req": q, "rst": rsts[0] if rsts else None,
                "idle_s": q["t"] - base_t, "close_idle_s": c["t"] - base_t, "last_resp": last_resp}
    unanswered = [p for p in f.pkts if not p["from_server"] and p["len"] > 0 and p["t"] > base_t
                  and p["no"] < c["no"]]
    if unanswered:
        return {"type": "other", "close": c}
    return {"type": "idle", "close": c, "idle_s": c["t"] - base_t, "last_resp": last_resp}


def http_msgs(path, ports=(80, 8000, 8080, 3000, 8081, 8082)):
    """[(frame, 'req'|'resp', method-or-code, tcp.stream)] using tshark's HTTP dissector."""
    cmd = ["tshark", "-n", "-r", path]
    for p in ports:
        cmd += ["-d", "tcp.port==%d,http" % p]
    cmd += ["-Y", "http.request || http.response", "-T", "fields", "-E", "separator=\t",
            "-e", "frame.number", "-e", "http.request.method", "-e", "http.response.code", "-e", "tcp.stream",
            "-e", "tcp.srcport", "-e", "tcp.dstport"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    res = []
    for line in out.splitlines():
        v = line.split("\t") + [""] * 6
        if v[1]:
            res.append((int(v[0]), "req", v[1], int(v[3]), int(v[4]), int(v[5])))
        elif v[2]:
            res.append((int(v[0]), "resp", v[2].split(",")[0], int(v[3]), int(v[4]), int(v[5])))
    return res


def count(rows, **kw):
    return sum(1 for p in rows if all(p.get(k) == v for k, v in kw.items()))


def fmt_frames(ps, n=8):
    s = ", ".join(str(p["no"]) for p in ps[:n])
    return s + (" ..." if len(ps) > n else "")


def cap_format(path):
    out = subprocess.run(["capinfos", "-t", "-E", "-a", "-T", "-r", path], capture_output=True, text=True).stdout
    v = out.strip().split("\t")
    return {"type": v[1], "encapsulation": v[2]} if len(v) >= 3 else out.strip()


# ---------------------------------------------------------------------------------------------
# scenarios


def idle_race(name, path, rows, port, timeout, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":%d" % port)]
    res = [(f, close_analysis(f)) for f in fl]
    races = [(f, r) for f, r in res if r and r["type"] == "race" and r["rst"]]
    idles = [(f, r) for f, r in res if r and r["type"] == "idle" and r["idle_s"] > timeout * 0.8]
    dac = [(f, r) for f, r in res if r and r["type"] == "data-after-close" and r["rst"]]
    for f, r in dac:  # the FIN itself was a clean idle close; the client wrote into it later
        idles.append((f, {"type": "idle", "close": r["close"], "idle_s": r["close_idle_s"]}))
    if len(races) < 1 or len(idles) < 3:
        print("%s: %d races, %d idle closes: not enough" % (name, len(races), len(idles)), file=sys.stderr)
        return None
    server = fl[0].server
    idle_vals = sorted(r["idle_s"] for _, r in idles)
    race_desc = "; ".join(
        "stream %d: server FIN frame %d, request frame %d (%.1f ms %s the FIN, idle %.3f s), RST frame %d"
        % (f.id, r["close"]["no"], r["req"]["no"], abs(r["req"]["t"] - r["close"]["t"]) * 1000,
           "after" if r["req"]["t"] > r["close"]["t"] else "before", r["idle_s"], r["rst"]["no"])
        for f, r in races)
    rst_frames = [p for p in rows if p["rst"] and ep(p["src"], p["sport"]) == server]
    fins = [r["close"] for _, r in idles]
    dac_desc = "; ".join("stream %d: request frame %d sent %.3f s after the server FIN frame %d, RST frame %d"
                         % (f.id, r["req"]["no"], r["req"]["t"] - r["close"]["t"], r["close"]["no"], r["rst"]["no"])
                         for f, r in dac)
    return {
        "races": races, "idles": idles, "server": server, "idle_vals": idle_vals, "dac": dac,
        "checked_with": ("tshark -r %s -Y 'tcp.port==%d && (tcp.flags.fin==1 || tcp.flags.reset==1 || tcp.len>0)' "
                         "-T fields -e frame.number -e frame.time_relative -e tcp.stream -e ip.src -e tcp.flags.str -e tcp.len"
                         " -> %d server-initiated idle closes (FIN frames %s) %.3f-%.3f s after the last response byte; "
                         "%d races: %s; %d requests written after an already received FIN%s; %d RSTs from %s in all (frames %s)")
        % (os.path.basename(path), port, len(idles), fmt_frames(fins), idle_vals[0], idle_vals[-1],
           len(races), race_desc, len(dac), (": " + dac_desc) if dac else "", len(rst_frames), server,
           fmt_frames(rst_frames, 12)),
    }


def nginx_words(extra):
    """What nginx's error.log said (counted by the scenario script), for the story."""
    ng = extra.get("nginx_error_log")
    if not ng:
        return "nginx: 104 Connection reset by peer / upstream prematurely closed"
    parts = ["%d x \"%s\"" % (v, k) for k, v in ng.items() if v]
    return "nginx error.log: " + (", ".join(parts) if parts else "nothing")


def race_expect(a, timeout):
    exp = [{"kind": "idle-close-race", "server": a["server"], "min_count": len(a["races"]),
            "params": {"server_idle_timeout_s": timeout, "closer": "server"}}]
    if a["dac"]:
        exp.append({"kind": "data-after-close", "server": a["server"], "min_count": len(a["dac"])})
    return exp


def L_idle_race_gunicorn(name, path, rows, extra):
    variant = extra.pop("variant", "")
    a = idle_race(name, path, rows, 8000, 2.0, extra)
    if not a:
        return None
    n = len(a["races"])
    closes = ("gunicorn (gthread, --keep-alive 2) closed idle connections with FIN %.3f-%.3f s after its last response byte "
              "(configured 2 s = the lower edge: gunicorn checks about once a second, so closes can land up to 2.9 s)."
              % (a["idle_vals"][0], a["idle_vals"][-1]))
    absent = ["middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
              "abortive-idle-close", "truncated-response", "protocol-mismatch", "zero-window"]
    if variant == "client":
        story = ["The client keeps one keep-alive connection straight to gunicorn (no proxy) and pauses 0.3 s, then 1.96-1.99 s or 2.3-2.6 s; "
                 + closes,
                 "%d request%s crossed gunicorn's idle FIN and got RST (client: connection reset / closed before response headers); "
                 "%d request%s written after an idle FIN had already arrived got RST as well (data-after-close)."
                 % (n, "s" if n != 1 else "", len(a["dac"]), "s" if len(a["dac"]) != 1 else "")]
        programs = {"server": "gunicorn 20.1.0 -k gthread --threads 4 --keep-alive 2",
                    "client": "captures/lab/apps/client.py straight to 10.0.3.2:8000 (gaps 0.3 s, then 1.96-1.99 s or 2.3-2.6 s; reconnects after errors)"}
        config = {"gunicorn --keep-alive": 2, "one-way delay client<->server ms": 25}
    else:
        story = ["nginx reuses upstream keep-alive connections after idle gaps of 1.9-2.6 s (upstream keepalive_timeout 60s); " + closes,
                 "%d request%s crossed gunicorn's idle FIN and %s answered by RST (%s; nginx retried each on a new "
                 "connection, the client saw 200); %d other idle closes were clean."
                 % (n, "s" if n != 1 else "", "were" if n != 1 else "was", nginx_words(extra), len(a["idles"]))]
        programs = {"proxy": "nginx 1.22.1 upstream keepalive 8, keepalive_timeout 60s, proxy_http_version 1.1",
                    "server": "gunicorn 20.1.0 -k gthread --threads 4 --keep-alive 2",
                    "client": "captures/lab/apps/client.py (one keep-alive connection to nginx, gaps 1.93-2.6 s)"}
        config = {"gunicorn --keep-alive": 2, "nginx upstream keepalive_timeout": 60, "one-way delay proxy<->server ms": 25}
    if variant == "offload":
        big = [p for p in rows if p["len"] > 1460]
        if not big:
            print("offload variant: no segment larger than the MSS", file=sys.stderr)
            return None
        story[1] += (" Offloads ON: %d TCP segments carry more than 1460 payload bytes (largest %d)."
                     % (len(big), max(p["len"] for p in big)))
        programs["client"] = programs["client"].replace("one keep-alive", "GET /big?n=8000 on one keep-alive")
        config["offloads"] = "tso/gso/gro on"
        a["checked_with"] += ("; tshark -Y 'tcp.len>1460' -> %d frames (e.g. %s), largest tcp.len %d"
                              % (len(big), fmt_frames(big, 4), max(p["len"] for p in big)))
    return {
        "story": story, "programs": programs, "expect": race_expect(a, 2.0),
        "expect_absent": absent, "config": config,
        "measured": {"races": n, "data_after_close": len(a["dac"]), "idle_closes": len(a["idles"]),
                     "idle_close_s": [round(v, 3) for v in a["idle_vals"]]},
        "checked_with": a["checked_with"],
    }


def L_idle_race_node(name, path, rows, extra):
    a = idle_race(name, path, rows, 3000, 6.0, extra)
    if not a:
        return None
    n = len(a["races"])
    return {
        "story": ["nginx reuses upstream keep-alive connections after idle gaps of 5.96-6.8 s (upstream keepalive_timeout 60s); "
                  "Node's http server (default server.keepAliveTimeout 5000 ms, advertised as Keep-Alive: timeout=5) closes idle "
                  "sockets after keepAliveTimeout + Node's built-in 1000 ms buffer: FIN %.3f-%.3f s after its last response byte."
                  % (a["idle_vals"][0], a["idle_vals"][-1]),
                  "%d request%s crossed Node's idle FIN and %s answered by RST (%s; nginx retried each on a new "
                  "connection); %d other idle closes were clean."
                  % (n, "s" if n != 1 else "", "were" if n != 1 else "was", nginx_words(extra), len(a["idles"]))],
        "programs": {"proxy": "nginx 1.22.1 upstream keepalive 8, keepalive_timeout 60s, proxy_http_version 1.1",
                     "server": "node %s http.createServer, keepAliveTimeout default (5000 ms; socket timeout 5000 + 1000 ms buffer)"
                     % NODE_VERSION,
                     "client": "captures/lab/apps/client.py (one keep-alive connection to nginx, gaps 5.955-6.8 s)"},
        "expect": race_expect(a, 6.0),
        "expect_absent": ["middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "abortive-idle-close", "truncated-response", "protocol-mismatch", "zero-window"],
        "config": {"node server.keepAliveTimeout ms": 5000, "node HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER ms": 1000,
                   "effective server idle timeout s": 6.0, "Keep-Alive header": "timeout=5",
                   "nginx upstream keepalive_timeout": 60, "one-way delay proxy<->server ms": 25},
        "measured": {"races": n, "data_after_close": len(a["dac"]), "idle_closes": len(a["idles"]),
                     "idle_close_s": [round(v, 3) for v in a["idle_vals"]]},
        "checked_with": a["checked_with"],
    }

def L_healthy_keepalive(name, path, rows, extra):
    rsts = [p for p in rows if p["rst"]]
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8000")]
    client_first, gaps = 0, []
    for f in fl:
        fins = [p for p in f.pkts if p["fin"]]
        if fins and not fins[0]["from_server"]:
            client_first += 1
            pay = [p for p in f.pkts if p["len"] > 0 and p["no"] < fins[0]["no"]]
            if pay:
                gaps.append(fins[0]["t"] - pay[-1]["t"])
    msgs = http_msgs(path)
    resp80 = [m for m in msgs if m[1] == "resp" and m[4] == 80]
    bad = [m for m in resp80 if m[2] != "200"]
    if rsts or not fl or client_first != len(fl) or bad or not resp80:
        print("healthy: rst %d, flows %d, nginx-first closes %d, non-200 %d" % (len(rsts), len(fl), client_first, len(bad)),
              file=sys.stderr)
        return None
    gaps.sort()
    return {
        "story": ["Control: the same nginx -> gunicorn (--keep-alive 2) pair and client gaps (0.5-2.6 s), but nginx's upstream "
                  "keepalive_timeout 1s is below gunicorn's 2 s.",
                  "nginx closes every idle upstream connection first (%d FINs from nginx %.3f-%.3f s after the last byte); "
                  "no RST anywhere, all %d responses to the client are 200." % (client_first, gaps[0], gaps[-1], len(resp80))],
        "programs": {"proxy": "nginx 1.22.1 upstream keepalive 8, keepalive_timeout 1s",
                     "server": "gunicorn 20.1.0 -k gthread --threads 4 --keep-alive 2",
                     "client": "captures/lab/apps/client.py (one keep-alive connection to nginx, gaps 0.5-2.6 s)"},
        "expect": [],
        "expect_absent": ALL_KINDS,
        "config": {"gunicorn --keep-alive": 2, "nginx upstream keepalive_timeout": 1, "one-way delay proxy<->server ms": 25},
        "measured": {"rst": 0, "upstream_connections": len(fl), "closed_first_by_nginx": client_first,
                     "responses_200": len(resp80)},
        "checked_with": ("tshark -r %s -Y 'tcp.flags.reset==1' -> no frame; -Y 'tcp.port==8000 && tcp.flags.fin==1' -> the first FIN "
                         "of each of the %d upstream connections comes from nginx 10.0.2.1, %.3f-%.3f s after the last payload; "
                         "-d tcp.port==8000,http -Y http.response -> %d responses to the client, all 200")
        % (os.path.basename(path), len(fl), gaps[0], gaps[-1], len(resp80)),
    }


def L_abortive_idle_close(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    aborts, others = [], []
    for f in fl:
        srv_fin = [p for p in f.pkts if p["from_server"] and p["fin"]]
        srv_rst = [p for p in f.pkts if p["from_server"] and p["rst"]]
        if srv_rst and not srv_fin:
            r = srv_rst[0]
            pay = [p for p in f.pkts if p["len"] > 0 and p["no"] < r["no"]]
            after = [p for p in pay if not p["from_server"] and p["t"] > (pay and [q for q in pay if q["from_server"]] or [f.pkts[0]])[-1]["t"]]
            if pay and not after:
                aborts.append((f, r, r["t"] - pay[-1]["t"]))
            else:
                others.append((f, r))
    if len(aborts) < 3:
        print("abortive: %d aborts" % len(aborts), file=sys.stderr)
        return None
    idle = sorted(x[2] for x in aborts)
    return {
        "story": ["nginx keeps idle upstream keep-alive connections for 60 s; the upstream (a small Python server) closes connections "
                  "idle for 3 s with SO_LINGER {1,0}, i.e. RST and no FIN (IIS / load-balancer style).",
                  "%d idle upstream connections ended by a RST from the server %.3f-%.3f s after the last byte; the client "
                  "pauses 3.4-4.2 s so no request crossed a RST in this run." % (len(aborts), idle[0], idle[-1])],
        "programs": {"proxy": "nginx 1.22.1 upstream keepalive 8, keepalive_timeout 60s",
                     "server": "captures/lab/apps/pyserver.py --idle-timeout 3 --linger0",
                     "client": "captures/lab/apps/client.py (gaps 0.7-4.2 s)"},
        "expect": [{"kind": "abortive-idle-close", "server": fl[0].server, "min_count": len(aborts),
                    "params": {"idle_s": 3.0}}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused",
                          "syn-unanswered", "truncated-response", "protocol-mismatch", "zero-window"],
        "config": {"server idle timeout s (SO_LINGER 0)": 3, "nginx upstream keepalive_timeout": 60,
                   "one-way delay proxy<->server ms": 25},
        "measured": {"abortive_closes": len(aborts), "idle_s": [round(x, 3) for x in idle], "other_rsts": len(others)},
        "checked_with": ("tshark -r %s -Y 'tcp.port==8080 && (tcp.flags.fin==1 || tcp.flags.reset==1)' -> RSTs from %s in frames %s, "
                         "each %.3f-%.3f s after the connection's last payload, no FIN from the server on those connections")
        % (os.path.basename(path), fl[0].server, fmt_frames([x[1] for x in aborts], 10), idle[0], idle[-1]),
    }


def tshark_count(path, filt, ports=(80, 8000, 8080, 3000, 8081, 8082), opts=()):
    cmd = ["tshark", "-n", "-r", path] + list(opts)
    for p in ports:
        cmd += ["-d", "tcp.port==%d,http" % p]
    cmd += ["-Y", filt, "-T", "fields", "-e", "frame.number"]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]


def L_request_cap(name, path, rows, extra):
    variant = extra.pop("variant", "nginx")
    port = 8081 if variant == "nginx" else 8082
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":%d" % port)]
    msgs = http_msgs(path)
    per_flow = defaultdict(lambda: {"req": 0, "resp": 0})
    for m in msgs:
        if m[4] == port or m[5] == port:
            per_flow[m[3]]["req" if m[1] == "req" else "resp"] += 1
    capped, raced, raced_frames, resp_counts = 0, 0, [], []
    for f in fl:
        srv_close = [p for p in f.pkts if p["from_server"] and (p["fin"] or p["rst"])]
        if not srv_close:
            continue
        n = per_flow[f.id]["resp"]
        resp_counts.append(n)
        if n == 5:
            capped += 1
            c = srv_close[0]
            last_srv = [p for p in f.pkts if p["from_server"] and p["len"] > 0][-1]
            late = [p for p in f.pkts if not p["from_server"] and p["len"] > 0 and p["t"] > last_srv["t"]]
            rst = [p for p in f.pkts if p["from_server"] and p["rst"]]
            if late and rst and late[0]["t"] - c["t"] < 0.010:
                raced += 1
                raced_frames.append((late[0], rst[0], late[0]["t"] - c["t"]))
    conn_close = tshark_count(path, 'http.response && http.connection == "close" && tcp.srcport==%d' % port)
    if capped < 3 or (variant == "raced" and raced < 2) or (variant == "nginx" and len(conn_close) < 3):
        print("request-cap: capped %d raced %d conn-close %d" % (capped, raced, len(conn_close)), file=sys.stderr)
        return None
    server = fl[0].server
    if variant == "nginx":
        story = ["nginx (proxy, upstream keepalive 8) forwards 21 requests 0.25 s apart to an nginx origin with keepalive_requests 5.",
                 "The origin answers the 5th request of every connection with Connection: close and closes it (%d connections "
                 "capped at 5 requests, %d closes announced, %d requests raced); nginx opens a new upstream connection each time."
                 % (capped, len(conn_close), raced)]
        programs = {"proxy": "nginx 1.22.1 upstream keepalive 8, keepalive_timeout 60s",
                    "server": "nginx 1.22.1 origin: keepalive_requests 5, keepalive_timeout 60s",
                    "client": "captures/lab/apps/client.py (21 requests, 0.25 s apart)"}
        config = {"origin keepalive_requests": 5}
    else:
        story = ["The client sends requests on one keep-alive connection straight to a small server that closes after 5 responses "
                 "without announcing it (no Connection: close).",
                 "After each 5th response the client writes the next request at once: %d requests went into the closing "
                 "connection and got RST (client: connection reset / closed before response headers); %d connections capped at 5."
                 % (raced, capped)]
        programs = {"server": "captures/lab/apps/pyserver.py --max-requests 5 (closes with FIN, no Connection: close)",
                    "client": "captures/lab/apps/client.py (24 requests; 0 s gap after every 5th)"}
        config = {"server max requests per connection": 5, "announces Connection: close": False}
    config["one-way delay ms"] = 25
    exp = {"kind": "request-cap-close", "server": server, "min_count": 1,
           "params": {"max_requests_per_connection": 5}}
    # raced (how many requests went into a closing connection) is measured, not configured: see "measured"
    return {
        "story": story, "programs": programs, "expect": [exp],
        "expect_absent": ["middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "abortive-idle-close", "truncated-response", "protocol-mismatch", "zero-window"],
        "config": config,
        "measured": {"connections_capped_at_5": capped, "responses_per_closed_connection": resp_counts,
                     "raced_requests": raced, "connection_close_responses": len(conn_close)},
        "checked_with": ("tshark -r %s -d tcp.port==%d,http -Y 'http.response' -T fields -e tcp.stream -> %d connections to %s "
                         "closed by the server after exactly 5 responses (responses per closed connection: %s); "
                         "-Y 'http.connection == \"close\"' -> frames %s; requests written after the 5th response and answered "
                         "by RST: %s")
        % (os.path.basename(path), port, capped, server, resp_counts, fmt_frames([{"no": x} for x in conn_close]) or "none",
           "; ".join("request frame %d (%.1f ms after the server FIN), RST frame %d" % (q["no"], d * 1000, r["no"])
                     for q, r, d in raced_frames) or "none"),
    }


def L_refused(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    refused = []
    for f in fl:
        syn = [p for p in f.pkts if p["syn"] and not p["ack"]]
        synack = [p for p in f.pkts if p["syn"] and p["ack"]]
        rst = [p for p in f.pkts if p["from_server"] and p["rst"]]
        if syn and rst and not synack:
            refused.append((syn[0], rst[0]))
    ok = [f for f in fl if any(p["syn"] and p["ack"] for p in f.pkts)]
    msgs = http_msgs(path)
    c502 = [m for m in msgs if m[1] == "resp" and m[2] == "502" and m[4] == 80]
    if len(refused) < 3 or len(ok) < 3:
        print("refused: %d refused, %d ok" % (len(refused), len(ok)), file=sys.stderr)
        return None
    t0, t1 = refused[0][0]["t"], refused[-1][1]["t"]
    return {
        "story": ["nginx (no upstream keep-alive, max_fails=0) forwards a request every 0.2 s to a small Python server that is "
                  "stopped for about 1.2 s and started again.",
                  "During the restart window %d upstream SYNs were answered by RST (nginx: connect() failed (111: Connection refused), "
                  "%d x 502 to the client) over %.2f s; %d upstream connections before and after succeeded."
                  % (len(refused), len(c502), t1 - t0, len(ok))],
        "programs": {"proxy": "nginx 1.22.1 proxy_pass, upstream server max_fails=0",
                     "server": "captures/lab/apps/pyserver.py, killed and restarted after 1.2 s",
                     "client": "captures/lab/apps/client.py --new-conn (30 requests, 0.2 s apart)"},
        "expect": [{"kind": "connection-refused", "server": fl[0].server, "min_count": 1}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "syn-unanswered",
                          "abortive-idle-close", "truncated-response", "protocol-mismatch", "zero-window"],
        "config": {"server down s": 1.2, "one-way delay proxy<->server ms": 25},
        "measured": {"refused_syns": len(refused), "successful_upstream_connections": len(ok), "client_502": len(c502),
                     "window_s": round(t1 - t0, 3)},
        "checked_with": ("tshark -r %s -Y 'tcp.port==8080 && tcp.flags.reset==1' -> %d RST/ACKs from %s answering SYNs "
                         "(SYN frames %s; RST frames %s), %.3f-%.3f s into the capture, no SYN-ACK on those streams; "
                         "-Y 'http.response.code==502' -> %d responses to the client")
        % (os.path.basename(path), len(refused), fl[0].server, fmt_frames([r[0] for r in refused]),
           fmt_frames([r[1] for r in refused]), t0 - rows[0]["t"], t1 - rows[0]["t"], len(c502)),
    }


def L_syn_dropped(name, path, rows, extra):
    fl = flows_of(rows)
    unanswered, late = [], []
    for f in fl:
        syns = [p for p in f.pkts if p["syn"] and not p["ack"]]
        synack = [p for p in f.pkts if p["syn"] and p["ack"]]
        if len(syns) >= 2 and not synack:
            unanswered.append((f, syns))
        elif len(syns) >= 2 and synack:
            late.append((f, syns, synack[0]))
    if not unanswered:
        print("syn-dropped: no unanswered SYN", file=sys.stderr)
        return None
    f, syns = unanswered[0]
    times = ", ".join("%.2f" % (p["t"] - syns[0]["t"]) for p in syns)
    late_txt = ""
    if late:
        lf, ls, la = late[0]
        late_txt = ("; stream %d: SYN sent %d times (frames %s) before the SYN-ACK in frame %d"
                    % (lf.id, len(ls), fmt_frames(ls), la["no"]))
    return {
        "story": ["The router drops SYNs to 10.0.3.2:8080 (iptables FORWARD ... --syn -j DROP). curl --connect-timeout 7 sends "
                  "its SYN %d times (at %s s; this kernel retransmits SYNs at linear 1 s intervals first, "
                  "net.ipv4.tcp_syn_linear_timeouts=4) without any SYN-ACK and gives up (curl: Connection timed out)." % (len(syns), times),
                  "A second curl starts while SYNs are still dropped; the rule is removed after 1.5 s and its retransmitted SYN "
                  "connects%s." % (" (%d SYNs before the SYN-ACK)" % len(late[0][1]) if late else "")],
        "programs": {"client": "curl %s --connect-timeout 7" % CURL_VERSION, "server": "captures/lab/apps/pyserver.py",
                     "router": "iptables -A FORWARD -p tcp --dport 8080 --tcp-flags SYN,ACK,RST SYN -j DROP"},
        "expect": [{"kind": "syn-unanswered", "server": ep(syns[0]["dst"], syns[0]["dport"]), "min_count": len(unanswered)}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused",
                          "truncated-response", "protocol-mismatch", "zero-window", "accept-queue-overflow"],
        "config": {"curl --connect-timeout": 7, "rule removed after s": 1.5},
        "measured": {"unanswered_connections": len(unanswered), "syns_in_unanswered": len(syns),
                     "connected_after_retransmission": len(late)},
        "checked_with": ("tshark -r %s -Y 'tcp.flags.syn==1' -> stream %d: %d SYNs (frames %s), no SYN-ACK%s")
        % (os.path.basename(path), f.id, len(syns), fmt_frames(syns), late_txt),
    }


def L_middlebox_reset(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    hits = []
    for f in fl:
        srv = [p for p in f.pkts if p["from_server"] and not p["rst"]]
        rst = [p for p in f.pkts if p["from_server"] and p["rst"]]
        if srv and rst:
            ttls = sorted(set(p["ttl"] for p in srv))
            if len(ttls) == 1 and rst[0]["ttl"] != ttls[0]:
                hits.append((f, rst[0], ttls[0]))
    if not hits:
        print("middlebox: no RST with a foreign TTL", file=sys.stderr)
        return None
    ttl_seen, ttl_exp = hits[0][1]["ttl"], hits[0][2]
    return {
        "story": ["The router namespace rejects any segment containing \"GET /admin\" with iptables -j REJECT --reject-with tcp-reset: "
                  "the client's second request on each keep-alive connection is answered by a RST in the server's name.",
                  "%d connections reset this way; the RSTs arrive with TTL %d while the server's own packets arrive with TTL %d "
                  "(the server never saw the request)." % (len(hits), ttl_seen, ttl_exp)],
        "programs": {"client": "captures/lab/apps/client.py (paths /, /admin/users, /)", "server": "captures/lab/apps/pyserver.py",
                     "router": "iptables -A FORWARD -p tcp --dport 8080 -m string --string 'GET /admin' --algo bm -j REJECT --reject-with tcp-reset"},
        "expect": [{"kind": "middlebox-reset", "server": fl[0].server, "min_count": len(hits),
                    "params": {"ttl_seen": ttl_seen, "ttl_expected": ttl_exp}}],
        "expect_absent": ["idle-close-race", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "truncated-response", "protocol-mismatch", "zero-window", "abortive-idle-close"],
        "config": {"router REJECT match": "GET /admin"},
        "measured": {"injected_rsts": len(hits), "ttl_seen": ttl_seen, "ttl_expected": ttl_exp},
        "checked_with": ("tshark -r %s -Y 'tcp.srcport==8080' -T fields -e frame.number -e ip.ttl -e tcp.flags.str -> "
                         "all non-RST packets from %s have TTL %d; RST frames %s have TTL %d, each right after a GET /admin request")
        % (os.path.basename(path), fl[0].server, ttl_exp, fmt_frames([h[1] for h in hits]), ttl_seen),
    }


def L_truncated(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    trunc = []
    for f in fl:
        body = sum(p["len"] for p in f.pkts if p["from_server"] and not p["retrans"])
        fin = [p for p in f.pkts if p["from_server"] and p["fin"]]
        if fin and body:
            trunc.append((f, body, fin[0]))
    cl = tshark_count(path, 'http.content_length == 10000', ports=(8080,), opts=("-o", "http.desegment_body:FALSE"))
    if len(trunc) < 2 or not cl:
        return None
    return {
        "story": ["A server announces Content-Length: 10000, sends 4000 body bytes and closes the connection (FIN).",
                  "curl, 3 times: transfer closed with 6000 bytes remaining to read (error 18); %d truncated responses." % len(trunc)],
        "programs": {"client": "curl %s" % CURL_VERSION, "server": "captures/lab/apps/pyserver.py --truncate"},
        "expect": [{"kind": "truncated-response", "server": fl[0].server, "min_count": len(trunc),
                    "params": {"expected_bytes": 10000, "received_bytes": 4000}}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "protocol-mismatch", "zero-window"],
        "config": {"Content-Length": 10000, "body bytes sent": 4000},
        "measured": {"truncated_responses": len(trunc), "server_payload_bytes_per_connection": [t[1] for t in trunc]},
        "checked_with": ("tshark -r %s -z conv,tcp -> %d connections; server payload per connection %s bytes (headers + 4000 body); "
                         "-d tcp.port==8080,http -o http.desegment_body:FALSE -Y 'http.content_length==10000' -> frames %s; server FIN frames %s")
        % (os.path.basename(path), len(fl), [t[1] for t in trunc], fmt_frames([{"no": x} for x in cl]),
           fmt_frames([t[2] for t in trunc])),
    }


def first_payloads(path):
    """{stream: [(frame, from_port, hex payload)]} for segments with payload."""
    out = subprocess.run(["tshark", "-n", "-r", path, "-Y", "tcp.len>0", "-T", "fields", "-E", "separator=\t",
                          "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.payload"],
                         capture_output=True, text=True).stdout
    res = defaultdict(list)
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) >= 4:
            res[int(v[1])].append((int(v[0]), int(v[2]), v[3]))
    return res


def L_protocol_mismatch(name, path, rows, extra):
    variant = extra.pop("variant", "h2")
    pay = first_payloads(path)
    fl = flows_of(rows)
    cases = []
    for f in fl:
        segs = pay.get(f.id, [])
        cli = [x for x in segs if x[1] != int(f.server.split(":")[1])]
        srv = [x for x in segs if x[1] == int(f.server.split(":")[1])]
        if not cli:
            continue
        first = bytes.fromhex(cli[0][2])
        if variant == "h2" and first.startswith(b"PRI * HTTP/2.0"):
            what = "HTTP/2 preface"
        elif variant == "tls" and first[:1] == b"\x16" and first[1:2] == b"\x03":
            what = "TLS ClientHello"
        else:
            continue
        reply = bytes.fromhex(srv[0][2])[:40] if srv else b""
        end = [p for p in f.pkts if p["from_server"] and (p["fin"] or p["rst"])]
        cases.append((f, what, cli[0][0], reply, srv[0][0] if srv else None,
                      ("RST" if end[0]["rst"] else "FIN") + " frame %d" % end[0]["no"] if end else "no close"))
    if len(cases) < 2:
        print("protocol-mismatch: %d cases" % len(cases), file=sys.stderr)
        return None
    server = cases[0][0].server
    replies = sorted(set(c[3].split(b"\r\n")[0].decode("latin1") for c in cases))
    if variant == "h2":
        story = ["curl --http2-prior-knowledge sends the HTTP/2 connection preface (PRI * HTTP/2.0) to gunicorn, a plain "
                 "HTTP/1.1 server, twice.",
                 "gunicorn reads the preface as an HTTP request line (method PRI, version 2.0), answers %s and closes each "
                 "connection with %s (the rest of the preface was never read); curl fails."
                 % (" / ".join(replies or ["nothing"]), " / ".join(sorted(set(c[5].split()[0] for c in cases))))]
        programs = {"client": "curl %s --http2-prior-knowledge" % CURL_VERSION,
                    "server": "gunicorn 20.1.0 -k gthread (HTTP/1.1 only)"}
    else:
        story = ["curl https:// and openssl s_client send a TLS ClientHello to nginx listening for plain HTTP on 8081.",
                 "nginx answers %s to the binary handshake and closes (%s); curl: SSL wrong version number / openssl: "
                 "handshake failure." % (" / ".join(replies or ["nothing"]), " / ".join(sorted(set(c[5].split()[0] for c in cases))))]
        programs = {"client": "curl %s https://, openssl s_client (OpenSSL 3.0)" % CURL_VERSION,
                    "server": "nginx 1.22.1 plain http listener"}
    return {
        "story": story, "programs": programs,
        "expect": [{"kind": "protocol-mismatch", "server": server, "min_count": len(cases)}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "zero-window", "truncated-response"],
        "config": {"sent": cases[0][1], "server speaks": "HTTP/1.1 only"},
        "measured": {"connections": len(cases), "server_replies": replies},
        "checked_with": ("tshark -r %s -Y 'tcp.len>0' -T fields -e frame.number -e tcp.stream -e tcp.payload -> %s")
        % (os.path.basename(path), "; ".join(
            "stream %d: %s in frame %d, server reply %r in frame %s, then server %s"
            % (c[0].id, c[1], c[2], c[3][:30].decode("latin1"), c[4], c[5]) for c in cases)),
    }


def L_request_timeout(name, path, rows, extra):
    variant = extra.pop("variant", "nginx")
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8000")]
    cases = []
    for f in fl:
        reqs = [p for p in f.pkts if not p["from_server"] and p["len"] > 0]
        resp = [p for p in f.pkts if p["from_server"] and p["len"] > 0]
        if not reqs:
            continue
        q = reqs[0]
        ends = [p for p in f.pkts if (p["fin"] or p["rst"]) and p["no"] > q["no"]]
        if not ends:
            continue
        e = ends[0]
        if variant == "nginx" and not e["from_server"] and not [r for r in resp if r["no"] < e["no"]]:
            cases.append((f, q, e, e["t"] - q["t"]))
        if variant == "gunicorn" and e["from_server"] and not [r for r in resp if r["no"] < e["no"]]:
            cases.append((f, q, e, e["t"] - q["t"]))
    msgs = http_msgs(path)
    c504 = [m for m in msgs if m[1] == "resp" and m[2] == "504"]
    if len(cases) < 2:
        print("request-timeout: %d cases" % len(cases), file=sys.stderr)
        return None
    waits = sorted(c[3] for c in cases)
    if variant == "nginx":
        story = ["nginx (proxy_read_timeout 2s) forwards GET /slow?s=5 to gunicorn, whose handler sleeps 5 s.",
                 "%d times nginx gives up %.3f-%.3f s after sending the request: it closes the upstream connection (FIN from "
                 "nginx, gunicorn's late answer then gets RST) and answers 504 (%d x 504 seen)."
                 % (len(cases), waits[0], waits[-1], len(c504))]
        programs = {"proxy": "nginx 1.22.1 proxy_read_timeout 2s, upstream keepalive 8",
                    "server": "gunicorn 20.1.0 -k gthread --timeout 30, handler sleeps 5 s", "client": "curl %s" % CURL_VERSION}
        exp = {"kind": "request-timeout-abort", "server": fl[0].server, "min_count": len(cases),
               "params": {"timeout_s": 2.0, "closer": "client"}}
        config = {"nginx proxy_read_timeout": 2, "handler sleep s": 5}
    else:
        story = ["gunicorn (sync worker, --timeout 2) runs a handler that sleeps 5 s; the master kills the worker when its "
                 "heartbeat is older than 2 s (checked about once a second, so 2-3 s after the request).",
                 "%d requests: the connection is closed by the server %.3f-%.3f s after the request with no response "
                 "byte (curl: Empty reply from server)." % (len(cases), waits[0], waits[-1])]
        programs = {"server": "gunicorn 20.1.0 (sync worker) --timeout 2, handler sleeps 5 s", "client": "curl %s" % CURL_VERSION}
        exp = {"kind": "request-timeout-abort", "server": fl[0].server, "min_count": len(cases),
               "params": {"timeout_s": 2.0, "closer": "server"}}
        config = {"gunicorn --timeout": 2, "handler sleep s": 5}
    return {
        "story": story, "programs": programs, "expect": [exp],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "protocol-mismatch", "zero-window"],
        "config": config,
        "measured": {"timed_out_requests": len(cases), "request_to_close_s": [round(w, 3) for w in waits],
                     "responses_504": len(c504)},
        "checked_with": ("tshark -r %s -Y 'tcp.port==8000 && (tcp.len>0 || tcp.flags.fin==1 || tcp.flags.reset==1)' -> %s")
        % (os.path.basename(path), "; ".join(
            "stream %d: request frame %d, first close frame %d (%s from %s) %.3f s later, no response byte before it"
            % (c[0].id, c[1]["no"], c[2]["no"], "RST" if c[2]["rst"] else "FIN",
               "server" if c[2]["from_server"] else "client", c[3]) for c in cases)),
    }


def L_mtu(name, path, rows, extra):
    icmp = [p for p in rows if p["icmp_type"] == 3 and p["icmp_code"] == 4]
    frags = [p for p in rows if p["mf"] or p["fragoff"]]
    tcp = [p for p in rows if p["proto"] == 6 and p["stream"] is not None]
    fl = flows_of(tcp)
    server = fl[0].server if fl else "10.0.3.2:8080"
    big = [p for p in tcp if p["len"] > 1360]
    common_abs = ["idle-close-race", "middlebox-reset", "connection-refused", "syn-unanswered", "protocol-mismatch",
                  "zero-window", "truncated-response"]
    programs = {"client": "curl %s in the proxy namespace" % CURL_VERSION,
                "server": "captures/lab/apps/pyserver.py (60000-byte body)",
                "router": "ip link set r-p mtu 1400"}
    if name.startswith("mtu-blackhole"):
        retr_big = [p for p in big if p["retrans"]]
        small_ok = [p for p in tcp if p["from_server"] and 0 < p["len"] <= 1360]
        largest_acked = max([p["len"] for p in small_ok] or [0])
        if icmp or len(retr_big) < 3:
            print("blackhole: icmp %d retr_big %d" % (len(icmp), len(retr_big)), file=sys.stderr)
            return None
        programs["router"] += "; iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP"
        return {
            "story": ["The router's link towards the client has MTU 1400 but the router's ICMP fragmentation-needed is dropped: "
                      "the server's full-size segments (%d payload bytes) never arrive and are retransmitted with backoff." % max(p["len"] for p in big),
                      "Small segments (the response headers, %d bytes, sent 0.1 s before the body) are acknowledged; %d retransmissions of full-size segments, "
                      "no ICMP; curl times out after 8 s with 0 body bytes." % (largest_acked, len(retr_big))],
            "programs": programs,
            "expect": [{"kind": "pmtu-blackhole", "server": server, "min_count": 1,
                        "params": {"largest_acked_segment": largest_acked}}],
            "expect_absent": common_abs + ["icmp-frag-needed", "ip-fragmentation"],
            "config": {"router link MTU": 1400, "endpoint MTU": 1500, "icmp frag-needed": "dropped"},
            "measured": {"full_size_retransmissions": len(retr_big), "largest_segment": max(p["len"] for p in big),
                         "largest_acked_segment": largest_acked, "icmp": 0},
            "checked_with": ("tshark -r %s -Y 'tcp.analysis.retransmission && tcp.len>1360' -> %d frames (%s); -Y icmp -> none; "
                             "-Y 'tcp.srcport==8080 && tcp.len>0 && tcp.len<=1360' -> frames %s (acknowledged)")
            % (os.path.basename(path), len(retr_big), fmt_frames(retr_big), fmt_frames(small_ok)),
        }
    if name.startswith("pmtud-ok"):
        if not icmp:
            return None
        mtu = icmp[0]["icmp_mtu"]
        after = [p for p in tcp if p["from_server"] and p["t"] > icmp[0]["t"] and p["len"] > 0]
        largest_after = max(p["len"] for p in after) if after else 0
        return {
            "story": ["The router's link towards the client has MTU 1400; the server's first full-size segments (%d bytes) draw "
                      "ICMP fragmentation-needed (next-hop MTU %d) from the router." % (max(p["len"] for p in big), mtu),
                      "The server lowers its segment size to %d bytes and both downloads complete (%d ICMP messages)."
                      % (largest_after, len(icmp))],
            "programs": programs,
            "expect": [{"kind": "icmp-frag-needed", "min_count": 1, "params": {"path_mtu": mtu}}],
            "expect_absent": common_abs + ["pmtu-blackhole", "ip-fragmentation", "retransmission-loss"],
            "config": {"router link MTU": 1400, "endpoint MTU": 1500},
            "measured": {"icmp_frag_needed": len(icmp), "path_mtu": mtu, "largest_segment_after_icmp": largest_after},
            "checked_with": ("tshark -r %s -Y 'icmp.type==3 && icmp.code==4' -T fields -e frame.number -e icmp.mtu -> frames %s, "
                             "MTU %d; later server segments carry at most %d bytes")
            % (os.path.basename(path), fmt_frames(icmp), mtu, largest_after),
        }
    # ip-fragmentation
    if len(frags) < 4:
        return None
    first = [p for p in frags if p["fragoff"] == 0]
    dgrams = len(first)
    sizes = [p["flen"] for p in frags]
    largest = 1500
    return {
        "story": ["The server sends without DF (sysctl net.ipv4.ip_no_pmtu_disc=1 in its namespace); the router forwards its "
                  "1500-byte packets onto a 1400-MTU link by fragmenting them.",
                  "At the receiver %d IP fragments carry %d TCP datagrams (frames of %d-%d bytes); both downloads complete."
                  % (len(frags), dgrams, min(sizes), max(sizes))],
        "programs": programs,
        "expect": [{"kind": "ip-fragmentation", "min_count": 1, "params": {"largest_datagram": largest}}],
        "expect_absent": common_abs + ["pmtu-blackhole", "icmp-frag-needed"],
        "config": {"router link MTU": 1400, "endpoint MTU": 1500, "server net.ipv4.ip_no_pmtu_disc": 1},
        "measured": {"fragments": len(frags), "fragmented_datagrams": dgrams, "largest_datagram_bytes": largest},
        "checked_with": ("tshark -r %s -o ip.defragment:FALSE -Y 'ip.flags.mf==1 || ip.frag_offset>0' -> %d fragments "
                         "(%d first fragments, e.g. frames %s)") % (os.path.basename(path), len(frags), dgrams, fmt_frames(frags)),
    }


def L_zero_window(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    if not fl:
        return None
    f = fl[0]
    zw = [p for p in f.pkts if not p["from_server"] and p["win"] == 0 and not p["syn"] and not p["fin"] and not p["rst"]]
    if len(zw) < 2:
        print("zero-window: %d zero-window ACKs" % len(zw), file=sys.stderr)
        return None
    start = zw[0]
    reopen = [p for p in f.pkts if not p["from_server"] and p["no"] > start["no"] and (p["win"] or 0) > 0]
    stall = (reopen[0]["t"] - start["t"]) if reopen else None
    # zero-window probes: the server's bare segments while the window is closed (tshark marks Linux's
    # probes, which carry seq = snd_una - 1, as "TCP Keep-Alive")
    probes = [p["no"] for p in f.pkts if p["from_server"] and p["len"] <= 1 and not (p["syn"] or p["fin"] or p["rst"])
              and start["t"] < p["t"] < (reopen[0]["t"] if reopen else 1e18)]
    body = sum(p["len"] for p in f.pkts if p["from_server"] and not p["retrans"])
    if not stall or stall < 2:
        return None
    return {
        "story": ["A client with a 4 KB receive buffer (SO_RCVBUF 4096) asks for 150 kB and then does not read for 4 s.",
                  "Its window falls to zero (frame %d) and stays closed for %.2f s while the server sends %d zero-window probes; "
                  "then the client reads and the transfer completes (%d payload bytes from the server)."
                  % (start["no"], stall, len(probes), body)],
        "programs": {"client": "captures/lab/apps/slow_reader.py (SO_RCVBUF 4096, sleeps 4 s)",
                     "server": "captures/lab/apps/pyserver.py (150000-byte body)"},
        "expect": [{"kind": "zero-window", "server": f.server, "min_count": 1, "params": {"stall_s": 4.0}}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "truncated-response", "protocol-mismatch"],
        "config": {"client SO_RCVBUF": 4096, "client pause s": 4},
        "measured": {"zero_window_acks": len(zw), "stall_s": round(stall, 3), "zero_window_probes": len(probes),
                     "server_payload_bytes": body},
        "checked_with": ("tshark -r %s -Y 'tcp.window_size==0 && tcp.dstport==8080' -> %d ACKs from the client with window 0, "
                         "first frame %d; first non-zero window from the client %.3f s later (frame %s); "
                         "server segments without data while the window is 0 (zero-window probes, shown by tshark as TCP Keep-Alive) -> %d frames (%s)")
        % (os.path.basename(path), len(zw), start["no"], stall, reopen[0]["no"], len(probes),
           fmt_frames([{"no": x} for x in probes])),
    }


def L_loss_timeout(name, path, rows, extra):
    # variant "abandoned": curl's FIN is the connection's only close (no RST in the capture): the
    # client gave up while the data still crawled in; the plain variant takes any ending.
    variant = extra.pop("variant", "")
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    if not fl:
        return None
    f = max(fl, key=lambda x: len(x.pkts))
    retr = [p for p in f.pkts if p["retrans"]]
    data = [p for p in f.pkts if p["len"] > 0]
    ends = [p for p in f.pkts if p["rst"] or p["fin"]]
    # bytes delivered in order = the client's highest cumulative ACK (relative) - 1
    body = max([p["ackno"] for p in f.pkts if not p["from_server"] and p["ack"]] or [1]) - 1
    if len(retr) < 8 or body >= 300000:
        print("loss: %d retransmissions, %d bytes" % (len(retr), body), file=sys.stderr)
        return None
    if variant == "abandoned":
        if not ends or ends[0]["from_server"] or not ends[0]["fin"] or any(p["rst"] for p in f.pkts):
            print("loss (abandoned): the close is not the client's FIN alone: %s" % [("RST" if p["rst"] else "FIN", p["from_server"]) for p in ends],
                  file=sys.stderr)
            return None
        # the transfer crawled on: new (not retransmitted) server data after the last retransmission
        last_r = max(retr, key=lambda p: p["no"])
        if not [p for p in data if p["from_server"] and p["no"] > last_r["no"] and not p["retrans"]]:
            print("loss (abandoned): no new server data after the last retransmission (frame %d)" % last_r["no"], file=sys.stderr)
            return None
    ratio = len(retr) / max(1, len(data))
    end_txt = ("%s from the %s in frame %d" % ("RST" if ends[0]["rst"] else "FIN", "server" if ends[0]["from_server"] else "client",
                                               ends[0]["no"])) if ends else "no close"
    story = ["The router drops 50 % of the packets from the server (port 8080) at random (iptables statistic); curl downloads "
             "a 300 kB body with --max-time 10.",
             "%d retransmissions (%.0f %% of the data segments seen at the client); only %d bytes (headers + body) arrive in order before curl "
             "gives up after 10 s (curl: Operation timed out); first close: %s." % (len(retr), ratio * 100, body, end_txt)]
    if variant == "abandoned":
        story.append("No RST: the last retransmission is frame %d, new server data still arrives after it, and curl's FIN comes %.2f s "
                     "after that retransmission: the transfer crawled until the client gave up." % (last_r["no"], ends[0]["t"] - last_r["t"]))
    return {
        "story": story,
        "programs": {"client": "curl %s --max-time 10" % CURL_VERSION, "server": "captures/lab/apps/pyserver.py (300000-byte body)",
                     "router": "iptables -A FORWARD -p tcp --sport 8080 -m statistic --mode random --probability 0.5 -j DROP"},
        "expect": [{"kind": "retransmission-loss", "server": f.server, "min_count": 1,
                    "params": {}}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "connection-refused", "protocol-mismatch",
                          "accept-queue-overflow", "port-reuse"],
        "config": {"drop probability server->client": 0.5, "curl --max-time": 10},
        "measured": {"retransmissions": len(retr), "data_segments": len(data), "retransmit_ratio": round(ratio, 3),
                     "server_payload_bytes": body},
        "checked_with": ("tshark -r %s -Y tcp.analysis.retransmission -> %d frames on stream %d (e.g. %s) out of %d data segments; "
                         "highest ACK from the client: %d bytes of 300000+ delivered; %s")
        % (os.path.basename(path), len(retr), f.id, fmt_frames(retr, 5), len(data), body, end_txt),
    }


def L_accept_overflow(name, path, rows, extra):
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    aborted, synack_retr = [], []
    for f in fl:
        synack = [p for p in f.pkts if p["syn"] and p["ack"]]
        if len(synack) > 1:
            synack_retr.append(f)
        hs_ack = [p for p in f.pkts if not p["from_server"] and p["ack"] and not p["syn"]]
        rst = [p for p in f.pkts if p["from_server"] and p["rst"]]
        srv_data = [p for p in f.pkts if p["from_server"] and p["len"] > 0]
        if synack and hs_ack and rst and not srv_data and rst[0]["t"] - hs_ack[0]["t"] < 0.01:
            aborted.append((f, hs_ack[0], rst[0]))
    syn_retr = sum(1 for p in rows if p["syn"] and not p["ack"] and p["retrans"])
    if not aborted:
        print("accept-queue: none aborted", file=sys.stderr)
        return None
    return {
        "story": ["The server namespace runs with tcp_abort_on_overflow=1 and tcp_syncookies=0; a Python server listens with "
                  "backlog 8 and calls accept() only after 6 s. The client opens 16 connections, 10 ms apart.",
                  "%d handshakes complete and are answered by RST at once (server-side RST %.2f ms after the client's ACK) "
                  "because the accept queue is full; %d connections had their SYN-ACK retransmitted, %d SYNs were dropped "
                  "(retransmitted by the client) while the queue stayed full."
                  % (len(aborted), (aborted[0][2]["t"] - aborted[0][1]["t"]) * 1000, len(synack_retr), syn_retr)],
        "programs": {"server": "captures/lab/apps/pyserver.py --backlog 8 --accept-pause 0:6",
                     "client": "captures/lab/apps/burst_connect.py (16 connections, 10 ms apart)"},
        "expect": [{"kind": "accept-queue-overflow", "server": fl[0].server, "min_count": 1}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused",
                          "protocol-mismatch", "zero-window", "truncated-response"],
        "config": {"net.ipv4.tcp_abort_on_overflow": 1, "net.ipv4.tcp_syncookies": 0, "listen backlog": 8},
        "measured": {"aborted_handshakes": len(aborted), "synack_retransmitted": len(synack_retr), "connections": len(fl),
                     "syn_retransmissions": syn_retr},
        "checked_with": ("tshark -r %s -Y 'tcp.flags.reset==1' -> %s")
        % (os.path.basename(path), "; ".join("stream %d: client ACK frame %d, server RST frame %d (%.2f ms later)"
                                             % (f.id, a["no"], r["no"], (r["t"] - a["t"]) * 1000) for f, a, r in aborted)),
    }


def L_port_range(name, path, rows, extra):
    syns = [p for p in rows if p["syn"] and not p["ack"] and not p["retrans"]]
    ports = defaultdict(list)
    for p in syns:
        ports[p["sport"]].append(p)
    reused = {k: v for k, v in ports.items() if len(v) > 1}
    if len(ports) > 10 or len(reused) < 5:
        print("port-range: %d ports, %d reused" % (len(ports), len(reused)), file=sys.stderr)
        return None
    fl = flows_of(rows)
    # gap between one connection's last packet and the next SYN on the same 4-tuple
    last_by_port = {}
    gaps = []
    for f in fl:
        cport = int(f.client.split(":")[1])
        if cport in last_by_port:
            gaps.append(f.pkts[0]["t"] - last_by_port[cport])
        last_by_port[cport] = f.pkts[-1]["t"]
    gaps.sort()
    return {
        "story": ["The client namespace has ip_local_port_range 40000-40009 (10 ports) and makes 30 short connections 0.1 s "
                  "apart to a server that closes first after each response (the server holds TIME_WAIT).",
                  "%d SYNs from %d source ports: each port is reused %d-%d times, the same 4-tuple coming back %.2f-%.2f s "
                  "after its previous connection ended (the server accepts the SYN into its TIME_WAIT)."
                  % (len(syns), len(ports), min(len(v) for v in ports.values()), max(len(v) for v in ports.values()),
                     gaps[0], gaps[-1])],
        "programs": {"client": "captures/lab/apps/client.py --new-conn (30 connections, 0.1 s apart)",
                     "server": "captures/lab/apps/pyserver.py --max-requests 1"},
        "expect": [{"kind": "port-reuse", "min_count": 1}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "protocol-mismatch", "zero-window", "truncated-response"],
        "config": {"client net.ipv4.ip_local_port_range": "40000 40009"},
        "measured": {"syns": len(syns), "source_ports": sorted(ports), "reuse_gap_s": [round(gaps[0], 3), round(gaps[-1], 3)]},
        "checked_with": ("tshark -r %s -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e tcp.srcport | sort | uniq -c -> "
                         "%d ports (%s), %d SYNs; a 4-tuple is reused %.3f-%.3f s after the previous connection's last packet")
        % (os.path.basename(path), len(ports), ", ".join("%d x%d" % (k, len(v)) for k, v in sorted(ports.items())),
           len(syns), gaps[0], gaps[-1]),
    }


def L_hostile(name, path, rows, extra):
    pay = first_payloads(path)
    reqs = []
    for sid, segs in pay.items():
        for no, sport, hx in segs:
            b = bytes.fromhex(hx)
            if b.startswith(b"GET "):
                reqs.append((no, b.split(b"\r\n")[0]))
    msgs = http_msgs(path)
    c404 = [m for m in msgs if m[1] == "resp" and m[2] == "404"]
    has = lambda x: any(x in r[1] for r in reqs) or any(x in bytes.fromhex(h) for segs in pay.values() for _, _, h in segs)
    checks = {k: has(v) for k, v in {"<script>": b"<script>", "</script>": b"</script>", "double quote": b'"',
                                      "single quote": b"'", "ampersand": b"&", "invalid UTF-8": b"\xff\xfe"}.items()}
    if len(reqs) < 4 or not all(checks.values()):
        print("hostile: %d requests, %s" % (len(reqs), checks), file=sys.stderr)
        return None
    return {
        "story": ["Four HTTP requests whose request lines and headers carry <script>alert(1)</script>, </script>, "
                  "<svg/onload>, quotes, & and invalid UTF-8 bytes (0xff 0xfe 0x80, 0xc3 0x28).",
                  "A small Python server answers each with 404 and keeps the connection; the client closes. No failure: the "
                  "capture exists so the HTML report's escaping of paths and headers can be tested."],
        "programs": {"client": "captures/lab/apps/hostile_client.py (raw sockets)", "server": "captures/lab/apps/pyserver.py"},
        "expect": [],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "zero-window", "truncated-response", "retransmission-loss"],
        "config": {},
        "measured": {"requests": len(reqs), "responses_404": len(c404), "contains": checks,
                     "request_lines": [r[1].decode("latin1") for r in reqs]},
        "checked_with": ("tshark -r %s -Y 'tcp.len>0' -T fields -e frame.number -e tcp.payload -> request frames %s; "
                         "-d tcp.port==8080,http -Y 'http.response.code==404' -> %d responses")
        % (os.path.basename(path), ", ".join(str(r[0]) for r in reqs), len(c404)),
    }


def L_port_range_exhausted(name, path, rows, extra):
    up = [p for p in rows if p["syn"] and not p["ack"] and p["dport"] == 8080 and not p["retrans"]]
    ports = sorted(set(p["sport"] for p in up))
    fl = [f for f in flows_of(rows) if f.server and f.server.endswith(":8080")]
    reuse, last_end = [], {}
    for f in fl:
        if f.client in last_end:
            reuse.append((f, f.pkts[0]["t"] - last_end[f.client]))
        last_end[f.client] = f.pkts[-1]["t"]
    msgs = http_msgs(path)
    c502 = [m for m in msgs if m[1] == "resp" and m[2] == "502" and m[4] == 80]
    c200 = [m for m in msgs if m[1] == "resp" and m[2] == "200" and m[4] == 80]
    ng = (extra.get("nginx_error_log") or {}).get("99: Cannot assign requested address", 0)
    if not c502 or len(ports) > 10 or not ng or len(reuse) < 3:
        print("port-range-exhausted: %d 502, %d ports, %d x 99, %d reused" % (len(c502), len(ports), ng, len(reuse)),
              file=sys.stderr)
        return None
    gaps = sorted(g for _, g in reuse)
    return {
        "story": ["nginx may connect only from ports 40000-40009 (ip_local_port_range) and closes every upstream connection "
                  "itself, so each port it used sits in TIME_WAIT; tcp_tw_reuse=1 lets connect() take a TIME_WAIT port again after 1 s.",
                  "%d upstream connections from %d ports; %d of them reuse the 4-tuple of a connection that ended %.2f-%.2f s before; "
                  "in between connect() fails with EADDRNOTAVAIL (nginx error.log: %d x \"99: Cannot assign requested address\"): "
                  "%d requests get 502 with no upstream SYN." % (len(up), len(ports), len(reuse), gaps[0], gaps[-1], ng, len(c502))],
        "programs": {"proxy": "nginx 1.22.1 proxy_http_version 1.1, no upstream keepalive pool",
                     "server": "captures/lab/apps/pyserver.py (keeps connections open)",
                     "client": "3 x captures/lab/apps/client.py --new-conn in parallel (15 requests each, 0.12 s apart)"},
        "expect": [{"kind": "port-reuse", "min_count": 1}],
        "expect_absent": ["idle-close-race", "middlebox-reset", "pmtu-blackhole", "connection-refused", "syn-unanswered",
                          "protocol-mismatch", "zero-window", "truncated-response"],
        "config": {"proxy net.ipv4.ip_local_port_range": "40000 40009", "proxy net.ipv4.tcp_tw_reuse": 1},
        "measured": {"upstream_syns": len(up), "upstream_source_ports": ports, "reused_4tuples": len(reuse),
                     "reuse_gap_s": [round(gaps[0], 3), round(gaps[-1], 3)],
                     "responses_200": len(c200), "responses_502": len(c502)},
        "checked_with": ("tshark -r %s -Y 'tcp.dstport==8080 && tcp.flags.syn==1 && tcp.flags.ack==0' -T fields -e frame.number "
                         "-e tcp.srcport -> %d SYNs from ports %s, %d on a 4-tuple used before (e.g. stream %d, %.3f s after the "
                         "previous connection's last packet); -Y 'http.response.code==502' -> %d responses to the client, %d x 200")
        % (os.path.basename(path), len(up), ports, len(reuse), reuse[0][0].id, reuse[0][1], len(c502), len(c200)),
    }


def L_syn_flood(name, path, rows, extra):
    fl = flows_of(rows)
    half, done, other = [], [], []
    for f in fl:
        syns = [p for p in f.pkts if p["syn"] and not p["ack"]]
        synacks = [p for p in f.pkts if p["syn"] and p["ack"]]
        acks = [p for p in f.pkts if not p["from_server"] and p["ack"] and not p["syn"]]
        if syns and synacks and not acks and not any(p["rst"] or p["fin"] for p in f.pkts):
            half.append((f, syns, synacks))
        elif syns and synacks and acks:
            done.append(f)
        else:
            other.append(f)
    if len(half) < 1000:
        print("syn-flood: only %d half-open connections" % len(half), file=sys.stderr)
        return None
    if len(done) < 1:
        print("syn-flood: no legitimate connection completed during the flood", file=sys.stderr)
        return None
    n_syn = sum(len(s) for _, s, _ in half)
    n_synack = sum(len(a) for _, _, a in half)
    retx = sum(1 for _, _, a in half if len(a) > 1)
    dur = rows[-1]["t"] - rows[0]["t"]
    f0, s0, a0 = half[0]
    server = ep(s0[0]["dst"], s0[0]["dport"])
    return {
        "story": ["A raw-socket sender (captures/lab/apps/syn_flood.py) in the client namespace sends %d SYNs at 1000/s from "
                  "10.0.1.1, each from a fresh source port, to a Python server on 10.0.3.2:8080 (tcp_synack_retries=2, "
                  "SYN cookies on), and never completes a handshake: its namespace drops the SYN-ACKs, so its kernel "
                  "sends no RST." % len(half),
                  "The server answers with %d SYN-ACKs (%d connections got at least one SYN-ACK retransmission); %d half-open "
                  "connections in %.1f s of capture. %d curl requests during the flood completed their handshake and got "
                  "answers." % (n_synack, retx, len(half), dur, len(done))],
        "programs": {"flood": "captures/lab/apps/syn_flood.py (raw socket, IP_HDRINCL)", "client": "curl %s" % CURL_VERSION,
                     "server": "captures/lab/apps/pyserver.py --backlog 128",
                     "client namespace": "iptables -A INPUT -p tcp --sport 8080 --dport 20000:59999 -j DROP"},
        "expect": [],
        "expect_absent": [k for k in ALL_KINDS if k not in ("port-reuse",)],
        "config": {"syns_sent": len(half), "rate_per_s": 1000, "tcp_synack_retries": 2, "tcp_syncookies": 1},
        "measured": {"half_open_connections": len(half), "syns": n_syn, "syn_acks": n_synack,
                     "synack_retransmitted_connections": retx, "completed_connections": len(done),
                     "other_streams": len(other)},
        "checked_with": ("tshark -r %s -> %d streams with SYN and SYN-ACK but no ACK from the client, no RST/FIN "
                         "(first: stream %d, SYN frame %d, SYN-ACK frames %s); %d streams completed (curl)")
        % (os.path.basename(path), len(half), f0.id, s0[0]["no"], fmt_frames(a0), len(done)),
    }

CURL_VERSION = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split()[1]
NODE_VERSION = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


LABELS = {
    "idle-race-gunicorn": L_idle_race_gunicorn,
    "idle-race-node": L_idle_race_node,
    "healthy-keepalive": L_healthy_keepalive,
    "request-cap": L_request_cap,
    "refused": L_refused,
    "syn-dropped": L_syn_dropped,
    "middlebox-reset": L_middlebox_reset,
    "truncated-response": L_truncated,
    "protocol-mismatch": L_protocol_mismatch,
    "request-timeout": L_request_timeout,
    "mtu-blackhole": L_mtu,
    "pmtud-ok": L_mtu,
    "ip-fragmentation": L_mtu,
    "zero-window": L_zero_window,
    "loss-timeout": L_loss_timeout,
    "accept-queue-overflow": L_accept_overflow,
    "port-range": L_port_range,
    "hostile-paths": L_hostile,
    "port-range-exhausted": L_port_range_exhausted,
    "abortive-idle-close": L_abortive_idle_close,
    "syn-flood": L_syn_flood,
}


RELABEL_GUESS = {n: ("idle-race-gunicorn", n.split("-")[-1]) for n in
                 ["idle-race-gunicorn-any", "idle-race-gunicorn-sll", "idle-race-gunicorn-nano", "idle-race-gunicorn-pcapng",
                  "idle-race-gunicorn-gz", "idle-race-gunicorn-client", "idle-race-gunicorn-offload"]}
RELABEL_GUESS.update({"request-cap-nginx": ("request-cap", "nginx"), "request-cap-raced": ("request-cap", "raced"),
                      "protocol-mismatch-h2": ("protocol-mismatch", "h2"), "protocol-mismatch-tls": ("protocol-mismatch", "tls"),
                      "request-timeout-nginx": ("request-timeout", "nginx"),
                      "request-timeout-gunicorn": ("request-timeout", "gunicorn")})


def main():
    if sys.argv[1] == "--relabel":   # label.py --relabel captures/X.json...: check again and rewrite, same settings
        for lab in sys.argv[2:]:
            d = json.load(open(lab))
            extra = dict(d.get("lab", {}), vantage=d["vantage"])
            if "nginx_error_log" in d:
                extra["nginx_error_log"] = d["nginx_error_log"]
            name = os.path.basename(lab)[:-5]
            if "scenario" not in extra:
                extra["scenario"], v = RELABEL_GUESS.get(name, (name, None))
                if v:
                    extra["variant"] = v
            extra["label_as"] = extra.pop("scenario")
            cap = os.path.join(os.path.dirname(os.path.abspath(lab)), d["capture"])
            r = subprocess.run([sys.executable, os.path.abspath(__file__), os.path.basename(lab)[:-5], cap, json.dumps(extra)])
            if r.returncode:
                print("relabel failed: %s" % lab, file=sys.stderr)
        return
    name, path = sys.argv[1], sys.argv[2]
    extra = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    base = extra.pop("label_as", None) or name
    lab_info = {"scenario": base}
    if extra.get("variant"):
        lab_info["variant"] = extra["variant"]
    fn = LABELS.get(base)
    if fn is None:
        sys.exit("label.py: unknown scenario %s" % base)
    rows = tshark_rows(path)
    lab = fn(name, path, rows, extra)
    if lab is None:
        sys.exit(1)
    size = os.path.getsize(path)
    doc = {"capture": os.path.basename(path)}
    doc.update({k: lab[k] for k in ("story",)})
    doc["vantage"] = extra.pop("vantage", None) or lab.get("vantage") or "?"
    for k in ("programs", "expect", "expect_absent", "config", "measured", "checked_with"):
        if k in lab:
            doc[k] = lab[k]
    doc.update(extra)
    doc["lab"] = lab_info
    doc["file"] = {"bytes": size, "frames": len(rows)}
    doc["file"].update(cap_format(path))
    stem = os.path.basename(path)
    for suf in (".pcap.gz", ".pcapng", ".pcap"):
        if stem.endswith(suf):
            stem = stem[: -len(suf)]
            break
    out = os.path.join(os.path.dirname(os.path.abspath(path)), stem + ".json")
    with open(out, "w") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
    print("label.py: wrote %s" % out, file=sys.stderr)
    for s in doc["story"]:
        print("    " + s, file=sys.stderr)


if __name__ == "__main__":
    main()

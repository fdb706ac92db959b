#!/usr/bin/env python3
"""Reads the runs of request-queue-overload.sh and writes the results table (markdown).

    report.py capacity CELL_DIR      prints the measured capacity (req/s) of a calibration run
    report.py table RUNS_DIR OUT.md  writes the table of all runs under RUNS_DIR

Each cell directory holds meta.env (written by the script), Gatling's HTML report in
report/, and what the simulation wrote: outcomes.tsv, served-latency.tsv, cpu.tsv and the
service's snapshots (queue-*.json); client-time.txt is the client's wall and CPU time.

Gatling 3.15's report keeps the per-request statistics in the HTML (js/stats.js holds no
data any more): the page of each request has Total/OK/KO columns, and only the OK column is
read here, so that counts and percentiles are of the 200s answered within the timeout.
"""

import html
import json
import math
import os
import re
import sys


def read_meta(cell):
    meta = {}
    with open(os.path.join(cell, "meta.env")) as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                meta[key] = value
    return meta


def gatling_stats(report_dir):
    """Request name -> {'total': n, 'ok': n, 'ko': n, 'ok_p50': ms, 'ok_p99': ms, ...}."""
    stats = {}
    index = os.path.join(report_dir, "index.html")
    if not os.path.exists(index):
        return stats
    with open(index, encoding="utf-8") as f:
        text = f.read()
    pages = re.findall(r'<tr id="(req_[^"]+)" data-parent="ROOT"', text)
    for page in pages:
        m = re.search(r'id="stats-table-' + re.escape(page) + r'" class="ellipsed-name">([^<]*)</span>', text)
        if not m:
            continue
        name = html.unescape(m.group(1))
        path = os.path.join(report_dir, page + ".html")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            body = f.read()
        rows = re.findall(r'<td class="title">([^<]*)(?:</abbr>)?</td>\s*<td class="total">([^<]*)</td>\s*'
                          r'<td class="ok">([^<]*)</td>\s*<td class="ko">([^<]*)</td>', body)
        entry = {}
        for title, total, ok, ko in rows:
            title = title.strip().lower()
            if title == "total count":
                entry["total"], entry["ok"], entry["ko"] = num(total), num(ok), num(ko)
            elif title.endswith("th percentile"):
                entry["ok_p" + title.split("th")[0]] = num(ok)
            elif title == "max":
                entry["ok_max"] = num(ok)
        stats[name] = entry
    return stats


def num(text):
    text = text.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def outcomes(cell):
    """Request name -> {outcome: count}."""
    result = {}
    path = os.path.join(cell, "outcomes.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    result.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return result


def served_latency(cell):
    result = {}
    path = os.path.join(cell, "served-latency.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 4:
                    result[parts[0]] = (int(parts[1]), float(parts[2]), float(parts[3]))
    return result


def cpu_windows(cell):
    result = {}
    path = os.path.join(cell, "cpu.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 6:
                    result[parts[0]] = [float(p) for p in parts[1:]]
    return result


def load_json(cell, name):
    path = os.path.join(cell, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        try:
            return json.load(f)
        except ValueError:
            return None


def label(multiplier):
    m = float(multiplier)
    return ("%d" % m if m == int(m) else ("%g" % m)) + "x"


def capacity(cell):
    meta = read_meta(cell)
    stats = gatling_stats(os.path.join(cell, "report"))
    sat = stats.get("saturation")
    if not sat or not sat.get("ok"):
        raise SystemExit("no saturation statistics in " + cell)
    return sat["ok"] / float(meta["measure_s"]), sat


def fmt(value, digits=0, none="n/a"):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return none
    return ("%." + str(digits) + "f") % value


def pct(value):
    return "n/a" if value is None or math.isnan(value) else "%.0f %%" % (value * 100)


def cells(runs):
    for name in sorted(os.listdir(runs)):
        cell = os.path.join(runs, name)
        if os.path.isdir(cell) and os.path.exists(os.path.join(cell, "meta.env")):
            yield cell


def table(runs, out):
    calibration = None
    rows = []  # dicts, in the order of the runs
    for cell in cells(runs):
        meta = read_meta(cell)
        if meta.get("kind") == "calibration":
            calibration = (cell, meta)
            continue
        stats = gatling_stats(os.path.join(cell, "report"))
        outs = outcomes(cell)
        lat = served_latency(cell)
        cpu = cpu_windows(cell)
        phase_s = float(meta["phase_s"])
        previous_end = load_json(cell, "queue-start")
        for m in meta["multipliers"].split():
            lab = label(m)
            cpu_name, live_name = "cpu " + lab, "liveness " + lab
            s = stats.get(cpu_name, {})
            o = outs.get(cpu_name, {})
            lo = outs.get(live_name, {})
            sent = s.get("total") or sum(o.values())
            ok = s.get("ok")
            if ok is None:
                ok = o.get("ok", 0)
            refused = {k.split(":", 1)[1]: v for k, v in o.items() if k.startswith("503:")}
            others = {k: v for k, v in o.items() if k not in ("ok", "timeout", "late") and not k.startswith("503:")}
            live_sent = sum(lo.values())
            live_ok = lo.get("ok", 0)
            mid = load_json(cell, "queue-%s-mid" % lab)
            end = load_json(cell, "queue-%s-end" % lab)
            server_rejected = None
            server_completed = None
            if end and previous_end:
                server_rejected = {k: end["rejected"][k] - previous_end["rejected"].get(k, 0)
                                   for k in end["rejected"] if end["rejected"][k] - previous_end["rejected"].get(k, 0)}
                server_completed = end["completed"] - previous_end["completed"]
            if end:
                previous_end = end
            rows.append({
                "group": meta["group"], "mode": meta["mode"], "multiplier": float(m), "label": lab,
                "fresh": meta.get("fresh", ""),
                "offered": sent / phase_s, "sent": sent, "ok": ok, "goodput": ok / phase_s,
                "p50": s.get("ok_p50"), "p99": s.get("ok_p99"), "max": s.get("ok_max"),
                "own": lat.get(cpu_name),
                "refused": refused, "refused_total": sum(refused.values()),
                "timeouts": o.get("timeout", 0) + o.get("late", 0), "late": o.get("late", 0), "others": others,
                "live_sent": live_sent, "live_ok": live_ok, "live_timeouts": lo.get("timeout", 0),
                "live_refused": sum(v for k, v in lo.items() if k.startswith("503:")),
                "cpu": cpu.get(lab), "mid": mid, "server_rejected": server_rejected,
                "server_completed": server_completed,
            })
    if calibration is None:
        raise SystemExit("no calibration run in " + runs)
    cal_cell, cal_meta = calibration
    measured, sat = capacity(cal_cell)
    cap = float(cal_meta.get("capacity") or measured)

    lines = []
    w = lines.append
    w("# Request queue under open-loop overload")
    w("")
    w("Run of `benchmarks/load/request-queue-overload.sh`, %s. %s" % (cal_meta.get("started", ""), cal_meta.get("machine", "")))
    w("")
    w("- Service: the packaged sample of %s, memory backend, `-Xms512m -Xmx512m`, pinned with `taskset -c %s`; "
      "Gatling %s (Maven plugin %s), pinned with `taskset -c %s`."
      % (cal_meta.get("built_from"), cal_meta.get("service_cpus"), cal_meta.get("gatling_version"),
         cal_meta.get("plugin_version"), cal_meta.get("client_cpus")))
    w("- Load: `GET /api/cpu?ms=%s`, open model (`constantUsersPerSec(rate).during(%ss)`, one request per virtual user, "
      "evenly spaced arrivals), plus %s/s `GET /actuator/health/liveness` (high priority) over the same seconds; "
      "client timeout %s ms: a later answer counts as a timeout, not as served."
      % (cal_meta.get("cpu_ms"), cal_meta.get("phase_s"), cal_meta.get("priority_rate"), cal_meta.get("timeout_ms")))
    w("- Warm-up before the first phase of each service instance: %s s at %s x capacity, not measured; %s s of silence between phases."
      % (cal_meta.get("warmup_s"), cal_meta.get("warmup_multiplier"), cal_meta.get("gap_s")))
    w("- **Measured capacity: %.1f req/s** — closed loop, %s clients back to back, queue off, %s s after a %s s warm-up "
      "(%d answers 200, p50 %s ms, p99 %s ms). Nominal: 1 core x 1000 / %s ms = %.0f req/s.%s"
      % (measured, cal_meta.get("concurrency"), cal_meta.get("measure_s"), cal_meta.get("warmup_s"), sat["ok"],
         fmt(sat.get("ok_p50")), fmt(sat.get("ok_p99")), cal_meta.get("cpu_ms"), 1000.0 / float(cal_meta.get("cpu_ms")),
         "" if abs(cap - measured) < 0.01 else " **1x was set to %.1f req/s** (RQ_CAPACITY)." % cap))
    w("")
    w("Goodput = 200s received within the timeout, per second of the phase. p50/p99 are of those 200s (Gatling's OK "
      "statistics; in brackets the same from the simulation's own timer). 503s are counted by the `reason` of the "
      "problem body. Timeouts = no answer within the timeout, plus answers that came after it (\"late\": "
      "Gatling's own timeout does not always fire in time, so each request also checks its response time). "
      "High priority = liveness answered 200 within the timeout / sent. CPU = share of one core over the "
      "middle two thirds of the phase: the service process, and the Gatling JVM (from /proc).")
    w("")
    w("| mode | load | offered req/s | goodput req/s | goodput % of cap | served p50 ms | served p99 ms | 503s by reason | timeouts | other failures | high priority served | service CPU | Gatling CPU |")
    w("|---|---|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|")
    for r in rows:
        own = r["own"]
        own_text = " (%.0f)" % own[1] if own else ""
        own99 = " (%.0f)" % own[2] if own else ""
        refused = ", ".join("%s %d" % (k, v) for k, v in sorted(r["refused"].items())) or "0"
        others = ", ".join("%s %d" % (k, v) for k, v in sorted(r["others"].items())) or "0"
        live = "%d/%d (%s)" % (r["live_ok"], r["live_sent"],
                               ("%.1f %%" % (100.0 * r["live_ok"] / r["live_sent"])) if r["live_sent"] else "n/a")
        cpu = r["cpu"]
        timeouts = "%d" % r["timeouts"] + (" (%d late)" % r["late"] if r["late"] else "")
        w("| %s | %s | %.1f | %.1f | %.0f %% | %s%s | %s%s | %s | %s | %s | %s | %s | %s |" % (
            r["mode"], r["label"], r["offered"], r["goodput"], 100.0 * r["goodput"] / cap,
            fmt(r["p50"]), own_text, fmt(r["p99"]), own99, refused, timeouts, others, live,
            pct(cpu[2]) if cpu else "n/a", pct(cpu[3]) if cpu else "n/a"))
    w("")

    queue_rows = [r for r in rows if r["mid"] is not None or r["server_rejected"] is not None]
    if queue_rows:
        w("The queue's own view (`/actuator/requestqueue`): in the middle of the phase (limit, requests waiting, "
          "`drainPerSecond`, `averageWaitMs`, whether the medium queue is standing), and the refusals and completions it "
          "counted from the end of the previous gap to the end of this phase's gap (server side: it also counts requests "
          "whose client had already given up).")
        w("")
        w("| mode | load | limit | waiting (mid) | drain/s (mid) | avg wait ms (mid) | standing (mid) | completed | refused by reason |")
        w("|---|---|---:|---:|---:|---:|---|---:|---|")
        for r in queue_rows:
            mid = r["mid"] or {}
            pending = sum((mid.get("pending") or {}).values()) if mid else None
            refused = ", ".join("%s %d" % (k, v) for k, v in sorted((r["server_rejected"] or {}).items())) or "0"
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["mode"], r["label"], (mid.get("limit") or {}).get("current", "n/a") if mid else "n/a",
                fmt(pending), fmt(mid.get("drainPerSecond"), 1) if mid else "n/a",
                fmt(mid.get("averageWaitMs"), 1) if mid else "n/a",
                (mid.get("standingQueue") or {}).get("medium", "n/a") if mid else "n/a",
                fmt(r["server_completed"]), refused))
        w("")

    w("## Goals")
    w("")
    groups = []
    for r in rows:
        if r["group"] not in groups:
            groups.append(r["group"])
    for g in groups:
        grs = [r for r in rows if r["group"] == g]
        mode = grs[0]["mode"]
        unloaded = [r for r in grs if r["multiplier"] <= 1.0 and r["p99"] is not None]
        unloaded = min(unloaded, key=lambda r: r["multiplier"]) if unloaded else None
        w("**%s**" % mode)
        w("")
        for target in (5.0, 10.0):
            hit = [r for r in grs if r["multiplier"] == target]
            if hit:
                r = hit[0]
                share = r["goodput"] / cap
                w("- goodput at %s >= 90 %% of capacity: %.1f req/s = %.0f %% -> %s"
                  % (r["label"], r["goodput"], 100 * share, "met" if share >= 0.9 else "MISSED"))
        if unloaded:
            bound = 3 * unloaded["p99"]
            verdicts = []
            for r in grs:
                if r["multiplier"] > unloaded["multiplier"] and r["p99"] is not None:
                    verdicts.append("%s %s ms %s" % (r["label"], fmt(r["p99"]), "ok" if r["p99"] <= bound else "OVER"))
            w("- p99 of served <= 3 x unloaded p99 (%s ms at %s, bound %s ms): %s -> %s"
              % (fmt(unloaded["p99"]), unloaded["label"], fmt(bound), "; ".join(verdicts) or "n/a",
                 "met" if verdicts and all(v.endswith(" ok") for v in verdicts) else "MISSED"))
        live_sent = sum(r["live_sent"] for r in grs)
        live_ok = sum(r["live_ok"] for r in grs)
        if live_sent:
            worst = min(grs, key=lambda r: (r["live_ok"] / r["live_sent"]) if r["live_sent"] else 1)
            w("- high priority >= 99.9 %% served: %d/%d = %.2f %% over all phases (worst %s: %d/%d) -> %s"
              % (live_ok, live_sent, 100.0 * live_ok / live_sent, worst["label"], worst["live_ok"], worst["live_sent"],
                 "met" if all(r["live_sent"] == 0 or r["live_ok"] / r["live_sent"] >= 0.999 for r in grs) else "MISSED"))
        w("")
    w("## Runs")
    w("")
    w("Each run: a fresh service instance and one Gatling run against it. Client = Maven + Gatling + its report, "
      "CPU seconds (user + system) over wall seconds, on its own core.")
    w("")
    for cell in [calibration[0]] + [c for c in cells(runs) if c != calibration[0]]:
        meta = read_meta(cell)
        client = ""
        path = os.path.join(cell, "client-time.txt")
        if os.path.exists(path):
            with open(path) as f:
                parts = f.read().split()
            try:
                wall, user, system = float(parts[-3]), float(parts[-2]), float(parts[-1])
                client = ": client %.0f s CPU in %.0f s" % (user + system, wall)
            except (ValueError, IndexError):
                pass
        w("- `%s` (%s; load %s)%s" % (os.path.basename(cell), meta.get("mode"),
                                      ", ".join(label(m) for m in meta.get("multipliers", "").split()) or "closed loop",
                                      client))
    w("")
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "capacity":
        cap, _ = capacity(sys.argv[2])
        print("%.2f" % cap)
    elif len(sys.argv) == 4 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

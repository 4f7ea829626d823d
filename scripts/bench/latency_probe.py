#!/usr/bin/env python3
"""Publish-to-visible latency of a stream consumer, measured from outside it.

Two steps, so that nothing runs inside the consumer and almost nothing beside it:

  watch:  while the publisher and the consumer run, polls `SELECT count() FROM <db>.<table>` every
          --interval seconds (one small HTTP query: 18.16 reads the table's smallest column, a few
          MB at most here, in milliseconds) and appends `unix_time count` to FILE
          whenever the count changes. Stops once the count reaches --expect (or on SIGTERM).
  report: after the run, reads the JetStream stream once (an ephemeral pull consumer, no acks)
          for the store timestamp of every message on --subject from --first-sequence on: the time
          nats-server stored the publish, i.e. the publish time as the log sees it. The k-th
          message of the run is visible at the first sample whose count - baseline >= k, so its
          latency is that sample's time - its store time. Prints p50/p90/p99/max as JSON.

Assumptions (true for the benchmark's runs, checked where possible): the consumer appends in
stream order, batch by batch, so the rows visible at any moment are a prefix of the run's messages;
every message is a new, valid order (no duplicates or dead letters), so count - baseline counts
messages (checked: the final count must equal baseline + messages read in `report`). The poll
interval adds between 0 and --interval to each latency (on average half of it); the number reported
is therefore an upper bound by at most one interval.

Live: with --live-query SQL, each poll runs that query right after the count (e.g. `SELECT
max(updated_at), count() FROM db.live_stock`) and records its answer too. A message counts as
reflected in the live table at the first later sample whose answer changed after the sample that
first showed it in `orders`. Because the count is read before the live query, such a change comes
from a live publication that started after the message's INSERT; it reflects the message as long
as the consumer folds a batch into its live state before it next publishes (true when the live
state is updated right after the INSERT, on the consumer's one thread). The watch then also waits
for one live change after the last order is visible (at most --linger seconds).

With --live-applied (report), the live answer's first field is the number of the run's orders
the live table reflects (`restock stream --model` writes it into `live_stock__versions`,
`orders_applied`): message k is reflected at the first sample where that number is at least k.
This needs no assumption on the consumer's threads (`restock stream` applies and publishes on a
thread of its own, so a publish under way when an order's INSERT lands may not hold that order).

Usage:
  latency_probe.py watch  --clickhouse URL --database D [--table orders] --expect N [--interval 0.05] --out FILE
                          [--live-query SQL] [--linger 30]
  latency_probe.py report --nats URL [--stream ORDERS] [--subject orders.new] --first-sequence S --samples FILE
                          [--label TEXT]
"""
import argparse
import asyncio
import json
import signal
import sys
import time
import urllib.parse
import urllib.request


def query(url, sql):
    with urllib.request.urlopen(f"{url}/?" + urllib.parse.urlencode({"query": sql}), timeout=10) as response:
        return response.read().decode().strip()


def watch(args):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    last = (None, None)
    reached = None
    with open(args.out, "w") as out:
        while not stop:
            started = time.time()
            try:   # the count first, then the live query (see "live" in the module doc)
                value = int(query(args.clickhouse, f"SELECT count() FROM {args.database}.{args.table}"))
            except (OSError, ValueError) as error:   # ClickHouse busy or restarting: next tick
                print(f"latency_probe: {error}", file=sys.stderr)
                value = last[0]
            live = "-"
            if args.live_query:
                try:
                    live = "|".join(query(args.clickhouse, args.live_query).split()) or "-"
                except (OSError, ValueError):   # live_stock not there yet (or mid-swap)
                    live = last[1] if last[1] is not None else "-"
            seen = time.time()
            if value is not None and (value, live) != last:
                out.write(f"{seen:.6f} {value} {live}\n")
                out.flush()
                if args.live_expect is not None:
                    try:
                        if value >= (args.expect or 0) and int(float(live.split("|")[0])) >= args.live_expect:
                            break   # the live table reflects every order of the run
                    except ValueError:
                        pass
                elif last[0] is not None and args.expect is not None and last[0] >= args.expect and live != last[1]:
                    break   # the live table changed after the last order became visible
                last = (value, live)
            if args.expect is not None and last[0] is not None and last[0] >= args.expect:
                reached = reached or seen
                if not args.live_query or seen - reached >= args.linger:
                    break
            time.sleep(max(0.0, args.interval - (time.time() - started)))


async def store_times(args):
    """The store time (unix seconds) of every message on the subject from first_sequence on, in order."""
    import nats
    import nats.errors
    import nats.js.api as jsapi

    nc = await nats.connect(args.nats)
    js = nc.jetstream()
    config = jsapi.ConsumerConfig(ack_policy=jsapi.AckPolicy.NONE, deliver_policy=jsapi.DeliverPolicy.BY_START_SEQUENCE,
                                  opt_start_seq=args.first_sequence, max_waiting=1, inactive_threshold=60.0)
    sub = await js.pull_subscribe(args.subject, stream=args.stream, config=config)
    info = await js.stream_info(args.stream)
    last = info.state.last_seq
    times = []
    sequence = args.first_sequence - 1
    while sequence < last:
        try:
            msgs = await sub.fetch(5000, timeout=2.0)
        except (nats.errors.TimeoutError, asyncio.TimeoutError):
            break
        for msg in msgs:
            # from the reply subject $JS.ACK...: the stream sequence and the time the server stored it
            metadata = msg.metadata
            sequence = metadata.sequence.stream
            times.append(metadata.timestamp.timestamp())
    await nc.close()
    return times


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


def report(args):
    samples = []
    with open(args.samples) as f:
        for line in f:
            t, c, live = line.split()
            samples.append((float(t), int(c), live))
    if not samples:
        sys.exit("latency_probe: no samples")
    times = asyncio.run(store_times(args))
    baseline = args.baseline if args.baseline is not None else samples[0][1]
    final = samples[-1][1]
    # next_live[i]: the time of the first sample after i whose live value changed (None: never)
    next_live = [None] * len(samples)
    upcoming = None
    for i in range(len(samples) - 1, -1, -1):
        next_live[i] = upcoming
        if i > 0 and samples[i][2] != samples[i - 1][2]:
            upcoming = samples[i][0]
    visible, live = [], []
    k = 0
    for i, (t, c, _) in enumerate(samples):
        while k < len(times) and k < c - baseline:
            visible.append(t - times[k])
            if next_live[i] is not None and not args.live_applied:
                live.append(next_live[i] - times[k])
            k += 1
    if args.live_applied:
        # the live answer's first field counts the run's orders the live table reflects
        j = 0
        for t, _, answer in samples:
            try:
                applied = int(float(answer.split("|")[0]))
            except ValueError:
                continue
            while j < len(times) and j < applied:
                live.append(t - times[j])
                j += 1

    def summary(values):
        values = sorted(values)
        return {"p50": percentile(values, 0.50), "p90": percentile(values, 0.90), "p99": percentile(values, 0.99),
                "max": values[-1] if values else None, "n": len(values)}

    result = {
        "label": args.label, "messages": len(times), "visible": k, "baseline": baseline, "final_count": final,
        "complete": final - baseline == len(times) and k == len(times),
        "publish_seconds": round(times[-1] - times[0], 3) if times else None,
        "achieved_rate": round((len(times) - 1) / (times[-1] - times[0]), 1) if len(times) > 1 and times[-1] > times[0] else None,
        "clickhouse": summary(visible),
    }
    if any(s[2] != "-" for s in samples):
        result["live"] = summary(live)
    for part in ("clickhouse", "live"):
        for key in ("p50", "p90", "p99", "max"):
            if part in result and result[part][key] is not None:
                result[part][key] = round(result[part][key], 4)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    w = steps.add_parser("watch")
    w.add_argument("--clickhouse", required=True)
    w.add_argument("--database", required=True)
    w.add_argument("--table", default="orders")
    w.add_argument("--expect", type=int)
    w.add_argument("--interval", type=float, default=0.05)
    w.add_argument("--out", required=True)
    w.add_argument("--live-query", help="a query whose answer changes when the live table is republished, "
                                        "e.g. \"SELECT max(updated_at), count() FROM db.live_stock\"")
    w.add_argument("--live-expect", type=int, help="with --live-query answering the orders reflected first: stop once it "
                                                  "reaches this (instead of at the first change after the last order is visible)")
    w.add_argument("--linger", type=float, default=30.0,
                   help="with --live-query: seconds to keep watching after the last order is visible")
    r = steps.add_parser("report")
    r.add_argument("--nats", required=True)
    r.add_argument("--stream", default="ORDERS")
    r.add_argument("--subject", default="orders.new")
    r.add_argument("--first-sequence", type=int, default=1)
    r.add_argument("--samples", required=True)
    r.add_argument("--baseline", type=int, help="the count before the run (default: the first sample)")
    r.add_argument("--label", default="")
    r.add_argument("--live-applied", action="store_true",
                   help="the live answer's first field is how many of the run's orders the live table reflects "
                        "(e.g. SELECT max(orders_applied) FROM db.live_stock__versions): message k is reflected at "
                        "the first sample where it is >= k; exact when the live state is updated on another thread "
                        "than the INSERTs, where the next change after visibility may come from a publish without it")
    args = parser.parse_args()
    watch(args) if args.step == "watch" else report(args)


if __name__ == "__main__":
    main()

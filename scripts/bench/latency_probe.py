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

Usage:
  latency_probe.py watch  --clickhouse URL --database D [--table orders] --expect N [--interval 0.05] --out FILE
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


def count(url, database, table):
    query = urllib.parse.urlencode({"query": f"SELECT count() FROM {database}.{table}"})
    with urllib.request.urlopen(f"{url}/?{query}", timeout=10) as response:
        return int(response.read())


def watch(args):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    last = None
    with open(args.out, "w") as out:
        while not stop:
            started = time.time()
            try:
                value = count(args.clickhouse, args.database, args.table)
            except OSError as error:   # ClickHouse busy or restarting: try again next tick
                print(f"latency_probe: {error}", file=sys.stderr)
                value = last
            seen = time.time()
            if value is not None and value != last:
                out.write(f"{seen:.6f} {value}\n")
                out.flush()
                last = value
            if args.expect is not None and last is not None and last >= args.expect:
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
            t, c = line.split()
            samples.append((float(t), int(c)))
    if not samples:
        sys.exit("latency_probe: no samples")
    times = asyncio.run(store_times(args))
    baseline = args.baseline if args.baseline is not None else samples[0][1]
    final = samples[-1][1]
    latencies = []
    k = 0
    for t, c in samples:
        while k < len(times) and k < c - baseline:
            latencies.append(t - times[k])
            k += 1
    latencies.sort()
    result = {
        "label": args.label, "messages": len(times), "visible": k, "baseline": baseline, "final_count": final,
        "complete": final - baseline == len(times) and k == len(times),
        "p50": percentile(latencies, 0.50), "p90": percentile(latencies, 0.90),
        "p99": percentile(latencies, 0.99), "max": latencies[-1] if latencies else None,
        "publish_seconds": round(times[-1] - times[0], 3) if times else None,
        "achieved_rate": round((len(times) - 1) / (times[-1] - times[0]), 1) if len(times) > 1 and times[-1] > times[0] else None,
    }
    for key in ("p50", "p90", "p99", "max"):
        if result[key] is not None:
            result[key] = round(result[key], 4)
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
    r = steps.add_parser("report")
    r.add_argument("--nats", required=True)
    r.add_argument("--stream", default="ORDERS")
    r.add_argument("--subject", default="orders.new")
    r.add_argument("--first-sequence", type=int, default=1)
    r.add_argument("--samples", required=True)
    r.add_argument("--baseline", type=int, help="the count before the run (default: the first sample)")
    r.add_argument("--label", default="")
    args = parser.parse_args()
    watch(args) if args.step == "watch" else report(args)


if __name__ == "__main__":
    main()

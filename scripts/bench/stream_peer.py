#!/usr/bin/env python3
"""The original pipeline's consumer, as a peer for `restock stream`: nats-py + HTTP inserts.

A JetStream durable pull consumer (explicit acks) that, per fetched batch:
  1. parses and validates each event (the JSON of docs/events.md: one order with its products),
     checks its products against the catalog (`products` table) and that the user's order_number
     follows the stored ones (the sink's rule); a bad event is published to the dead-letter subject
     with its reason and stream sequence (headers `Restock-Reason`, `Restock-Sequence`,
     `Nats-Msg-Id: dead-<sequence>`, as the sink does) and acked;
  2. de-duplicates per event by order_id (a Python set of every order_id already in ClickHouse
     or seen in this run); a duplicate with the same content is dropped, one with different
     content is a dead letter;
  3. appends the batch with one HTTP INSERT per table (FORMAT TabSeparated): the products first
     (order_products__prior / __train by eval_set), the orders last;
  4. acks every message of the batch.

Guarantees, and where they stop (see scripts/bench/README.md):
  - Exactly once per order_id across redeliveries, restarts of this consumer (SIGKILL at any
    step), publisher duplicates beyond JetStream's de-dup window: the `orders` row is written last
    and is the commit marker; at start the consumer loads the order_ids in `orders` and the
    "orphans" (order_ids with product rows but no `orders` row: killed between the two INSERTs),
    whose products it does not insert again. Each INSERT is one block (far below
    max_insert_block_size), which ClickHouse 18.16 writes atomically.
  - An INSERT that fails with an unknown outcome (timeout, ClickHouse restarted) is not retried
    blindly: the consumer reconnects, asks ClickHouse which of the batch's order_ids are already in
    each table, and inserts only what is missing.
  - Not covered: `reordered` left out of an event is derived from the user's products in
    ClickHouse plus this run's events (one query per such user: slow, but correct); several
    consumers on one durable at once would race (the de-dup set is per process).

Usage (Python with nats-py, e.g. /work/venv-bench; see scripts/bench/requirements-peer.txt):
  stream_peer.py --nats nats://127.0.0.1:4222 --clickhouse http://127.0.0.1:8123 --database D
                 [--stream ORDERS] [--subject orders.new] [--consumer peer] [--batch 5000]
                 [--max-wait 1.0] [--until-idle SECONDS] [--ack-wait 30] [--dead-letter-subject orders.dead]
Prints one JSON summary line on stdout when it stops (--until-idle, SIGINT or SIGTERM).
"""
import argparse
import asyncio
import http.client
import json
import signal
import sys
import time
import urllib.parse

import nats
import nats.errors
import nats.js.api as jsapi
import nats.js.errors

EVAL_SETS = ("prior", "train", "test")
EVENT_KEYS = {"order_id", "user_id", "eval_set", "order_number", "order_dow", "order_hour_of_day",
              "days_since_prior_order", "products"}
REQUIRED_KEYS = EVENT_KEYS - {"eval_set"}
INT32_MAX = 2**31 - 1


class Rejected(Exception):
    """An event that goes to the dead-letter subject; the message is the reason."""


class ClickHouse:
    """A keep-alive HTTP connection to ClickHouse; queries as TSV text."""

    def __init__(self, url, database):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 8123
        self.database = database
        self.conn = None

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def reset(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def post(self, query, body=b"", idempotent=False):
        """Runs `query` with `body` as its data (an INSERT's rows); returns the response text.

        ClickHouse closes an idle keep-alive connection after a few seconds; an idempotent query
        (a SELECT) sent on such a connection is sent once more on a new one. An INSERT is not: the
        caller finds out what it wrote (Peer.missing)."""
        path = "/?" + urllib.parse.urlencode({"query": query, "database": self.database})
        for attempt in (1, 2):
            reused = self.conn is not None
            conn = self._connection()
            try:
                conn.request("POST", path, body=body)
                response = conn.getresponse()
                text = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.reset()
                if not (idempotent and reused and attempt == 1):
                    raise
            except Exception:
                self.reset()
                raise
        if response.status != 200:
            raise RuntimeError(f"ClickHouse {response.status}: {text.decode(errors='replace').strip()}")
        return text.decode()

    def column(self, query):
        """The first column of every row of `query`, as ints."""
        return [int(line.split("\t", 1)[0]) for line in self.select(query).splitlines() if line]

    def select(self, query):
        return self.post(query, idempotent=True)


def parse_event(payload, catalog):
    """The validated event as a tuple, or raises Rejected with the reason."""
    try:
        event = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise Rejected(f"malformed JSON: {error}")
    if not isinstance(event, dict):
        raise Rejected("not a JSON object")
    keys = set(event)
    if not REQUIRED_KEYS <= keys:
        raise Rejected(f"missing keys: {', '.join(sorted(REQUIRED_KEYS - keys))}")
    if not keys <= EVENT_KEYS:
        raise Rejected(f"unknown keys: {', '.join(sorted(keys - EVENT_KEYS))}")

    def integer(name, low, high):
        value = event[name]
        if type(value) is not int or not low <= value <= high:
            raise Rejected(f"{name} {value!r} is not an integer in {low}...{high}")
        return value

    order_id = integer("order_id", 0, INT32_MAX)
    user_id = integer("user_id", 0, INT32_MAX)
    order_number = integer("order_number", 1, 32767)
    dow = integer("order_dow", 0, 6)
    hour = integer("order_hour_of_day", 0, 23)
    eval_set = event.get("eval_set", "prior")
    if eval_set not in EVAL_SETS:
        raise Rejected(f"eval_set {eval_set!r} is not prior, train or test")
    days = event["days_since_prior_order"]
    if days is not None and (type(days) not in (int, float) or not 0 <= days <= 365):
        raise Rejected(f"days_since_prior_order {days!r} is not null or a number in 0...365")
    products = event["products"]
    if not isinstance(products, list):
        raise Rejected("products is not an array")
    if eval_set == "test" and products:
        raise Rejected("a test order has products")
    lines = []
    for item in products:
        if not isinstance(item, list) or len(item) not in (2, 3) or any(type(v) is not int for v in item):
            raise Rejected(f"product {item!r} is not [product_id, add_to_cart_order(, reordered)]")
        product_id, cart = item[0], item[1]
        reordered = item[2] if len(item) == 3 else None
        if not 0 <= product_id <= INT32_MAX or not 1 <= cart <= 32767 or reordered not in (None, 0, 1):
            raise Rejected(f"product {item!r} has a value out of range")
        if product_id not in catalog:
            raise Rejected(f"unknown product {product_id}")
        lines.append((product_id, cart, reordered))
    return (order_id, user_id, eval_set, order_number, dow, hour,
            None if days is None else float(days), tuple(lines))


NULL = "\\N"


def tsv_orders(events):
    return "".join(f"{e[0]}\t{e[1]}\t{e[2]}\t{e[3]}\t{e[4]}\t{e[5]}\t{NULL if e[6] is None else e[6]}\n"
                   for e in events).encode()


def tsv_lines(events):
    return "".join(f"{e[0]}\t{p}\t{c}\t{r}\n" for e in events for (p, c, r) in e[7]).encode()


class Peer:
    def __init__(self, args):
        self.args = args
        self.ch = ClickHouse(args.clickhouse, args.database)
        self.stats = {"events": 0, "orders": 0, "product_rows": 0, "duplicates": 0, "dead_letters": 0,
                      "batches": 0, "redelivered": 0}
        self.stopping = False
        self.trace = args.trace

    def load_state(self):
        """The catalog, the order_ids already stored, orphans and each user's last prior order_number."""
        self.catalog = set(self.ch.column("SELECT product_id FROM products"))
        self.seen = set(self.ch.column("SELECT order_id FROM orders"))
        self.orphans = set(self.ch.column(
            "SELECT DISTINCT order_id FROM (SELECT order_id FROM order_products__prior UNION ALL "
            "SELECT order_id FROM order_products__train) WHERE order_id NOT IN (SELECT order_id FROM orders)"))
        self.sequences = {}   # user_id -> [highest prior order_number, train/test order_number or None]
        for line in self.ch.select("SELECT user_id, maxIf(order_number, eval_set = 'prior'), countIf(eval_set != 'prior'), "
                                   "minIf(order_number, eval_set != 'prior') FROM orders GROUP BY user_id").splitlines():
            user, highest, targets, target = line.split("\t")
            self.sequences[int(user)] = [int(highest), int(target) if int(targets) else None]
        self.user_products = {}   # filled only for users whose events leave `reordered` out

    def sequence_problem(self, event):
        """Why the event's order_number cannot follow the user's stored orders (the sink's rule), or None."""
        user, eval_set, number = event[1], event[2], event[3]
        highest, target = self.sequences.get(user, (0, None))
        if number <= highest:
            return f"order_number {number} of user {user} is not greater than the user's highest prior order_number {highest}"
        if target is not None:
            if eval_set != "prior":
                return f"user {user} already has a train/test order (order_number {target})"
            if number >= target:
                return f"prior order_number {number} of user {user} is not before the user's train/test order_number {target}"
        return None

    def stored_lines(self, order_id):
        lines = []
        for table in ("order_products__prior", "order_products__train"):
            for line in self.ch.select(f"SELECT product_id, add_to_cart_order, reordered FROM {table} "
                                       f"WHERE order_id = {order_id} ORDER BY add_to_cart_order").splitlines():
                p, c, r = map(int, line.split("\t"))
                lines.append((p, c, r))
        return tuple(lines)

    def load_stored(self, ids):
        """The stored orders `ids` read back from ClickHouse, in parse_event's shape, by order_id:
        three queries, only for batches that hold duplicates (the de-dup set keeps ids only)."""
        if not ids:
            return {}
        listed = ",".join(map(str, set(ids)))
        lines = {}
        for table in ("order_products__prior", "order_products__train"):
            for line in self.ch.select(f"SELECT order_id, product_id, add_to_cart_order, reordered FROM {table} "
                                       f"WHERE order_id IN ({listed})").splitlines():
                o, p, c, r = map(int, line.split("\t"))
                lines.setdefault(o, []).append((p, c, r))
        stored = {}
        for line in self.ch.select(f"SELECT order_id, user_id, eval_set, order_number, order_dow, order_hour_of_day, "
                                   f"days_since_prior_order FROM orders WHERE order_id IN ({listed})").splitlines():
            row = line.split("\t")
            o = int(row[0])
            days = None if row[6] == "\\N" else float(row[6])
            stored[o] = (o, int(row[1]), row[2], int(row[3]), int(row[4]), int(row[5]), days, tuple(lines.get(o, ())))
        return stored

    def fill_reordered(self, event, batch_events):
        user = event[1]
        if user not in self.user_products:
            known = set(self.ch.column(
                f"SELECT product_id FROM order_products__prior WHERE order_id IN "
                f"(SELECT order_id FROM orders WHERE user_id = {user} AND eval_set = 'prior')"))
            for earlier in batch_events:
                if earlier[1] == user and earlier[2] == "prior":
                    known.update(p for (p, _, _) in earlier[7])
            self.user_products[user] = known
        known = self.user_products[user]
        lines = tuple((p, c, (1 if p in known else 0) if r is None else r) for (p, c, r) in event[7])
        return event[:7] + (lines,)

    @staticmethod
    def same_lines(a, b):
        # `reordered` may have been derived: compare it only where both sides state it.
        return len(a) == len(b) and all(x[0] == y[0] and x[1] == y[1] and (x[2] is None or y[2] is None or x[2] == y[2])
                                        for x, y in zip(sorted(a), sorted(b)))

    def same_content(self, a, b):
        return a[:7] == b[:7] and self.same_lines(a[7], b[7])

    async def dead_letter(self, msg, reason):
        sequence = str(msg.metadata.sequence.stream)
        headers = {"Restock-Reason": reason[:500], "Restock-Sequence": sequence, "Nats-Msg-Id": f"dead-{sequence}"}
        try:
            await self.js.publish(self.args.dead_letter_subject, msg.data, headers=headers)
        except nats.errors.NoRespondersError:
            await self.nc.publish(self.args.dead_letter_subject, msg.data, headers=headers)
        self.stats["dead_letters"] += 1

    async def handle(self, msgs):
        parsed = []
        for msg in msgs:
            self.stats["events"] += 1
            if msg.metadata.num_delivered > 1:
                self.stats["redelivered"] += 1
            try:
                parsed.append((msg, parse_event(msg.data, self.catalog)))
            except Rejected as rejected:
                await self.dead_letter(msg, str(rejected))
        stored = self.load_stored([e[0] for _, e in parsed if e[0] in self.seen])
        accepted = []
        in_batch = {}
        for msg, event in parsed:
            order_id = event[0]
            if order_id in self.seen:
                earlier = in_batch.get(order_id) or stored.get(order_id)
                if earlier is not None and self.same_content(earlier, event):
                    self.stats["duplicates"] += 1
                else:
                    await self.dead_letter(msg, f"order_id {order_id} was stored with different content")
                continue
            problem = self.sequence_problem(event)
            if problem:
                await self.dead_letter(msg, problem)
                continue
            if any(r is None for (_, _, r) in event[7]):
                event = self.fill_reordered(event, accepted)
            if order_id in self.orphans:   # lines of an interrupted attempt: keep them when they are the same
                stray = self.stored_lines(order_id)
                if not self.same_lines(stray, event[7]):
                    await self.dead_letter(msg, f"order_id {order_id} has {len(stray)} lines from an interrupted "
                                                f"earlier attempt that differ from this event's")
                    continue
                event = event[:7] + (stray,)
            self.seen.add(order_id)
            in_batch[order_id] = event
            user, number = event[1], event[3]
            sequence = self.sequences.setdefault(user, [0, None])
            if event[2] == "prior":
                sequence[0] = number
                if user in self.user_products:
                    self.user_products[user].update(p for (p, _, _) in event[7])
            else:
                sequence[1] = number
            accepted.append(event)
        if accepted:
            self.insert(accepted)
        for msg in msgs:
            await msg.ack()
        self.stats["batches"] += 1

    def insert(self, events):
        """Products first (skipping orphans), then the orders rows: each one INSERT."""
        with_lines = [e for e in events if e[7] and e[0] not in self.orphans]
        plan = [("order_products__prior", [e for e in with_lines if e[2] == "prior"], tsv_lines),
                ("order_products__train", [e for e in with_lines if e[2] == "train"], tsv_lines),
                ("orders", events, tsv_orders)]
        for table, rows, encode in plan:
            if not rows:
                continue
            for attempt in range(1, 31):
                try:
                    self.ch.post(f"INSERT INTO {table} FORMAT TabSeparated", encode(rows))
                    break
                except (OSError, http.client.HTTPException, RuntimeError) as error:
                    print(f"stream_peer: INSERT INTO {table} failed ({error}); attempt {attempt}", file=sys.stderr)
                    time.sleep(min(0.2 * attempt, 2.0))
                    rows = self.missing(table, rows)
                    if not rows:
                        break
            else:
                raise RuntimeError(f"INSERT INTO {table} failed 30 times")
            if table != "orders":
                self.stats["product_rows"] += sum(len(e[7]) for e in rows)
        self.stats["orders"] += len(events)
        self.orphans.difference_update(e[0] for e in events)

    def missing(self, table, rows):
        """The rows whose order_id `table` does not hold yet (after an INSERT of unknown outcome)."""
        while True:
            try:
                ids = ",".join(str(e[0]) for e in rows)
                present = set(self.ch.column(f"SELECT DISTINCT order_id FROM {table} WHERE order_id IN ({ids})"))
                return [e for e in rows if e[0] not in present]
            except (OSError, http.client.HTTPException, RuntimeError):
                time.sleep(1.0)

    async def run(self):
        args = self.args
        self.load_state()
        self.nc = await nats.connect(args.nats, max_reconnect_attempts=-1)
        self.js = self.nc.jetstream()
        # Log order survives a crash: max_ack_pending = one batch, so JetStream hands out nothing
        # new while a killed consumer's batch awaits redelivery; and since redelivery runs on one
        # timer per message (a batch may come back in pieces, a piece to a client about to die),
        # a batch is processed only once this consumer holds every unacknowledged message
        # (`held` = the consumer's num_ack_pending), in stream order. Otherwise a user's redelivered
        # order could be overtaken by their next one and look out of sequence.
        config = jsapi.ConsumerConfig(ack_policy=jsapi.AckPolicy.EXPLICIT, ack_wait=args.ack_wait,
                                      max_ack_pending=args.batch)
        sub = await self.js.pull_subscribe(args.subject, durable=args.consumer, stream=args.stream, config=config)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: setattr(self, "stopping", True))
        started = time.monotonic()
        last_message = started
        first_message = last_done = None
        held = {}
        while not self.stopping:
            try:
                fetched = await sub.fetch(args.batch, timeout=args.max_wait)
            except (nats.errors.TimeoutError, asyncio.TimeoutError, nats.js.errors.FetchTimeoutError):
                fetched = []
            now = time.monotonic()
            if fetched:
                first_message = first_message or now
                last_message = now
            for msg in fetched:
                held[msg.metadata.sequence.stream] = msg   # a redelivery replaces the earlier copy
            if not held:
                if args.until_idle is not None and now - last_message >= args.until_idle:
                    break
                continue
            if len(held) < args.batch and (await sub.consumer_info()).num_ack_pending > len(held):
                self.stats["waits_for_redelivery"] = self.stats.get("waits_for_redelivery", 0) + 1
                for msg in held.values():
                    await msg.in_progress()   # keep our copies from being redelivered meanwhile
                continue
            msgs = [held[seq] for seq in sorted(held)]
            held = {}
            if self.trace:
                seqs = [m.metadata.sequence.stream for m in msgs]
                print(f"trace {time.time():.3f} fetched {len(msgs)} seq {seqs[0]}..{seqs[-1]} ordered={seqs == sorted(seqs)} "
                      f"delivered {min(m.metadata.num_delivered for m in msgs)}..{max(m.metadata.num_delivered for m in msgs)}",
                      file=sys.stderr, flush=True)
            await self.handle(msgs)
            last_done = time.monotonic()
        await self.nc.flush()
        await self.nc.close()
        busy = (last_done - first_message) if first_message and last_done else 0.0
        summary = dict(self.stats, peer="nats-py", seconds_total=round(time.monotonic() - started, 3),
                       seconds_first_to_last=round(busy, 3),
                       orders_per_second=round(self.stats["orders"] / busy, 1) if busy else None)
        print(json.dumps(summary), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nats", required=True)
    parser.add_argument("--clickhouse", required=True)
    parser.add_argument("--database", default="restock")
    parser.add_argument("--stream", default="ORDERS")
    parser.add_argument("--subject", default="orders.new")
    parser.add_argument("--consumer", default="peer")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--max-wait", type=float, default=1.0)
    parser.add_argument("--until-idle", type=float)
    parser.add_argument("--ack-wait", type=float, default=30.0, help="seconds before an unacknowledged message comes again")
    parser.add_argument("--dead-letter-subject", default="orders.dead")
    parser.add_argument("--trace", action="store_true", help="one line per fetched batch on stderr")
    args = parser.parse_args()
    asyncio.run(Peer(args).run())


if __name__ == "__main__":
    main()

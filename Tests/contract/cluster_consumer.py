"""A consumer of a vigild cluster, written from the README's algorithm ("A cluster", consumers):
one SUB socket per node, the heartbeat with the highest epoch names the active node, catch-up
from it, every `seq` delivered once, in order.

    python3 cluster_consumer.py ALERTS,CATCHUP [ALERTS,CATCHUP ...]

prints each alert as one JSON line on standard output, and on standard error `active NODE
epoch E` each time it follows a new active node."""
import json
import sys

import zmq


def follow(nodes, deliver, report=lambda text: None, running=lambda: True):
    """`nodes`: [(alert endpoint, catch-up endpoint)], one per node. Calls `deliver(alert)` for
    every alert in `seq` order, each once."""
    context = zmq.Context.instance()
    poller = zmq.Poller()
    subs = []
    for alerts, _ in nodes:  # 1. subscribe first, on every node
        sub = context.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"alert.")
        sub.setsockopt(zmq.SUBSCRIBE, b"heartbeat")
        sub.connect(alerts)
        poller.register(sub, zmq.POLLIN)
        subs.append(sub)
    last = 0
    best = (0, None)  # (epoch, index of the node) of the highest epoch heard
    behind = False  # True: catch up from the active node before reading its live alerts

    def catch_up(index):
        """2. Everything after `last` from node `index`'s catch-up endpoint; False if it did not answer."""
        nonlocal last
        req = context.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.connect(nodes[index][1])
        try:
            while True:
                req.send_multipart([b"catchup", json.dumps({"after": last}).encode()])
                if not req.poll(2000):
                    return False  # not answering (a standby, or gone): wait for the next heartbeat
                kind, header, *frames = req.recv_multipart()
                if kind != b"catchup":
                    return False
                header = json.loads(header)
                for payload in frames[1::2]:
                    alert = json.loads(payload)
                    if alert["seq"] > last:
                        deliver(alert)
                        last = alert["seq"]
                last = max(last, header["last_seq"])
                if not header["more"]:
                    return True
        finally:
            req.close()

    while running():
        if behind and best[1] is not None:
            behind = not catch_up(best[1])
        for sub, _ in poller.poll(200):
            index = subs.index(sub)
            topic, payload = sub.recv_multipart()
            message = json.loads(payload)
            epoch = message.get("epoch", 0)
            if topic == b"heartbeat":
                if epoch > best[0]:  # 5. a higher epoch: a new active node; catch up from it
                    best = (epoch, index)
                    report(f"active {message.get('node')} epoch {epoch}")
                    behind = True
                elif index == best[1] and message["latest_seq"] > last:
                    behind = True  # 3. missed something
                continue
            if index != best[1]:
                continue  # only the active node's live alerts (catch-up covers the rest)
            if message["seq"] <= last:
                continue  # had it already (from catch-up, or before a takeover)
            if message["seq"] > last + 1:
                behind = True  # 4. a jump: catch up first
                continue
            deliver(message)
            last = message["seq"]


if __name__ == "__main__":
    endpoints = [tuple(pair.split(",")) for pair in sys.argv[1:]]

    def print_alert(alert):
        print(json.dumps(alert), flush=True)

    try:
        follow(endpoints, print_alert, report=lambda text: print(text, file=sys.stderr, flush=True))
    except KeyboardInterrupt:
        pass

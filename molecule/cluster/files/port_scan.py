"""The open TCP ports of each address given (a JSON list), all 65535 of them,
by connecting from this host. Prints JSON: {address: [port, ...]}."""

import json
import socket
import sys
from concurrent.futures import ThreadPoolExecutor


def is_open(target):
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(target) == 0


targets = [(address, port) for address in json.loads(sys.argv[1]) for port in range(1, 65536)]
with ThreadPoolExecutor(128) as pool:
    results = pool.map(is_open, targets, chunksize=512)
    found = {}
    for (address, port), open_ in zip(targets, results):
        found.setdefault(address, [])
        if open_:
            found[address].append(port)
print(json.dumps(found))

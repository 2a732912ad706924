"""The Python side of `npm run bench` (bench/report.ts): requests and requests-oauthlib as a user
would run them, against the same local server, driven over stdin so that its rounds interleave
with the Node clients' in one run.

Each line on stdin is `<client> <in_flight> <requests> <url>`; each answer on stdout is one JSON
line: {"rate": requests per second, "cpu_us": this process's CPU microseconds per request}.
Clients: `requests` (requests.Session, keep-alive) and `oauth1` (requests_oauthlib.OAuth1Session,
HMAC-SHA1 in the Authorization header, the same credentials as the Node OAuth1Session). With
in_flight > 1, that many threads each use a session of their own (a Session is not thread-safe).
"""

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from requests_oauthlib import OAuth1Session

CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog"
CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
TOKEN = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"

local = threading.local()


def session_for(client):
    sessions = getattr(local, "sessions", None)
    if sessions is None:
        sessions = local.sessions = {}
    if client not in sessions:
        if client == "oauth1":
            sessions[client] = OAuth1Session(CONSUMER_KEY, CONSUMER_SECRET, TOKEN, TOKEN_SECRET)
        else:
            sessions[client] = requests.Session()
    return sessions[client]


pools = {}  # one pool per concurrency, kept: its threads keep their sessions and connections, as a Node client's agent does


def run(client, in_flight, count, url):
    def one(_):
        response = session_for(client).get(url)
        response.content
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    cpu = time.process_time()
    started = time.perf_counter()
    if in_flight == 1:
        for index in range(count):
            one(index)
    else:
        if in_flight not in pools:
            pools[in_flight] = ThreadPoolExecutor(max_workers=in_flight)
        list(pools[in_flight].map(one, range(count)))
    elapsed = time.perf_counter() - started
    used = time.process_time() - cpu
    return {"rate": count / elapsed, "cpu_us": used * 1e6 / count}


for line in sys.stdin:
    words = line.split()
    if len(words) != 4:
        continue
    client, in_flight, count, url = words[0], int(words[1]), int(words[2]), words[3]
    run(client, in_flight, -(-count // 5), url)  # not counted, as the Node workers do
    print(json.dumps(run(client, in_flight, count, url)), flush=True)

"""Tests of driftwatch_client.py: against a scripted stand-in over real HTTP, and against the real
driftwatch whose URL and keys the harness passes in the environment (test/clients/python-client.test.ts
starts it on loopback and runs `python3 -m unittest` here):

    DRIFTWATCH_TEST_URL, DRIFTWATCH_TEST_INGEST_KEY, DRIFTWATCH_TEST_ADMIN_KEY, DRIFTWATCH_TEST_MODEL
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from driftwatch_client import DriftwatchClient, uuid7

HERE = os.path.dirname(os.path.abspath(__file__))


class FakeDriftwatch:
    """Records every request; `answer(rows, n)` returns (status, body, headers); default: accept all."""

    def __init__(self, answer=None):
        self.received = []
        self.answer = answer or (lambda rows, n: (200, {"accepted": len(rows), "duplicates": 0, "rejected": 0, "errors": []}, {}))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                text = self.rfile.read(int(self.headers["content-length"])).decode()
                rows = [json.loads(line) for line in text.split("\n") if line]
                outer.received.append({"path": self.path, "auth": self.headers["authorization"], "rows": rows})
                status, body, headers = outer.answer(rows, len(outer.received))
                payload = json.dumps(body).encode()
                self.send_response(status)
                for k, v in {"content-type": "application/json", **headers}.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def rows(self):
        return [r for req in self.received for r in req["rows"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def pred(i):
    return {"features": {"x": i, "c": "c%d" % (i % 3)}, "prediction": {"label": "yes" if i % 2 else "no"}}


def wait_until(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


class ClientTest(unittest.TestCase):
    def start(self, answer=None, **options):
        fake = FakeDriftwatch(answer)
        opts = dict(model_id="m", flush_on_exit=False, initial_delay=0.005, max_delay=0.02)
        opts.update(options)
        client = DriftwatchClient(fake.url, "k1", **opts)
        self.addCleanup(fake.close)
        self.addCleanup(client.close, 1.0)
        return fake, client

    def test_uuid7_layout_and_order(self):
        ids = [uuid7(1_700_000_000_000 + i // 10) for i in range(1000)]
        self.assertEqual(len(set(ids)), 1000)
        for s in ids[:50]:
            u = uuid.UUID(s)
            self.assertEqual((u.version, u.variant), (7, uuid.RFC_4122))
        self.assertEqual(ids[::10], sorted(ids[::10]))
        self.assertEqual(int(ids[0].replace("-", "")[:12], 16), 1_700_000_000_000)

    def test_batches_by_size_then_time_with_generated_ids_and_times(self):
        fake, client = self.start(batch_size=10, flush_interval=0.3)
        before = time.time_ns() // 1_000_000
        ids = [client.log(pred(i)) for i in range(25)]
        self.assertEqual(client.log(dict(pred(99), prediction_id=42, timestamp="2026-01-01T00:00:00Z")), "42")
        wait_until(lambda: len(fake.received) == 2)
        self.assertEqual([len(r["rows"]) for r in fake.received], [10, 10])
        wait_until(lambda: len(fake.received) == 3)  # the rest after flush_interval
        rows = fake.rows()
        self.assertEqual([r["prediction_id"] for r in rows], ids + [42])
        self.assertTrue(all(uuid.UUID(i).version == 7 for i in ids))
        self.assertGreaterEqual(rows[0]["timestamp"], before)
        self.assertEqual(rows[25]["timestamp"], "2026-01-01T00:00:00Z")
        self.assertEqual(fake.received[0]["path"], "/api/v1/predictions/bulk?partial=true&model_id=m")
        self.assertEqual(fake.received[0]["auth"], "Bearer k1")
        self.assertTrue(client.flush(5))
        self.assertEqual(client.stats(), {"queued": 0, "sent": 26, "dropped": 0, "failed": 0, "retries": 0, "in_flight": 0})

    def test_outcomes_go_to_their_endpoint(self):
        fake, client = self.start()
        pid = client.log(pred(1))
        client.log_outcome(pid, "yes")
        client.log_outcome("p-7", 3.5, timestamp=1000)
        self.assertTrue(client.flush(5))
        outcomes = [r for r in fake.received if r["path"].startswith("/api/v1/outcomes?")][0]["rows"]
        self.assertEqual(outcomes[0]["prediction_id"], pid)
        self.assertEqual(outcomes[0]["actual"], "yes")
        self.assertIsInstance(outcomes[0]["timestamp"], int)
        self.assertEqual(outcomes[1], {"prediction_id": "p-7", "actual": 3.5, "timestamp": 1000})
        self.assertEqual(client.stats()["sent"], 3)

    def test_retries_503_and_429_honouring_retry_after(self):
        times = []

        def answer(rows, n):
            times.append(time.monotonic())
            if n == 1:
                return 503, {"error": {"code": "unavailable", "message": "busy"}}, {"retry-after": "1"}
            if n == 2:
                return 429, {}, {}
            return 200, {"accepted": len(rows), "rejected": 0, "errors": []}, {}

        fake, client = self.start(answer, batch_size=5)
        for i in range(5):
            client.log(pred(i))
        self.assertTrue(client.flush(10))
        self.assertGreaterEqual(times[1] - times[0], 0.95)
        ids = [[r["prediction_id"] for r in req["rows"]] for req in fake.received]
        self.assertEqual(len(ids), 3)
        self.assertTrue(ids[0] == ids[1] == ids[2])  # the same rows, the same ids
        self.assertEqual({k: client.stats()[k] for k in ("sent", "failed", "retries")}, {"sent": 5, "failed": 0, "retries": 2})

    def test_final_4xx_fail_rows_with_reasons_and_partial_results(self):
        failures = []

        def answer(rows, n):
            if n == 1:
                return 404, {"error": {"code": "model_not_found", "message": 'no model "m" is registered'}}, {}
            errors = [{"row": 1, "field": "features.x", "problem": "must be a finite number"}, {"row": 3, "field": "timestamp", "problem": "invalid"}]
            return 200, {"accepted": 2, "duplicates": 0, "rejected": 2, "errors": errors}, {}

        fake, client = self.start(answer, batch_size=4, on_failure=failures.extend)
        first = [client.log(pred(i)) for i in range(4)]
        self.assertTrue(client.flush(5))
        second = [client.log(pred(i)) for i in range(4, 8)]
        self.assertTrue(client.flush(5))
        self.assertEqual(len(fake.received), 2)
        s = client.stats()
        self.assertEqual((s["sent"], s["failed"], s["retries"]), (2, 6, 0))
        self.assertEqual(failures[:4], [{"kind": "prediction", "prediction_id": i, "reason": 'HTTP 404 model_not_found: no model "m" is registered'} for i in first])
        self.assertEqual(failures[4:], [
            {"kind": "prediction", "prediction_id": second[1], "reason": "features.x: must be a finite number"},
            {"kind": "prediction", "prediction_id": second[3], "reason": "timestamp: invalid"},
        ])
        self.assertEqual(client.recent_failures(), failures)

    def test_413_splits_the_batch(self):
        fake, client = self.start(lambda rows, n: (413, {}, {}) if len(rows) > 2 else (200, {"accepted": len(rows), "rejected": 0}, {}), batch_size=8)
        for i in range(8):
            client.log(pred(i))
        self.assertTrue(client.flush(5))
        landed = [r["features"]["x"] for req in fake.received if len(req["rows"]) <= 2 for r in req["rows"]]
        self.assertEqual(landed, list(range(8)))
        self.assertEqual(client.stats()["sent"], 8)

    def hanging(self, **options):
        """A stand-in that holds the first request until `release` is set."""
        release = threading.Event()

        def answer(rows, n):
            if n == 1:
                release.wait(10)
            return 200, {"accepted": len(rows), "rejected": 0}, {}

        fake, client = self.start(answer, **options)
        return fake, client, release

    def test_drop_oldest_keeps_the_newest_rows_within_the_bound(self):
        fake, client, release = self.hanging(batch_size=100, max_buffer=100, flush_interval=0.01)
        first = [client.log(pred(i)) for i in range(100)]
        wait_until(lambda: client.stats()["in_flight"] == 100)
        later = [client.log(pred(i)) for i in range(100, 350)]
        s = client.stats()
        self.assertEqual((s["queued"], s["dropped"]), (100, 150))
        release.set()
        self.assertTrue(client.flush(5))
        self.assertEqual([r["prediction_id"] for r in fake.rows()], first + later[-100:])

    def test_block_mode_waits_for_room_and_loses_nothing(self):
        fake, client, release = self.hanging(batch_size=10, max_buffer=10, on_full="block", flush_interval=0.01)
        ids = [client.log(pred(i)) for i in range(10)]
        wait_until(lambda: client.stats()["in_flight"] == 10)
        ids += [client.log(pred(i)) for i in range(10, 20)]  # fills the buffer
        blocked = []
        t = threading.Thread(target=lambda: blocked.append(client.log(pred(20))))
        t.start()
        time.sleep(0.2)
        self.assertTrue(t.is_alive())  # log() is waiting for room
        release.set()
        t.join(5)
        self.assertFalse(t.is_alive())
        self.assertTrue(client.flush(5))
        self.assertEqual([r["prediction_id"] for r in fake.rows()], ids + blocked)
        self.assertEqual(client.stats()["dropped"], 0)

    def test_close_gives_up_at_close_timeout_when_driftwatch_never_answers_ok(self):
        fake, client = self.start(lambda rows, n: (503, {}, {}), batch_size=5, close_timeout=0.3)
        for i in range(12):
            client.log(pred(i))
        t0 = time.monotonic()
        client.close()
        self.assertLess(time.monotonic() - t0, 3)
        s = client.stats()
        self.assertEqual((s["sent"], s["failed"], s["queued"], s["in_flight"]), (0, 12, 0, 0))
        self.assertGreater(s["retries"], 0)
        client.log(pred(13))
        self.assertEqual(client.stats()["dropped"], 1)  # logged after close

    def test_gives_up_after_max_attempts_and_reports_unserialisable_rows(self):
        fake, client = self.start(lambda rows, n: (500, {}, {}), batch_size=3, max_attempts=3)
        client.log(pred(1))
        client.log(pred(2))
        bad = client.log({"features": {"x": {1, 2}}, "prediction": {"label": "no"}})
        self.assertTrue(client.flush(5))
        self.assertEqual(len(fake.received), 3)
        s = client.stats()
        self.assertEqual((s["failed"], s["retries"]), (3, 2))
        reasons = {f["prediction_id"]: f["reason"] for f in client.recent_failures()}
        self.assertIn("not serialisable", reasons[bad])
        self.assertTrue(all(r.startswith("gave up after 3 attempts: HTTP 500") for i, r in reasons.items() if i != bad))

    def test_refuses_bad_input(self):
        fake, client = self.start(model_id=None)
        with self.assertRaises(ValueError):
            client.log(pred(1))
        with self.assertRaises(TypeError):
            client.log([1])
        with self.assertRaises(ValueError):
            DriftwatchClient("ftp://x", "k", flush_on_exit=False)
        with self.assertRaises(ValueError):
            DriftwatchClient("http://x", "", flush_on_exit=False)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run these tests through test/clients/python-client.test.ts (npx vitest run test/clients)")
    return value


class Relay:
    """A TCP relay to driftwatch that can go down (refusing connections) and come back on the same port."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = None
        self.conns = []
        self.up()

    def up(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def down(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        except OSError:
            pass
        self.listener.close()
        for c in self.conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
                c.close()
            except OSError:
                pass
        self.conns = []

    def _accept(self, listener):
        while True:
            try:
                down, _ = listener.accept()
            except OSError:
                return
            up = socket.create_connection(("127.0.0.1", self.target_port))
            self.conns += [down, up]
            for a, b in ((down, up), (up, down)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.close()
            except OSError:
                pass


class RealDriftwatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.url = env("DRIFTWATCH_TEST_URL")
        cls.ingest_key = env("DRIFTWATCH_TEST_INGEST_KEY")
        cls.admin_key = env("DRIFTWATCH_TEST_ADMIN_KEY")
        cls.model = env("DRIFTWATCH_TEST_MODEL")

    def stored_ids(self, prefix):
        ids, cursor = [], None
        while True:
            q = "%s/api/v1/predictions?model_id=%s&limit=1000%s" % (self.url, self.model, "&cursor=" + urllib.request.quote(cursor) if cursor else "")
            req = urllib.request.Request(q, headers={"authorization": "Bearer " + self.admin_key})
            with urllib.request.urlopen(req) as res:
                page = json.loads(res.read())
            ids += [p["prediction_id"] for p in page["items"] if p["prediction_id"].startswith(prefix)]
            cursor = page["next_cursor"]
            if not cursor:
                return ids

    def client(self, url=None, **options):
        opts = dict(model_id=self.model, flush_on_exit=False, batch_size=100, flush_interval=0.02, initial_delay=0.02, max_delay=0.2)
        opts.update(options)
        return DriftwatchClient(url or self.url, self.ingest_key, **opts)

    def test_delivers_predictions_and_outcomes_and_names_rejected_rows(self):
        client = self.client()
        ids = [client.log(dict(pred(i), prediction_id="py-ok-%d" % i)) for i in range(500)]
        bad = client.log(dict(pred(1), prediction={"label": "maybe"}, prediction_id="py-bad-1"))
        client.log_outcome(ids[0], "yes")
        client.close()
        s = client.stats()
        self.assertEqual((s["sent"], s["failed"]), (501, 1))
        self.assertEqual(client.recent_failures()[0]["prediction_id"], bad)
        self.assertTrue(client.recent_failures()[0]["reason"].startswith("prediction.label: must be one of the model's labels"))
        self.assertEqual(sorted(self.stored_ids("py-ok-")), sorted(ids))
        self.assertEqual(self.stored_ids("py-bad-"), [])
        req = urllib.request.Request("%s/api/v1/outcomes/%s?model_id=%s" % (self.url, ids[0], self.model), headers={"authorization": "Bearer " + self.admin_key})
        with urllib.request.urlopen(req) as res:
            self.assertEqual(json.loads(res.read())["actual"], "yes")

    def test_outage_and_recovery_deliver_everything_once(self):
        relay = Relay(int(self.url.rsplit(":", 1)[1]))
        client = self.client(url="http://127.0.0.1:%d" % relay.port)
        logged = [client.log(dict(pred(i), prediction_id="py-out-%d" % i)) for i in range(300)]
        self.assertTrue(client.flush(10))
        relay.down()
        logged += [client.log(pred(i)) for i in range(300, 1000)]  # generated ids
        wait_until(lambda: client.stats()["retries"] >= 3)
        self.assertEqual(client.stats()["sent"], 300)
        relay.up()
        self.assertTrue(client.flush(20))
        client.close()
        s = client.stats()
        self.assertEqual((s["sent"], s["failed"], s["dropped"]), (1000, 0, 0))
        generated = set(logged[300:])
        stored = self.stored_ids("py-out-") + [i for i in self.stored_ids("") if i in generated]
        self.assertEqual(len(stored), 1000)
        self.assertEqual(set(stored), set(logged))
        relay.down()

    def run_child(self, ending, n):
        script = (
            "import os, signal, sys, time\n"
            "sys.path.insert(0, %r)\n"
            "from driftwatch_client import DriftwatchClient\n"
            "c = DriftwatchClient(%r, %r, %r, batch_size=100000, flush_interval=60)\n"
            "for i in range(%d):\n"
            "    c.log({'prediction_id': '%s-%%d' %% i, 'features': {'x': i, 'c': 'a'}, 'prediction': {'label': 'yes'}})\n"
            "if %r == 'SIGTERM':\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            "    time.sleep(30)\n"
        ) % (HERE, self.url, self.ingest_key, self.model, n, ending, ending)
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
        return proc.returncode, proc.stderr.decode(), self.stored_ids(ending + "-")

    def test_flushes_at_exit_and_on_sigterm(self):
        code, err, ids = self.run_child("py-exit", 400)
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(len(ids), 400)
        code, err, ids = self.run_child("SIGTERM", 300)
        self.assertEqual(code, -15, err)  # ended by the signal, after the flush
        self.assertEqual(len(ids), 300)


if __name__ == "__main__":
    unittest.main()

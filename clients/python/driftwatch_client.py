"""Log predictions and outcomes to driftwatch from Python, without slowing the caller.

One file, standard library only (threading, collections, http.client, json, uuid): copy it
next to your service.

    from driftwatch_client import DriftwatchClient

    dw = DriftwatchClient("http://driftwatch:8080", api_key=os.environ["DW_KEY"], model_id="credit")
    pid = dw.log({"features": {"income": 1200.0, "region": "north"},
                  "prediction": {"label": "approve", "probabilities": {"approve": 0.8, "deny": 0.2}}})
    ...
    dw.log_outcome(pid, "deny")          # later, when the truth is known
    dw.close()                            # also done at interpreter exit and on SIGTERM

``log()`` appends a reference to the row to a bounded buffer and returns its prediction id (a
UUIDv7 generated on the spot when the row has none, so a retried batch is idempotent). A
background thread sends rows as NDJSON to ``/api/v1/predictions/bulk`` (outcomes to
``/api/v1/outcomes``) in batches of ``batch_size`` or every ``flush_interval`` seconds, over one
keep-alive connection, retrying network errors, timeouts, 408, 429 and 5xx with exponential
backoff and jitter (Retry-After honoured). Other 4xx are final: the rows count as failed with
the server's reasons. With ``partial=True`` (default) the good rows of a batch land even when
others are rejected. When the buffer is full, ``on_full="drop-oldest"`` (default) discards the
oldest queued row and counts it; ``on_full="block"`` makes ``log()`` wait for room.

Do not mutate a dict after logging it: it is serialised later, by the sender thread.
"""

from __future__ import annotations

import atexit
import collections
import http.client
import json
import os
import random
import signal
import socket
import threading
import time
import urllib.parse
import uuid
import weakref
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Dict, List, Optional

__all__ = ["DriftwatchClient", "uuid7"]

_PREDICTION, _OUTCOME = 0, 1
_RECENT_FAILURES = 100


def uuid7(now_ms: Optional[int] = None) -> str:
    """A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits."""
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & 0xFFFFFFFFFFFF) << 80 | rand
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # variant 10
    return str(uuid.UUID(int=value))


def _retry_after_seconds(header: Optional[str]) -> Optional[float]:
    if not header:
        return None
    text = header.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


class DriftwatchClient:
    """Batches, retries and bounds memory; see the module docstring."""

    def __init__(
        self,
        url: str,
        api_key: str,
        model_id: Optional[str] = None,
        *,
        batch_size: int = 1000,
        flush_interval: float = 1.0,
        max_buffer: int = 100_000,
        on_full: str = "drop-oldest",
        max_attempts: float = float("inf"),
        initial_delay: float = 0.1,
        max_delay: float = 10.0,
        max_retry_after: float = 60.0,
        request_timeout: float = 30.0,
        partial: bool = True,
        close_timeout: float = 10.0,
        flush_on_exit: bool = True,
        on_failure: Optional[Callable[[List[Dict[str, str]]], None]] = None,
    ) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"url must be http(s)://host[:port], not {url!r}")
        if not api_key:
            raise ValueError("api_key is required (a key with the ingest scope)")
        if on_full not in ("drop-oldest", "block"):
            raise ValueError("on_full must be 'drop-oldest' or 'block'")
        if batch_size < 1 or max_buffer < 1 or max_attempts < 1:
            raise ValueError("batch_size, max_buffer and max_attempts must be at least 1")
        self._scheme, self._host, self._port = parsed.scheme, parsed.hostname, parsed.port
        self._prefix = parsed.path.rstrip("/")
        self._api_key = api_key
        self.model_id = model_id
        self._batch_size = min(batch_size, max_buffer)
        self._flush_interval = flush_interval
        self._max_buffer = max_buffer
        self._block = on_full == "block"
        self._max_attempts = max_attempts
        self._initial_delay, self._max_delay, self._max_retry_after = initial_delay, max_delay, max_retry_after
        self._timeout = request_timeout
        self._partial = partial
        self._close_timeout = close_timeout
        self._on_failure = on_failure

        self._queue: collections.deque = collections.deque()
        self._cond = threading.Condition()
        self._enqueued = 0  # rows that entered the queue
        self._settled = 0  # rows sent, failed or dropped (FIFO: one sender)
        self._force_until = 0  # rows up to here go even in a partial batch
        self._oldest_at: Optional[float] = None
        self._in_flight = 0
        self._counts = {"sent": 0, "dropped": 0, "failed": 0, "retries": 0}
        self._recent: collections.deque = collections.deque(maxlen=_RECENT_FAILURES)
        self._closing = False
        self._aborted = threading.Event()
        self._conn: Optional[http.client.HTTPConnection] = None
        self._thread = threading.Thread(target=self._run, name="driftwatch-sender", daemon=True)
        self._thread.start()
        if flush_on_exit:
            atexit.register(self.close)
            _install_sigterm(self)

    # ---- the caller's side ------------------------------------------------------------------

    def log(self, prediction: Dict[str, Any]) -> str:
        """Queue one prediction; returns its prediction id (generated when absent)."""
        if not isinstance(prediction, dict):
            raise TypeError("log() takes a prediction dict")
        if prediction.get("model_id") is None and self.model_id is None:
            raise ValueError("the prediction has no model_id and the client no model_id")
        pid = prediction.get("prediction_id")
        add_id = pid is None
        pid = uuid7() if add_id else str(pid)
        add_time = prediction.get("timestamp") is None
        now = time.time_ns() // 1_000_000 if add_time else 0
        self._enqueue((_PREDICTION, prediction, pid, add_id, now))
        return pid

    def log_outcome(self, prediction_id: Any, actual: Any, model_id: Optional[str] = None, timestamp: Any = None) -> str:
        """Queue the true label or value of an earlier prediction; returns its prediction id."""
        if prediction_id is None:
            raise ValueError("an outcome needs a prediction_id")
        if model_id is None and self.model_id is None:
            raise ValueError("the outcome has no model_id and the client no model_id")
        row: Dict[str, Any] = {"prediction_id": str(prediction_id), "actual": actual}
        if model_id is not None:
            row["model_id"] = model_id
        if timestamp is not None:
            row["timestamp"] = timestamp
        now = time.time_ns() // 1_000_000 if timestamp is None else 0
        self._enqueue((_OUTCOME, row, str(prediction_id), False, now))
        return str(prediction_id)

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send everything logged so far; True when all of it was sent, rejected or given up on."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._enqueued
            self._force_until = max(self._force_until, target)
            self._cond.notify_all()
            while self._settled < target and not self._aborted.is_set():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return self._settled >= target

    def close(self, timeout: Optional[float] = None) -> None:
        """Stop accepting rows, deliver what is buffered (up to close_timeout), stop the thread."""
        with self._cond:
            if self._closing and self._aborted.is_set():
                return
            self._closing = True
        self.flush(self._close_timeout if timeout is None else timeout)
        self._abort()
        _open_clients.discard(self)
        self._thread.join(5)
        try:
            atexit.unregister(self.close)
        except Exception:  # pragma: no cover - interpreter shutting down
            pass

    def stats(self) -> Dict[str, int]:
        """Counters, in rows: queued, sent, dropped, failed, retries, in_flight."""
        with self._cond:
            return {"queued": len(self._queue), **self._counts, "in_flight": self._in_flight}

    def recent_failures(self) -> List[Dict[str, str]]:
        """The last 100 rows that will not be stored, with the reasons."""
        with self._cond:
            return list(self._recent)

    def __enter__(self) -> "DriftwatchClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _enqueue(self, item: tuple) -> None:
        with self._cond:
            if self._closing:
                self._counts["dropped"] += 1
                return
            while len(self._queue) >= self._max_buffer:
                if not self._block:
                    self._queue.popleft()
                    self._counts["dropped"] += 1
                    self._settled += 1
                    break
                self._cond.wait()
                if self._closing:
                    self._counts["dropped"] += 1
                    return
            if not self._queue:
                self._oldest_at = time.monotonic()
            self._queue.append(item)
            self._enqueued += 1
            if len(self._queue) >= self._batch_size or len(self._queue) == 1:
                self._cond.notify_all()

    # ---- the sender thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._aborted.is_set():
                    n = len(self._queue)
                    # one sender, FIFO: the rows that left the queue are exactly the settled ones
                    if n >= self._batch_size or (n and self._settled < self._force_until):
                        break
                    if n and time.monotonic() - (self._oldest_at or 0) >= self._flush_interval:
                        break
                    wait = None if not n else self._flush_interval - (time.monotonic() - (self._oldest_at or 0))
                    self._cond.wait(wait)
                if self._aborted.is_set():
                    break
                batch = [self._queue.popleft() for _ in range(min(self._batch_size, len(self._queue)))]
                self._oldest_at = time.monotonic() if self._queue else None
                self._in_flight = len(batch)
                self._cond.notify_all()  # room for blocked loggers
            sent, failures, failed = self._send_batch(batch)
            with self._cond:
                self._in_flight = 0
                self._counts["sent"] += sent
                self._counts["failed"] += failed
                self._recent.extend(failures)
                self._settled += len(batch)
                self._cond.notify_all()
            if failures and self._on_failure:
                try:
                    self._on_failure(failures)
                except Exception:
                    pass
        self._drop_connection()

    def _send_batch(self, batch: List[tuple]) -> tuple:
        parts: Dict[int, tuple] = {_PREDICTION: ([], []), _OUTCOME: ([], [])}
        failures: List[Dict[str, str]] = []
        for kind, row, pid, add_id, now in batch:
            try:
                line = json.dumps(row, separators=(",", ":"), allow_nan=False)
                if not line.startswith("{"):
                    raise TypeError("a row must be a dict")
                extra = []
                if add_id:
                    extra.append('"prediction_id":' + json.dumps(pid))
                if now:
                    extra.append('"timestamp":%d' % now)
                if extra:
                    line = "{" + ",".join(extra) + "}" if line == "{}" else line[:-1] + "," + ",".join(extra) + "}"
            except (TypeError, ValueError, RuntimeError) as e:
                failures.append(self._failure(kind, pid, f"not serialisable as JSON: {e}"))
                continue
            parts[kind][0].append(line)
            parts[kind][1].append(pid)
        sent, failed = 0, len(failures)
        for kind, (lines, ids) in parts.items():
            if lines:
                s, f, fs = self._deliver(kind, lines, ids)
                sent, failed = sent + s, failed + f
                failures.extend(fs)
        return sent, failures, failed

    def _deliver(self, kind: int, lines: List[str], ids: List[str]) -> tuple:
        query = {}
        if self._partial:
            query["partial"] = "true"
        if self.model_id is not None:
            query["model_id"] = self.model_id
        path = self._prefix + ("/api/v1/predictions/bulk" if kind == _PREDICTION else "/api/v1/outcomes")
        if query:
            path += "?" + urllib.parse.urlencode(query)
        body = ("\n".join(lines) + "\n").encode("utf-8")
        attempt = 0
        while True:
            attempt += 1
            if self._aborted.is_set():
                return 0, len(ids), [self._failure(kind, i, "client closed before delivery") for i in ids]
            status, text, retry_after, error = self._post(path, body)
            if 200 <= status < 300:
                return self._accepted(kind, ids, text)
            if status == 413 and len(lines) > 1:
                half = (len(lines) + 1) // 2
                a = self._deliver(kind, lines[:half], ids[:half])
                b = self._deliver(kind, lines[half:], ids[half:])
                return a[0] + b[0], a[1] + b[1], a[2] + b[2]
            reason = error or self._describe(status, text)
            if status and status not in (408, 429) and status < 500:
                return self._rejected(kind, ids, text, reason)
            if attempt >= self._max_attempts:
                return 0, len(ids), [self._failure(kind, i, f"gave up after {attempt} attempts: {reason}") for i in ids]
            with self._cond:
                self._counts["retries"] += 1
            step = min(self._max_delay, self._initial_delay * 2 ** min(attempt - 1, 30))
            delay = step / 2 + random.random() * step / 2
            ra = _retry_after_seconds(retry_after)
            if ra is not None:
                delay = max(delay, min(ra, self._max_retry_after))
            self._aborted.wait(delay)

    def _post(self, path: str, body: bytes) -> tuple:
        """One request on the kept-alive connection: (status, text, retry_after, network_error)."""
        headers = {
            "authorization": f"Bearer {self._api_key}",
            "content-type": "application/x-ndjson",
            "accept": "application/json",
            "user-agent": "driftwatch-client-python",
        }
        try:
            if self._conn is None:
                cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
                self._conn = cls(self._host, self._port, timeout=self._timeout)
            self._conn.request("POST", path, body=body, headers=headers)
            res = self._conn.getresponse()
            text = res.read().decode("utf-8", "replace")
            if res.getheader("connection", "").lower() == "close":
                self._drop_connection()
            return res.status, text, res.getheader("retry-after"), None
        except (OSError, http.client.HTTPException) as e:
            self._drop_connection()
            return 0, "", None, f"{type(e).__name__}: {e}"

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def _accepted(self, kind: int, ids: List[str], text: str) -> tuple:
        try:
            body = json.loads(text) if text else {}
        except ValueError:
            body = {}
        rejected = min(len(ids), max(0, int(body.get("rejected") or 0)))
        reasons: Dict[int, List[str]] = {}
        for e in body.get("errors") or []:
            row = e.get("row")
            if isinstance(row, int) and 0 <= row < len(ids):
                reasons.setdefault(row, []).append((f"{e['field']}: " if e.get("field") else "") + str(e.get("problem", "rejected")))
        failures = [self._failure(kind, ids[r], "; ".join(rs)) for r, rs in list(reasons.items())[:rejected]]
        return len(ids) - rejected, rejected, failures

    def _rejected(self, kind: int, ids: List[str], text: str, reason: str) -> tuple:
        named: Dict[int, str] = {}
        try:
            problems = ((json.loads(text).get("error") or {}).get("details") or {}).get("problems") or []
            for p in problems:
                if isinstance(p.get("row"), int) and p["row"] not in named:
                    named[p["row"]] = (f"{p['field']}: " if p.get("field") else "") + str(p.get("problem", ""))
        except (ValueError, AttributeError):
            pass
        return 0, len(ids), [self._failure(kind, pid, named.get(i, reason)) for i, pid in enumerate(ids)]

    @staticmethod
    def _describe(status: int, text: str) -> str:
        try:
            err = json.loads(text).get("error") or {}
            if err.get("message"):
                return f"HTTP {status} {err.get('code', '')}: {err['message']}".replace(" :", ":")
        except (ValueError, AttributeError):
            pass
        return f"HTTP {status}" + (f": {text[:200]}" if text else "")

    @staticmethod
    def _failure(kind: int, pid: str, reason: str) -> Dict[str, str]:
        return {"kind": "prediction" if kind == _PREDICTION else "outcome", "prediction_id": pid, "reason": reason}

    def _abort(self) -> None:
        """Give up: whatever is still queued fails; the sender thread ends."""
        with self._cond:
            self._closing = True
            self._aborted.set()
            left = list(self._queue)
            self._queue.clear()
            failures = [self._failure(k, pid, "client closed before delivery") for k, _, pid, _, _ in left]
            self._counts["failed"] += len(failures)
            self._recent.extend(failures)
            self._settled += len(left)
            self._cond.notify_all()
        conn = self._conn
        if conn is not None and conn.sock is not None:
            try:  # wake a sender blocked on an unresponsive server; it then fails the batch
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


_open_clients: "weakref.WeakSet[DriftwatchClient]" = weakref.WeakSet()


def _install_sigterm(client: DriftwatchClient) -> None:
    """Flush on SIGTERM when no one else handles it: by default Python dies without running atexit."""
    _open_clients.add(client)
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGTERM) is _on_sigterm or signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
            return
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover - not allowed in this context
        pass


def _on_sigterm(signum: int, frame: Any) -> None:
    for client in list(_open_clients):
        client.close()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # then end as the process would have
    os.kill(os.getpid(), signal.SIGTERM)

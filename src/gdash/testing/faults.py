"""Fault injection for the Grafana emulator: what a slow, overloaded or flaky Grafana (or proxy) does."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

# Faults a server answers before doing any work (the request had no effect) ...
REJECTING = ("429", "503")
# ... and faults that may strike before or after the request was processed (its effect is unknown).
AMBIGUOUS = ("500", "502", "504", "reset", "timeout")
ALL_KINDS = REJECTING + AMBIGUOUS


@dataclass
class Fault:
    kind: str  # an HTTP status from REJECTING/AMBIGUOUS, "reset" or "timeout"
    after_processing: bool = False


@dataclass
class Faults:
    """Random faults on a share of requests, plus queued one-shot faults for exact scenarios.

    ``rate`` is the probability that a request fails with one of ``kinds``; ambiguous faults strike
    after the request was processed with probability ``after_processing``. ``timeout`` faults hold
    the connection for ``timeout_seconds`` and then drop it without an answer.
    """

    latency: float = 0.0
    rate: float = 0.0
    kinds: tuple[str, ...] = ALL_KINDS
    after_processing: float = 0.5
    retry_after: int = 0
    timeout_seconds: float = 1.0
    seed: int = 0
    _queue: list[tuple[str | None, str | None, Fault]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def queue(
        self,
        kind: str,
        *,
        method: str | None = None,
        path: str | None = None,
        count: int = 1,
        after_processing: bool = False,
    ) -> None:
        """Fail the next ``count`` requests matching ``method`` and path prefix ``path`` with ``kind``."""
        if kind not in ALL_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(ALL_KINDS)}")
        with self._lock:
            self._queue.extend([(method, path, Fault(kind, after_processing))] * count)

    def pick(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for i, (want_method, prefix, fault) in enumerate(self._queue):
                if (want_method in (None, method)) and (prefix is None or path.startswith(prefix)):
                    del self._queue[i]
                    return fault
            if self.rate and self._random.random() < self.rate:
                kind = self._random.choice(self.kinds)
                late = kind in AMBIGUOUS and self._random.random() < self.after_processing
                return Fault(kind, late)
        return None

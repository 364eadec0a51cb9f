"""Rate limits per API key, kept in Redis so every web process shares them (GCRA, the Lua in
service/store/lua/rate_prelude.lua): requests per minute, articles per minute and bytes of
article text per hour. Answers carry RateLimit-Limit/-Remaining/-Reset (the IETF httpapi
draft's fields) and a refusal is a 429 with Retry-After."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Quota:
    name: str           # also its Redis key part: rate:<key id>:<name>
    limit: int          # units per period; 0 turns the quota off
    period_seconds: int
    unit: str           # what is counted, for the refusal's message

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def describe(self) -> str:
        per = {60: "minute", 3600: "hour"}.get(self.period_seconds, f"{self.period_seconds} s")
        return f"{self.limit:,} {self.unit} per {per}"


@dataclass(frozen=True)
class QuotaState:
    """One quota after a request took from it (or was refused)."""

    quota: Quota
    allowed: bool
    remaining: int
    reset_ms: int        # until the quota is whole again
    retry_after_ms: int  # until the refused cost would fit

    @classmethod
    def from_script(cls, quota: Quota, state: list) -> QuotaState:
        allowed, remaining, reset_ms, retry_after_ms = (int(v) for v in state)
        return cls(quota, allowed == 1, max(0, remaining), max(0, reset_ms), max(0, retry_after_ms))

    def headers(self) -> dict[str, str]:
        headers = {"RateLimit-Limit": str(self.quota.limit),
                   "RateLimit-Remaining": str(self.remaining),
                   "RateLimit-Reset": str(math.ceil(self.reset_ms / 1000))}
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.retry_after_ms / 1000)))
        return headers

    def refusal(self, cost: int = 1) -> str:
        if cost > self.quota.limit:
            return (f"this needs {cost:,} {self.quota.unit}, more than the whole limit of "
                    f"{self.quota.describe()} for this API key")
        return (f"rate limit reached: {self.quota.describe()} for this API key; "
                f"try again in {max(1, math.ceil(self.retry_after_ms / 1000))} s")

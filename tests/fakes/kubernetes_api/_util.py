"""Small shared pieces of the fake API server: errors as Status objects, times, quantities, names."""

from __future__ import annotations

import copy
import datetime as dt
import re
import secrets
import time
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

JsonDict = dict[str, Any]

# Resources served under /api/v1: plural -> (Kind, namespaced)
CORE_RESOURCES: dict[str, tuple[str, bool]] = {
    "pods": ("Pod", True),
    "secrets": ("Secret", True),
    "configmaps": ("ConfigMap", True),
    "persistentvolumeclaims": ("PersistentVolumeClaim", True),
    "serviceaccounts": ("ServiceAccount", True),
    "events": ("Event", True),
    "namespaces": ("Namespace", False),
}


class ApiError(Exception):
    """An error answered as a ``Status`` object, shaped like the real API server's."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: JsonDict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self) -> JsonDict:
        return failure_status(self.code, self.reason, self.message, self.details)


def failure_status(code: int, reason: str, message: str, details: JsonDict | None = None) -> JsonDict:
    body: JsonDict = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details:
        body["details"] = details
    body["code"] = code
    return body


def _details(name: str, resource: str, group: str = "") -> JsonDict:
    details: JsonDict = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = resource
    return details


def qualified(resource: str, group: str = "") -> str:
    return f"{resource}.{group}" if group else resource


def not_found(resource: str, name: str, group: str = "") -> ApiError:
    return ApiError(
        404, "NotFound", f'{qualified(resource, group)} "{name}" not found', _details(name, resource, group)
    )


def already_exists(resource: str, name: str, group: str = "") -> ApiError:
    return ApiError(
        409,
        "AlreadyExists",
        f'{qualified(resource, group)} "{name}" already exists',
        _details(name, resource, group),
    )


def conflict(resource: str, name: str, detail: str) -> ApiError:
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {resource} "{name}": {detail}',
        _details(name, resource),
    )


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def forbidden(resource: str, name: str, detail: str) -> ApiError:
    return ApiError(403, "Forbidden", f'{resource} "{name}" is forbidden: {detail}', _details(name, resource))


def method_not_allowed() -> ApiError:
    return ApiError(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
    )


def new_uid() -> str:
    return str(uuid.uuid4())


_GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def generate_name_suffix() -> str:
    """The 5 characters the API server appends to ``generateName`` (no vowels, no 0/1/3)."""
    return "".join(secrets.choice(_GENERATE_ALPHABET) for _ in range(5))


# --- times -----------------------------------------------------------------------------------


def rfc3339(ts: float | None = None) -> str:
    """``metav1.Time``: seconds precision, UTC, ``Z``."""
    moment = dt.datetime.fromtimestamp(time.time() if ts is None else ts, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(ts: float | None = None) -> str:
    """``metav1.MicroTime`` (event ``eventTime``): microseconds, UTC, ``Z``."""
    moment = dt.datetime.fromtimestamp(time.time() if ts is None else ts, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339_nano(ns: int) -> str:
    """The kubelet's log timestamp: RFC 3339 with exactly nine fraction digits, UTC."""
    seconds, fraction = divmod(ns, 1_000_000_000)
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{fraction:09d}Z"


_RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$"
)


def parse_rfc3339_ns(text: str) -> int:
    """Parse an RFC 3339 time into nanoseconds since the epoch; ``ValueError`` when malformed."""
    match = _RFC3339_RE.match(text)
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tz = dt.timezone.utc
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz)
    nanos = int((fraction or "").ljust(9, "0") or 0)
    return int(moment.timestamp()) * 1_000_000_000 + nanos


def go_duration(seconds: float) -> str:
    """A duration roughly as Go's ``time.Duration.String()`` prints it (``512ms``, ``1.25s``)."""
    if seconds < 0.001:
        return f"{max(seconds * 1_000_000, 1):.0f}µs"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    text = f"{seconds:.3f}".rstrip("0").rstrip(".")
    return f"{text}s"


# --- quantities ------------------------------------------------------------------------------

_QUANTITY_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")
_SUFFIX = {
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}


def parse_quantity(value: Any) -> Decimal:
    """A Kubernetes ``resource.Quantity`` as a number; ``ValueError`` when it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    if not isinstance(value, str):
        raise ValueError(value)
    match = _QUANTITY_RE.match(value.strip())
    if not match:
        raise ValueError(value)
    number, suffix = match.groups()
    try:
        base = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex already checked
        raise ValueError(value) from exc
    suffix = suffix or ""
    if suffix[:1] in ("e", "E"):
        return base * (Decimal(10) ** int(suffix[1:]))
    return base * _SUFFIX[suffix]


def deep_copy(obj: Any) -> Any:
    return copy.deepcopy(obj)


def meta(obj: JsonDict) -> JsonDict:
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
        obj["metadata"] = metadata
    return metadata

"""geopy's HTTP adapter with a whole-request deadline, a size cap and a results cap.

geopy's own adapters pass ``timeout`` to each socket read: a server that trickles its body a
byte at a time, or sends an endless chunked body, keeps a request alive for ever, and a huge
answer is read, decoded and parsed whole. :class:`BoundedAdapter` reads the body in small
pieces (``read1``: one socket read each, so the clock is checked between reads) and gives up
when the request as a whole (connect, headers, body) passes its deadline, when the body
passes ``max_bytes``, or when the answer is an error message dressed as a 200. A list of
results is cut to ``max_results`` before geopy parses it, so a service that answers 100,000
candidates costs no more than one that answers six.

Failures are geopy's exceptions (``GeocoderTimedOut``, ``GeocoderUnavailable``,
``GeocoderServiceError``), so the chain retries, falls back and caches nothing for them.
"""

from __future__ import annotations

import functools
import json
import time
from typing import Any

from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import GeocoderParseError, GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable

__all__ = ["BoundedAdapter", "bounded_adapter", "MAX_BYTES", "DEADLINE_FACTOR", "ServiceAnsweredError"]

MAX_BYTES = 4 * 1024 * 1024  # a geocoder's answer for one name is a few kB; 4 MB is generous
DEADLINE_FACTOR = 2.0  # a whole request may take this many times the per-read timeout
_PIECE = 64 * 1024


class ServiceAnsweredError(GeocoderServiceError):
    """The service answered 200 with an error message instead of results: not "nothing found"."""


class BoundedAdapter(RequestsAdapter):
    """``RequestsAdapter`` (no silent retries: the chain's are counted and paced) with bounds."""

    def __init__(
        self,
        *,
        proxies: Any,
        ssl_context: Any,
        deadline: float | None = None,
        max_bytes: int = MAX_BYTES,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_retries", 0)
        super().__init__(proxies=proxies, ssl_context=ssl_context, **kwargs)
        self.deadline = deadline  # seconds for the whole request; None: DEADLINE_FACTOR x timeout
        self.max_bytes = max_bytes
        self.max_results = max_results

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        body, encoding = self._fetch(url, timeout=timeout, headers=headers)
        try:
            return body.decode(encoding or "utf-8", errors="replace")
        except LookupError:  # an unknown charset in the header
            return body.decode("utf-8", errors="replace")

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            data = json.loads(text)
        except ValueError:
            raise GeocoderParseError(f"the answer is not JSON: {text[:200]!r}") from None
        _raise_if_error_answer(data)
        return _cut(data, self.max_results)

    def _fetch(self, url: str, *, timeout: float, headers: dict[str, str]) -> tuple[bytes, str | None]:
        """The body, read within the deadline and the size cap; geopy's exceptions otherwise."""
        total = self.deadline if self.deadline is not None else DEADLINE_FACTOR * float(timeout)
        started = time.monotonic()
        try:
            response = self.session.get(url, timeout=min(float(timeout), total), headers=headers, stream=True)
        except Exception as exc:  # the parent's mapping of requests' errors to geopy's
            _raise_request_error(exc)
        try:
            if response.status_code >= 400:
                body = _read(response, started + total, min(self.max_bytes, 64 * 1024), truncate=True)
                raise AdapterHTTPError(
                    f"Non-successful status code {response.status_code}",
                    status_code=response.status_code,
                    headers=response.headers,
                    text=body.decode("utf-8", errors="replace"),
                )
            return _read(response, started + total, self.max_bytes), response.encoding
        except (AdapterHTTPError, GeocoderServiceError):
            raise
        except Exception as exc:
            _raise_request_error(exc)
        finally:
            response.close()


def _read(response: Any, deadline: float, max_bytes: int, truncate: bool = False) -> bytes:
    """Read the body piece by piece, watching the clock and the size."""
    raw = response.raw
    pieces: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise GeocoderTimedOut("no complete answer within the request's deadline")
        piece = raw.read1(_PIECE, decode_content=True)
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > max_bytes:
            if truncate:
                pieces.append(piece[: max_bytes - (size - len(piece))])
                return b"".join(pieces)
            raise GeocoderServiceError(f"the answer is larger than {max_bytes // (1024 * 1024)} MB: not read")
        pieces.append(piece)


def _raise_request_error(exc: Exception) -> Any:
    """requests'/urllib3's exception as geopy's (what RequestsAdapter does for its own requests)."""
    import requests
    from urllib3.exceptions import ProtocolError, ReadTimeoutError

    if isinstance(exc, (GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable)):
        raise exc
    message = str(exc) or type(exc).__name__
    if isinstance(exc, (TimeoutError, requests.Timeout, ReadTimeoutError)) or "timed out" in message:
        raise GeocoderTimedOut("timed out waiting for the service") from None
    if isinstance(exc, (requests.ConnectionError, ProtocolError, ConnectionError, OSError)):
        reason = message.rsplit(": ", 1)[-1].strip("')( ") if "Errno" in message else message
        raise GeocoderUnavailable(f"cannot connect: {reason[:200]}") from None
    raise GeocoderServiceError(message) from None


def _raise_if_error_answer(data: Any) -> None:
    """``{"error": ...}`` with status 200 (Nominatim does this) is a failure, never "nothing found"."""
    if isinstance(data, dict) and not ({"features", "results", "lat", "geometry"} & data.keys()):
        for key in ("error", "error_message", "message"):
            if key in data and data[key]:
                value = data[key]
                if isinstance(value, dict):
                    value = value.get("message") or value
                raise ServiceAnsweredError(f"the service answered with an error: {str(value)[:200]}")


def _cut(data: Any, limit: int | None) -> Any:
    """Keep the first ``limit`` results (a plain list, or a dict's 'features'/'results' list)."""
    if not limit:
        return data
    if isinstance(data, list):
        return data[:limit]
    if isinstance(data, dict):
        for key in ("features", "results"):
            if isinstance(data.get(key), list) and len(data[key]) > limit:
                data = {**data, key: data[key][:limit]}
    return data


def bounded_adapter(
    deadline: float | None = None, max_bytes: int = MAX_BYTES, max_results: int | None = None
) -> Any:
    """An ``adapter_factory`` for a geopy geocoder class."""
    return functools.partial(BoundedAdapter, deadline=deadline, max_bytes=max_bytes, max_results=max_results)

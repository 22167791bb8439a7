"""Container image references, checked with the grammar of distribution/reference (Docker, containerd)."""

from __future__ import annotations

import re

_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|-+)"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_NAME = rf"(?:{_HOST}(?::[0-9]+)?/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(rf"(?P<name>{_NAME})(?::{_TAG})?(?:@{_DIGEST})?")
_MAX_NAME_LENGTH = 255


def check_image_reference(value: str) -> str:
    """Return ``value`` if it is ``[registry[:port]/]path[:tag][@digest]``, else raise ``ValueError``."""
    match = _REFERENCE.fullmatch(value)
    if match is None or len(match["name"]) > _MAX_NAME_LENGTH:
        raise ValueError(
            f"{value!r} is not an image reference: expected [registry[:port]/]path[:tag][@sha256:digest] "
            "with a lowercase path"
        )
    return value

"""Version order as Maven's ``ComparableVersion`` defines it, so "latest" means what CI publishers mean.

Plain string order puts ``1.9`` after ``1.10`` and ``1.0`` before ``1.0-SNAPSHOT``. Maven's rules
(the ones Nexus users expect) split a version on ``.``, ``-`` and digit/letter changes; numbers
compare as numbers, trailing zeros do not count (``1.0.0 == 1``), and qualifiers order as
``alpha < beta < milestone < rc = cr < snapshot < release ("", ga, final) < sp``, with unknown
qualifiers after those, alphabetically. ``-`` opens a sub-list, which makes ``2.0.0-rc.1 < 2.0.0``.

A timestamped snapshot as Maven deploys it (``2.0.0-20240212.174455-3``) is the build of
``2.0.0-SNAPSHOT`` it names: it ranks as that snapshot (below ``2.0.0``), newer builds higher.

Maven's own comparison is not transitive for a few odd spellings (``0 < 0.a < 0-0.alpha < 0``):
it weighs a sub-list against a missing item by its content but against a qualifier by kind.
Here Maven's parse is flattened into tokens compared lexicographically, missing tokens counting
as "release": the same answers on real versions, and always a total order, so sorting is sound.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import total_ordering
from typing import Union

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_RELEASE = str(_QUALIFIERS.index(""))
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT_BEFORE_DIGIT = {"a": "alpha", "b": "beta", "m": "milestone"}
_PRERELEASE_QUALIFIERS = frozenset({"alpha", "beta", "milestone", "rc", "snapshot"})
# <base>-<yyyyMMdd.HHmmss>-<build number>: the file names of a deployed SNAPSHOT.
_TIMESTAMPED_SNAPSHOT = re.compile(r"-(\d{8})\.(\d{6})-(\d+)$")

_Item = Union[int, str, "list[_Item]"]


def _qualifier(text: str, *, followed_by_digit: bool) -> str:
    if followed_by_digit and text in _SHORT_BEFORE_DIGIT:
        return _SHORT_BEFORE_DIGIT[text]
    return _ALIASES.get(text, text)


def _rank(qualifier: str) -> str:
    """The sortable form of a qualifier: its index, or after all known ones for unknown ones."""
    if qualifier in _QUALIFIERS:
        return str(_QUALIFIERS.index(qualifier))
    return f"{len(_QUALIFIERS)}-{qualifier}"


def _is_null(item: _Item) -> bool:
    return item in (0, "", [])


def _normalize(items: list[_Item]) -> None:
    """Drop trailing zeros and release qualifiers, looking through trailing sub-lists."""
    for index in range(len(items) - 1, -1, -1):
        if _is_null(items[index]):
            del items[index]
        elif not isinstance(items[index], list):
            break


def _parse(version: str) -> list[_Item]:
    text = _TIMESTAMPED_SNAPSHOT.sub(r"-snapshot-\1.\2.\3", version.lower())
    root: list[_Item] = []
    current = root
    opened = [root]
    is_digit = False
    start = 0

    def item(end: int) -> _Item:
        token = text[start:end]
        return int(token) if is_digit else _qualifier(token, followed_by_digit=False)

    def open_list() -> None:
        nonlocal current
        sub: list[_Item] = []
        current.append(sub)
        current = sub
        opened.append(sub)

    for index, char in enumerate(text):
        if char in ".-":
            if index == start:
                current.append(0)
            else:
                if not is_digit and current:  # the same rule where a separator ends the qualifier
                    open_list()
                current.append(item(index))
            start = index + 1
            if char == "-":
                open_list()
        elif "0" <= char <= "9":
            if not is_digit and index > start:
                if current:  # 1.0.0.x1 < 1.0.0-x2: a qualifier after "." starts a sub-list
                    open_list()
                current.append(_qualifier(text[start:index], followed_by_digit=True))
                start = index
                open_list()
            is_digit = True
        else:
            if is_digit and index > start:
                current.append(item(index))
                start = index
                open_list()
            is_digit = False
    if len(text) > start:
        if not is_digit and current:
            open_list()
        current.append(item(len(text)))
    for items in reversed(opened):
        _normalize(items)
    return root


# Token order: pre-release qualifiers < release (also what a missing token counts as)
# < later qualifiers < a sub-list that starts with a number < numbers.
_Token = tuple[int, int | str]
_MISSING: _Token = (1, "")


def _tokens(items: list[_Item], *, top: bool = True) -> list[_Token]:
    tokens: list[_Token] = []
    if not top and not isinstance(items[0], str):
        tokens.append((3, ""))  # "1-1" sorts after "1-sp" and before "1.1"
    for item in items:
        if isinstance(item, list):
            tokens += _tokens(item, top=False)
        elif isinstance(item, int):
            tokens.append((4, item))
        else:
            ranked = _rank(item)
            tokens.append(_MISSING if ranked == _RELEASE else (0 if ranked < _RELEASE else 2, ranked))
    while tokens and tokens[-1] == _MISSING:
        tokens.pop()
    return tokens


def _compare(left: tuple[_Token, ...], right: tuple[_Token, ...]) -> int:
    for a, b in itertools.zip_longest(left, right, fillvalue=_MISSING):
        if a != b:
            return -1 if a < b else 1
    return 0


@total_ordering
class ComparableVersion:
    """A version string ordered by Maven's rules; equal when Maven says so (``1.0 == 1``)."""

    __slots__ = ("_tokens", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = tuple(_tokens(_parse(text)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ComparableVersion):
            return NotImplemented
        return self._tokens == other._tokens

    def __lt__(self, other: ComparableVersion) -> bool:
        return _compare(self._tokens, other._tokens) < 0

    def __hash__(self) -> int:
        return hash(self._tokens)

    def __repr__(self) -> str:
        return f"ComparableVersion({self.text!r})"


def version_key(version: str) -> ComparableVersion:
    """Sort key: ``sorted(versions, key=version_key)`` is oldest first."""
    return ComparableVersion(version)


def newest_first(versions: Iterable[str]) -> list[str]:
    """The versions, newest first; versions Maven holds equal keep their given order."""
    return sorted(versions, key=version_key, reverse=True)


def is_release(version: str) -> bool:
    """False for pre-releases: an alpha, beta, milestone, rc/cr or snapshot qualifier anywhere.

    What ``latest-release`` skips; Nexus's own ``prerelease`` search filter does not do this
    for Maven repositories.
    """
    return not any(
        isinstance(item, str) and item in _PRERELEASE_QUALIFIERS for item in _flatten(_parse(version))
    )


def first_release(versions: Iterable[str]) -> str | None:
    """The first release of ``versions`` (given newest first): what ``latest-release`` runs."""
    return next((version for version in versions if is_release(version)), None)


def _flatten(items: list[_Item]) -> Iterable[_Item]:
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item

"""The pages in French, as a user of Airflow 3 gets them, and a check that no English is left.

- ``choose_airflow_language(page, "fr")``: what a user does in Airflow's user menu ("Select
  Language", then a language in the dialog). Airflow's i18next stores the choice in
  localStorage (``i18nextLng``) and sets ``<html lang>``; the plugin's pages follow both.
- ``choose_airflow_time_zone(page, "Asia/Tokyo")``: the nav's time-zone button and its dialog
  (Airflow keeps the choice in localStorage ``timezone``).
- ``english_left(page)``: the English still shown on the plugin's part of the page (visible text,
  and the ``aria-label``/``title``/``placeholder``/``alt`` a screen reader or a hover shows).

What is not words is skipped: an element marked ``data-untranslated`` (``="data"`` for names,
versions, files, code; ``="server"`` for the API's own English sentences) and everything inside
it, and tokens that are identifiers (``hello-python``, ``job_x.py``, ``1.1.0``) rather than words.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.pages import PAGES_ROOT, REPO

CATALOGUES = REPO / "plugins" / "ui" / "src" / "i18n"
# Airflow's own names for its languages, as its language dialog lists them.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch"}

ENGLISH_WORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "english_ui_words.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
WORD = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ]+$")
PUNCTUATION = "«»“”\"'()[]{}.,;:!?…·—\u2013"  # \u2013: the en dash

_TEXTS = """
(root) => {
  const visible = (element) => {
    const shown = element.closest("option") ? element.closest("select") : element;
    return shown !== null && shown.getClientRects().length > 0;
  };
  const found = [];
  for (const part of document.querySelectorAll(root)) {
    const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      const text = node.textContent.trim();
      if (!text || !element || element.closest("[data-untranslated], script, style")) continue;
      if (visible(element)) found.push(text);
    }
    for (const element of part.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
      if (element.closest("[data-untranslated]")) continue;
      for (const name of ["aria-label", "title", "placeholder", "alt"]) {
        const value = element.getAttribute(name);
        if (value && value.trim()) found.push(value.trim());
      }
    }
  }
  return found;
}
"""


def choose_airflow_language(page: Page, language: str) -> None:
    """Choose ``language`` ("fr", "en", "de") in Airflow's user menu, as a user does; waits until
    Airflow has switched (``<html lang>``)."""
    page.get_by_test_id("nav-sidebar").get_by_role("button").last.click()  # the user menu
    page.locator('[role="menuitem"][data-value="language"]').click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox").fill(LANGUAGE_NAMES[language])
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", language)
    dialog.locator('[data-part="close-trigger"]').click()
    expect(dialog).to_have_count(0)


def choose_airflow_time_zone(page: Page, zone: str) -> None:
    """Choose ``zone`` ("Asia/Tokyo") with the nav's time-zone button (it shows the UTC offset)."""
    page.get_by_test_id("nav-sidebar").get_by_role("button", name=re.compile(r"^[+-]\d\d:\d\d$")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox").fill(zone)
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text(zone)
    dialog.locator('[data-part="close-trigger"]').click()
    expect(dialog).to_have_count(0)


@cache
def _english_fragments() -> tuple[str, ...]:
    """Pieces of English messages (between placeholders) that no French message contains."""
    english: dict[str, str] = json.loads((CATALOGUES / "en.json").read_text(encoding="utf-8"))
    french: dict[str, str] = json.loads((CATALOGUES / "fr.json").read_text(encoding="utf-8"))
    fragments = set()
    for key, message in english.items():
        if message == french.get(key):
            continue
        for between_placeholders in re.split(r"\{\w+\}", message):
            piece = between_placeholders.strip(" " + PUNCTUATION)
            letters = sum(character.isalpha() for character in piece)
            if letters >= 4 and not any(piece in other for other in french.values()):
                fragments.add(piece)
    return tuple(sorted(fragments, key=len, reverse=True))


def is_english(text: str) -> bool:
    """Whether ``text`` holds an English message of the catalogue or a common English UI word."""
    if any(re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text) for piece in _english_fragments()):
        return True
    words = (token.strip(PUNCTUATION) for token in text.split())
    return any(WORD.match(word) and word.lower() in ENGLISH_WORDS for word in words)


def english_left(page: Page) -> list[str]:
    """The texts still in English on the plugin's part of ``page``, each once, in page order."""
    texts: list[str] = page.evaluate(_TEXTS, PAGES_ROOT)
    return list(dict.fromkeys(text for text in texts if is_english(text)))

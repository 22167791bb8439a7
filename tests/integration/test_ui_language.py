"""The pages in the language and time zone chosen in Airflow's own menus, in a real Airflow.

A user picks French in Airflow's user menu: the Artifacts page and the Deploy form (every
section, the preview's tabs, a 422 shown at its field, the deployed state) show no English but data and the server's
own sentences (marked ``data-untranslated``); switching language or time zone re-renders the
pages in place, without a reload.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.french import choose_airflow_language, choose_airflow_time_zone, english_left
from tests.browser.pages import PAGES, PAGES_ROOT, assert_accessible, choose, screenshot
from tests.browser.ui_stack import NEXUS_REPORT, NEXUS_REPOSITORY, RUNNER_IMAGE, UiStack

pytestmark = pytest.mark.integration

# A mark the page keeps until it is reloaded: the proof that a change re-rendered in place.
MARK_PAGE = "() => { window.notReloaded = true; }"
STILL_MARKED = "() => window.notReloaded === true"


def in_french(ui: UiStack, open_page: Callable[[str], Page], address: str) -> Page:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/{address}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    choose_airflow_language(page, "fr")
    return page


def assert_all_french(page: Page) -> None:
    assert english_left(page) == []
    assert_accessible(page)


def test_the_french_artifacts_page_has_no_english_left(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = in_french(ui, open_page, "browse?source=local&repository=examples")
    expect(page.get_by_role("heading", name="Artefacts", level=1)).to_be_visible()
    hello = page.get_by_role("region", name="hello-python")
    hello.get_by_role("button", name="Fichiers de 1.1.0").click()
    expect(hello.get_by_role("table", name="Fichiers de hello-python 1.1.0")).to_contain_text("sha256:")
    assert_all_french(page)

    choose(page, "Source", "nexus")
    choose(page, "Dépôt", NEXUS_REPOSITORY)
    expect(page.get_by_role("button", name="Charger la suite")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^\d+ composants pour l'instant$"))).to_be_visible()
    assert_all_french(page)

    page.get_by_label("Recherche", exact=True).fill("report")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_role("heading", level=2)).to_have_text([NEXUS_REPORT])
    expect(page.get_by_text("1 composant", exact=True)).to_be_visible()
    assert_all_french(page)
    page.get_by_label("Recherche", exact=True).fill("zzz")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_text(f"Rien dans {NEXUS_REPOSITORY} ne correspond à « zzz ».")).to_be_visible()
    assert english_left(page) == []


def test_the_french_deploy_form_has_no_english_left(ui: UiStack, open_page: Callable[[str], Page]) -> None:
    page = in_french(ui, open_page, "browse?source=local&repository=tests")
    page.get_by_role("link", name="Déployer echo-job 1.0.0").click()
    expect(page.get_by_role("heading", name="Déployer echo-job", level=1)).to_be_visible()
    page.get_by_label("Nom du déploiement").fill("Echo_FR")
    expect(page.get_by_text("lettres minuscules uniquement")).to_be_visible()  # checked as typed
    page.get_by_label("Nom du déploiement").fill("fr-echo")

    # Every section, each list with an item, in a pod (which adds mounts and resources).
    choose(page, "Exécuteur", "kubernetes")
    choose(page, "Image d'exécution", RUNNER_IMAGE)
    choose(page, "Quand", "cron")
    page.get_by_label("Expression cron").fill("30 4 * * 1-5")
    expect(page.get_by_test_id("schedule-preview").get_by_role("listitem")).to_have_count(5)
    for button in (
        "Ajouter un argument",
        "Ajouter une variable",
        "Ajouter un fichier de configuration",
        "Ajouter un montage",
        "Ajouter une adresse e-mail",
        "Ajouter une étiquette",
    ):
        page.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name="Retirer l'argument 1")).to_be_visible()
    assert_all_french(page)
    for label, value in (
        ("Argument 1", "--verbose"),
        ("Nom de la variable 1", "GREETING"),
        ("Valeur de la variable 1", "bonjour"),
        ("Nom du fichier 1", "settings.ini"),
        ("Contenu du fichier 1", "[job]"),
        ("Adresse e-mail 1", "ops@example.org"),
        ("Étiquette 1", "fr"),
    ):
        page.get_by_label(label, exact=True).fill(value)
    choose(page, "Type du montage 1", "pvc")
    page.get_by_label("Demande de volume du montage 1").fill("data")
    page.get_by_label("Chemin du montage 1 dans le job").fill("/mnt/data")

    # The preview's tabs.
    page.get_by_role("button", name="Vérifier et prévisualiser").click()
    for tab in ("Vérifications", "Pod (YAML)", "Code du DAG"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tabpanel", name=tab)).to_be_visible()
        assert english_left(page) == [], tab
    expect(page.get_by_role("button", name="Copier le code du DAG")).to_be_visible()
    page.get_by_role("tab", name="Pod (YAML)").click()
    page.get_by_role("heading", name="4. Déploiement").evaluate("heading => heading.scrollIntoView()")
    screenshot(page, "ui-deploy-fr")

    # A 422 shown at its field: the field's words are French, the server's reason its own.
    page.get_by_label("Nouvelles tentatives", exact=True).fill("eleven")
    page.get_by_role("button", name="Déployer", exact=True).click()
    retries = page.get_by_label("Nouvelles tentatives", exact=True)
    expect(retries).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Input should be a valid integer")).to_be_visible()
    expect(page.get_by_text("Chaque problème est indiqué à son champ ci-dessus.")).to_be_visible()
    assert_all_french(page)

    # Deployed: where its DAG is and its state, in French too.
    retries.fill("2")
    page.get_by_role("button", name="Déployer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("fr-echo déployé (révision 1)")
    expect(page.get_by_role("button", name="Modifier et redéployer")).to_be_visible()
    assert_all_french(page)


def test_choosing_another_language_in_airflow_re_renders_the_pages_in_place(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = open_page("admin")
    page.goto(f"{ui.base_url}{PAGES}/browse?source=local&repository=examples")
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()
    assert "Artifacts" in english_left(page)  # the check finds English where there is some
    page.evaluate(MARK_PAGE)

    choose_airflow_language(page, "fr")
    expect(page.get_by_role("heading", name="Artefacts", level=1)).to_be_visible()
    expect(page.locator(PAGES_ROOT)).to_have_attribute("lang", "fr")  # what screen readers speak
    expect(page.get_by_role("search", name="Rechercher dans le dépôt")).to_be_visible()
    # A language the pages lack: Airflow speaks it, the pages English (and say so).
    choose_airflow_language(page, "de")
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()
    expect(page.locator(PAGES_ROOT)).to_have_attribute("lang", "en")
    choose_airflow_language(page, "fr")
    expect(page.get_by_role("heading", name="Artefacts", level=1)).to_be_visible()
    choose_airflow_language(page, "en")
    expect(page.get_by_role("heading", name="Artifacts", level=1)).to_be_visible()
    assert page.evaluate(STILL_MARKED)


def test_choosing_another_time_zone_in_airflow_re_formats_dates_in_place(
    ui: UiStack, open_page: Callable[[str], Page]
) -> None:
    page = in_french(ui, open_page, "browse?source=local&repository=examples")
    choose_airflow_time_zone(page, "UTC")
    hello = page.get_by_role("region", name="hello-python")
    # The upload time as the API gave it to the page.
    with page.expect_response(re.compile(r"/repositories/examples/assets\?")) as answer:
        hello.get_by_role("button", name="Fichiers de 1.1.0").click()
    asset = answer.value.json()[0]
    assert asset["last_modified"]
    uploaded = hello.get_by_role("table", name="Fichiers de hello-python 1.1.0").get_by_role("cell").nth(3)

    def as_shown(zone: str) -> str:
        """The upload time as French in ``zone`` reads it, formatted by the browser's own ICU."""
        return str(
            page.evaluate(
                """([iso, zone]) => new Intl.DateTimeFormat("fr", {
                    dateStyle: "medium", timeStyle: "medium", timeZone: zone }).format(new Date(iso))""",
                [asset["last_modified"], zone],
            )
        )

    expect(uploaded).to_have_text(as_shown("UTC"))
    page.evaluate(MARK_PAGE)
    choose_airflow_time_zone(page, "Asia/Tokyo")
    expect(uploaded).to_have_text(as_shown("Asia/Tokyo"))
    assert as_shown("Asia/Tokyo") != as_shown("UTC")
    assert page.evaluate(STILL_MARKED)

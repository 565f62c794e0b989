"""The search page in a real headless Chromium, against the local stack over HTTP.

The stack runs as `claimsearch serve` would (SQLite in a temporary folder, the example article
dropped into its inbox); each check compares what the page shows with what the API answers,
so a page that renders the wrong claims, drops a filter or shifts an offset fails.

Screenshots of each step land in test-artifacts/browser/ (git-ignored; set
CLAIMSEARCH_TEST_ARTIFACTS to put them elsewhere). Needs Playwright for Python (the dev extra)
and a Chromium on the machine (Debian: `apt-get install chromium`; .ci/run installs it when it
runs as root); Playwright's own browser download is not used. Without either, the tests skip
and say why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_ARTICLE, REPO
from tests.local_stack import get_json, running_stack, wait_for

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed (pip install -e '.[dev]'): the browser tests need it",
)
expect = sync_api.expect

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ARTIFACTS = Path(os.environ.get("CLAIMSEARCH_TEST_ARTIFACTS") or REPO / "test-artifacts") / "browser"
TIMEOUT_MS = 15_000


def _chromium() -> str | None:
    configured = os.environ.get("CLAIMSEARCH_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip(
        "no Chromium found (looked for CLAIMSEARCH_CHROMIUM, then "
        f"{', '.join(BROWSER_NAMES)} on PATH): install it with `apt-get install chromium`"
        " (.ci/run does so when run as root) to run the search page's browser tests",
        allow_module_level=True,
    )


# -- the stack ------------------------------------------------------------------------------


def _get(url: str) -> tuple[int, Any]:
    return get_json(url)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`claimsearch serve` on a free port, with the example article ingested; yields its base URL."""
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        shutil.copy(EXAMPLE_ARTICLE, running.inbox / EXAMPLE_ARTICLE.name)
        base = running.base
        wait_for(lambda: _get(f"{base}/claims?claimant=Ahn")[1].get("total") == 2, 180, "the example")
        yield base


@pytest.fixture(scope="module")
def stack_twice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A stack of its own with the example article ingested twice, under two file names.

    The second copy's claims join the first's clusters, so every claim with a claimant
    identity is reported twice (one with none is a cluster of its own). Apart from `stack`,
    whose tests count the example's claims.
    """
    with running_stack(tmp_path_factory.mktemp("stack-twice")) as running:
        base = running.base

        def by_ahn() -> Any:
            return _get(f"{base}/claims?claimant=Ahn")[1].get("total")

        # One after the other, so the first copy is the first appearance of every cluster.
        shutil.copy(EXAMPLE_ARTICLE, running.inbox / f"first-{EXAMPLE_ARTICLE.name}")
        wait_for(lambda: by_ahn() == 2, 180, "the first copy")
        shutil.copy(EXAMPLE_ARTICLE, running.inbox / f"second-{EXAMPLE_ARTICLE.name}")
        wait_for(lambda: by_ahn() == 4, 180, "the second copy")
        yield base


def api(base: str, path: str, **params: str) -> Any:
    query = urllib.parse.urlencode(params)
    status, body = _get(f"{base}{path}{'?' + query if query else ''}")
    assert status == 200, body
    return body


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.folder = ARTIFACTS
        self.name = name
        self.count = 0

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.name}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    problems: list[str] = []
    # A script error or a Content-Security-Policy violation shows up here; the page must have none.
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    opened.problems = problems
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.shots = Shots(opened, request.node.name.removeprefix("test_"))
    yield opened
    context.close()
    print(f"screenshots: {ARTIFACTS}")
    assert problems == [], problems


def hit_ids(page: Any) -> list[str]:
    ids: list[str] = page.locator("#hits > li").evaluate_all("items => items.map(i => i.dataset.claim)")
    return ids


def wait_for_results(page: Any, total: int) -> None:
    status = page.locator("#result-status")
    expect(status).to_have_attribute("data-total", str(total))
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")


# -- tests ----------------------------------------------------------------------------------


def test_page_and_assets_come_from_the_local_stack_with_a_strict_policy(stack: str) -> None:
    with urllib.request.urlopen(f"{stack}/", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy
        assert "static/app.js" in response.read().decode()
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        with urllib.request.urlopen(f"{stack}/static/{name}", timeout=10) as response:
            assert response.headers["Content-Type"].startswith(kind)
    # Nothing outside the page's folder, and the API still answers everything else.
    assert _get(f"{stack}/static/..%2F__init__.py")[0] == 404
    assert _get(f"{stack}/static/missing.js")[0] == 404
    assert _get(f"{stack}/health")[0] == 200


def test_no_api_text_is_parsed_as_html() -> None:
    """Claims quote arbitrary article text: the page builds its DOM from text nodes only."""
    script = (REPO / "shared/claimsearch/web/static/app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, sink


def test_a_claimant_is_suggested_as_one_types_and_picked_with_the_keyboard(stack: str, page: Any) -> None:
    everything = api(stack, "/claims", limit="100")
    page.goto(f"{stack}/")
    wait_for_results(page, everything["total"])
    assert len(hit_ids(page)) == everything["total"]
    page.shots("landing")

    box = page.get_by_role("combobox", name="Claimant")
    box.press_sequentially("Ah", delay=60)
    listbox = page.get_by_role("listbox", name="Claimant suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    suggestions = api(stack, "/claimants", q="Ah")["claimants"]
    assert suggestions and suggestions[0]["name"] == "Ahn Myeong-chul"
    options = listbox.get_by_role("option")
    expect(options).to_have_count(len(suggestions))
    expect(options.first).to_contain_text("Ahn Myeong-chul")
    page.shots("suggestions")

    # Arrow keys move the active option (focus stays in the input: aria-activedescendant).
    box.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_be_focused()
    box.press("Enter")

    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Ahn Myeong-chul")
    ahn = suggestions[0]
    expected = api(stack, "/claims", claimant_id=ahn["id"], limit="100")
    assert expected["total"] == 2
    wait_for_results(page, expected["total"])
    assert hit_ids(page) == [hit["claim"]["id"] for hit in expected["hits"]]
    assert f"claimant_id={ahn['id']}" in page.url
    expect(page.locator("#active-filters")).to_contain_text("Claimant: Ahn Myeong-chul")
    for meta in page.locator("#hits .claim-meta").all():
        expect(meta).to_contain_text("Ahn Myeong-chul")
    # The export link carries the same filters (the route streams every match as NDJSON).
    href = page.locator("#export-link").get_attribute("href")
    assert href == f"{stack}/claims/export?claimant_id={ahn['id']}"
    page.shots("claimant-picked")

    # Escape closes an open list; a second Escape clears the text.
    box.fill("")
    box.press_sequentially("Ah", delay=60)
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("Escape")
    expect(box).to_have_value("")


def test_each_hit_marks_claimant_cue_and_content_in_its_sentence(stack: str, page: Any) -> None:
    expected = api(stack, "/claims", q="forced labour")
    page.goto(f"{stack}/?q=forced+labour")
    wait_for_results(page, expected["total"])
    for hit, item in zip(expected["hits"], page.locator("#hits > li").all(), strict=True):
        claim = hit["claim"]
        start, end = claim["sentence_span"]
        sentence = item.locator(".sentence")
        expect(sentence).to_have_text(claim["sentence"])
        for role, spans in (
            ("cue", [claim["cue"]["span"]]),
            ("content", claim["content"]["spans"]),
            ("claimant", [claim["claimant"]["span"]] if claim["claimant"]["span"] else []),
        ):
            # Spans relative to the sentence: those outside it (a claimant named in an
            # earlier sentence) are not marked here.
            inside = [[max(s, start), min(e, end)] for s, e in spans if s < end and e > start]
            marked = _marked_ranges(sentence, role, claim["id"])
            assert marked == inside, (role, claim["id"])
    # The words the search matched are marked too.
    terms = page.locator("#hits mark.m-term").all_inner_texts()
    assert {t.lower() for t in terms} >= {"forced", "labour"}
    page.shots("query")


def test_a_relaxed_answer_says_that_no_claim_holds_most_of_the_words(stack: str, page: Any) -> None:
    words = "forced labour zqxjv vjxqz"
    expected = api(stack, "/claims", q=words)
    assert expected["relaxed"] and expected["total"] >= 1
    page.goto(f"{stack}/?q=" + urllib.parse.quote_plus(words))
    wait_for_results(page, expected["total"])
    noun = "claim" if expected["total"] == 1 else "claims"
    expect(page.locator("#result-status")).to_have_text(
        f"No claim holds most of “{words}”: {expected['total']} {noun} holding some of its words, best first"
    )
    assert hit_ids(page) == [hit["claim"]["id"] for hit in expected["hits"]]

    # Its claimant facet counts claims holding any of the words; picked, it finds those
    # claims (the API does not relax under a claimant, so the page asks for match=any).
    claimant = expected["facets"]["claimant"][0]
    page.get_by_role("region", name="Claimant").get_by_role(
        "button", name=re.compile(re.escape(claimant["value"]))
    ).click()
    picked = api(stack, "/claims", q=words, claimant_id=claimant["id"], match="any")
    assert picked["total"] == claimant["count"]
    wait_for_results(page, claimant["count"])
    assert hit_ids(page) == [hit["claim"]["id"] for hit in picked["hits"]]
    assert "match=any" in page.url
    expect(page.locator("#active-filters")).to_contain_text("Match: any word")


def test_a_claimant_no_one_goes_by_offers_the_nearest_and_picks_one(stack: str, page: Any) -> None:
    expected = api(stack, "/claims", claimant="Myeong-chu")
    assert expected["total"] == 0 and expected["claimant_suggestions"]
    ahn = expected["claimant_suggestions"][0]
    page.goto(f"{stack}/?claimant=Myeong-chu")
    expect(page.locator("#result-status")).to_have_text("No claimant goes by “Myeong-chu”.")
    suggestions = page.locator("#claimant-suggestions")
    suggestion = suggestions.get_by_role("button", name=re.compile(re.escape(ahn["name"])))
    expect(suggestion).to_have_text(f"{ahn['name']} ({ahn['claims']} claims)")
    suggestion.click()
    wait_for_results(page, ahn["claims"])
    assert "claimant_id=" + ahn["id"] in page.url
    expect(suggestions).to_be_hidden()


def test_a_facet_filters_the_claims_and_can_be_undone(stack: str, page: Any) -> None:
    everything = api(stack, "/claims", limit="100")
    page.goto(f"{stack}/")
    wait_for_results(page, everything["total"])
    entity = everything["facets"]["entity"][0]["value"]
    group = page.get_by_role("region", name="Entity")
    facet = group.get_by_role("button", name=re.compile(re.escape(entity)))
    expect(facet).to_have_attribute("aria-pressed", "false")
    facet.click()

    expected = api(stack, "/claims", entity=entity, limit="100")
    assert 0 < expected["total"] < everything["total"]
    wait_for_results(page, expected["total"])
    assert hit_ids(page) == [hit["claim"]["id"] for hit in expected["hits"]]
    assert "entity=" + urllib.parse.quote_plus(entity) in page.url
    facet = page.get_by_role("region", name="Entity").get_by_role(
        "button", name=re.compile(re.escape(entity))
    )
    expect(facet).to_have_attribute("aria-pressed", "true")
    expect(facet).to_be_focused()  # keyboard users stay where they were
    expect(page.locator("#active-filters")).to_contain_text(f"Entity: {entity}")
    page.shots("entity-facet")

    # A second facet narrows further: the publisher.
    publisher = expected["facets"]["publisher"][0]["value"]
    page.get_by_role("region", name="Publisher").get_by_role("button", name=re.compile(publisher)).click()
    both = api(stack, "/claims", entity=entity, publisher=publisher, limit="100")
    wait_for_results(page, both["total"])
    assert hit_ids(page) == [hit["claim"]["id"] for hit in both["hits"]]

    # Removing the filter chip brings every claim back (less the publisher filter).
    page.get_by_role("button", name=f"Remove filter Entity: {entity}").click()
    only_publisher = api(stack, "/claims", publisher=publisher, limit="100")
    wait_for_results(page, only_publisher["total"])
    assert "entity=" not in page.url


def test_more_claims_page_in_with_the_cursor(stack: str, page: Any) -> None:
    everything = api(stack, "/claims", limit="100")
    page.goto(f"{stack}/?limit=4")
    wait_for_results(page, everything["total"])
    expect(page.locator("#hits > li")).to_have_count(4)
    more = page.get_by_role("button", name="Show more claims")
    pages = 1
    while more.is_visible():
        shown = page.locator("#hits > li").count()
        more.click()
        expect(page.locator("#hits > li")).to_have_count(min(shown + 4, everything["total"]))
        # Focus moves to the first claim of the new page.
        expect(page.locator("#hits > li").nth(shown)).to_be_focused()
        pages += 1
    assert pages == -(-everything["total"] // 4)
    assert hit_ids(page) == [hit["claim"]["id"] for hit in everything["hits"]]
    page.shots("paged")


def test_the_article_view_highlights_every_claim_at_its_offsets(stack: str, page: Any) -> None:
    ahn = api(stack, "/claimants", q="Ahn")["claimants"][0]
    page.goto(f"{stack}/?claimant_id={ahn['id']}")
    wait_for_results(page, 2)
    first = page.locator("#hits > li").first
    chosen = first.get_attribute("data-claim")
    first.get_by_role("link", name="Show in the article").click()

    article_id = api(stack, f"/claims/{chosen}")["article_id"]
    body = api(stack, f"/articles/{article_id}")
    article, claims = body["article"], body["claims"]
    text = article["text"]
    expect(page.get_by_role("heading", level=1)).to_have_text(article["title"])
    assert f"article={article_id}" in page.url

    shown = page.locator("#article-text")
    # The page shows the article's exact characters, so offsets count the same on both sides.
    assert shown.evaluate("node => node.textContent") == text
    # Every mark sits where its data-start/data-end say: its offset among the text nodes.
    misplaced = shown.evaluate(MISPLACED_MARKS)
    assert misplaced == []
    assert len(claims) >= 8
    for claim in claims:
        cue = _marked_ranges(shown, "cue", claim["id"])
        assert cue == [claim["cue"]["span"]]
        assert _marked_text(shown, "cue", claim["id"]) == claim["cue"]["text"]
        assert [text[s:e] for s, e in cue] == [claim["cue"]["text"]]
        content = _marked_ranges(shown, "content", claim["id"])
        assert content == _merged(claim["content"]["spans"])
        assert " ".join(text[s:e] for s, e in claim["content"]["spans"]) == claim["content"]["text"]
        assert _marked_text(shown, "content", claim["id"]) == "".join(text[s:e] for s, e in content)
        if claim["claimant"]["span"]:
            claimant = _marked_ranges(shown, "claimant", claim["id"])
            assert claimant == [claim["claimant"]["span"]]
            assert _marked_text(shown, "claimant", claim["id"]) == claim["claimant"]["mention"]

    # The claim we came from is selected: outlined in the text and pressed in the list.
    selected = shown.locator("mark.selected")
    assert selected.count() > 0
    for mark in selected.all():
        roles = " ".join(mark.get_attribute(f"data-{r}") or "" for r in ("claimant", "cue", "content"))
        assert chosen in roles.split()
    expect(page.locator(f'#article-claims button[data-claim="{chosen}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    page.shots("article")

    # Picking another claim from the list moves the outline.
    other = next(c for c in claims if c["id"] != chosen)
    page.locator(f'#article-claims button[data-claim="{other["id"]}"]').click()
    expect(page.locator(f'#article-claims button[data-claim="{other["id"]}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    marked = shown.locator("mark.selected").evaluate_all(
        "marks => marks.map(m => [m.dataset.claimant, m.dataset.cue, m.dataset.content].join(' '))"
    )
    assert marked and all(other["id"] in m.split() for m in marked)
    page.shots("article-other-claim")

    # Back returns to the search it came from.
    page.go_back()
    wait_for_results(page, 2)
    expect(page.locator("#search-view")).to_be_visible()


def test_a_claimant_linked_by_id_alone_is_shown_by_name(stack: str, page: Any) -> None:
    ahn = api(stack, "/claimants", q="Ahn")["claimants"][0]
    page.goto(f"{stack}/?claimant_id={ahn['id']}")
    wait_for_results(page, ahn["claims"])
    # The chip, the claimant box and the URL name her, not her id.
    expect(page.locator("#active-filters")).to_contain_text(f"Claimant: {ahn['name']}")
    expect(page.locator("#active-filters")).not_to_contain_text(ahn["id"])
    assert "claimant_name=" in page.url
    page.shots("named")


def test_a_bookmarked_claim_an_edit_replaced_is_found_in_its_place(
    tmp_path_factory: pytest.TempPathFactory, page: Any
) -> None:
    with running_stack(tmp_path_factory.mktemp("stack-edited")) as running:
        base, source = running.base, running.inbox / "nk.txt"
        shutil.copy(EXAMPLE_ARTICLE, source)
        wait_for(lambda: _get(f"{base}/claims?claimant=Ahn")[1].get("total") == 2, 180, "the example")
        old = api(base, "/claims", claimant="Ahn", q="luxury goods")["hits"][0]["claim"]
        # A paragraph before her claims moves their spans, so their ids.
        text = EXAMPLE_ARTICLE.read_text(encoding="utf-8")
        first_break = text.index("\n\n") + 2
        source.write_text(
            text[:first_break] + "The council met on Monday.\n\n" + text[first_break:], encoding="utf-8"
        )
        # Its old id is answered with a redirect to the claim in its place (followed here).
        wait_for(lambda: _get(f"{base}/claims/{old['id']}")[1].get("id") != old["id"], 180, "the edit")
        new = api(base, f"/claims/{old['id']}")
        assert new["id"] != old["id"] and old["id"] in new["replaces"]
        page.goto(f"{base}/?article={old['article_id']}&claim={old['id']}")
        expect(page.locator(f'#article-claims button[data-claim="{new["id"]}"]')).to_have_attribute(
            "aria-pressed", "true"
        )
        assert f"claim={new['id']}" in page.url
        page.shots("replaced")


def test_an_article_that_cannot_be_shown_says_why(stack: str, page: Any) -> None:
    missing = "a" + "0" * 23
    status, body = _get(f"{stack}/articles/{missing}")
    assert status == 404
    page.goto(f"{stack}/?article={missing}")
    expect(page.get_by_role("heading", level=1)).to_have_text("The article could not be shown")
    # Said in the article view itself: the search view, with its error box, is hidden.
    expect(page.locator("#article-error")).to_be_visible()
    expect(page.locator("#article-error")).to_have_text(body["error"]["message"])
    page.shots("not-found")
    # The browser logs the 404 it was answered: expected here, and the only problem.
    assert all("404" in problem for problem in page.problems), page.problems
    page.problems.clear()


def test_a_claim_reported_twice_says_so_and_can_be_shown_once(stack_twice: str, page: Any) -> None:
    everything = api(stack_twice, "/claims", limit="100")
    collapsed = api(stack_twice, "/claims", collapse="cluster", limit="100")
    claims = [hit["claim"] for hit in everything["hits"]]
    assert len(claims) == everything["total"]
    twice = [c for c in claims if c["cluster"]["size"] == 2]
    # Claims with no claimant identity never join a cluster: each copy's stand alone.
    alone = [c for c in claims if c["cluster"]["size"] == 1]
    assert len(twice) >= 16 and len(twice) + len(alone) == len(claims)
    assert all(c["claimant"]["id"] is None for c in alone)
    assert collapsed["total"] == len(twice) // 2 + len(alone)

    page.goto(f"{stack_twice}/?limit=100")  # one page for all (20 a page by default)
    wait_for_results(page, everything["total"])
    items = page.locator("#hits > li").all()
    for claim, item in zip(claims, items, strict=True):
        note = item.locator(".cluster-note")
        if claim["cluster"]["size"] == 1:
            expect(note).to_have_count(0)
            continue
        first_seen = claim["cluster"]["first_seen"]
        since = f"first seen {first_seen}" if first_seen else "undated"
        expect(note).to_have_text(f"Reported 2 times · {since}")
    expect(page.locator("#hits .cluster-note")).to_have_count(len(twice))
    page.shots("reported-twice")

    collapse = page.get_by_role("checkbox", name="One per repeated claim")
    expect(collapse).not_to_be_checked()
    collapse.check()
    page.get_by_role("button", name="Search", exact=True).click()
    wait_for_results(page, collapsed["total"])
    assert hit_ids(page) == [hit["claim"]["id"] for hit in collapsed["hits"]]
    assert "collapse=cluster" in page.url
    expect(page.locator("#result-status")).to_have_text(f"{collapsed['total']} distinct claims")
    # Each repeated claim once: half the claims reported twice, every claim alone still there.
    expect(page.locator("#hits .cluster-note")).to_have_count(len(twice) // 2)
    expect(page.locator("#hits > li:not(:has(.cluster-note))")).to_have_count(len(alone))
    # The export streams every match: the collapse is not passed on to it.
    assert "collapse" not in (page.locator("#export-link").get_attribute("href") or "")
    page.shots("one-per-repeated-claim")

    # The choice is kept in the address: a reload shows the same view, Back the one before.
    page.reload()
    wait_for_results(page, collapsed["total"])
    expect(page.get_by_role("checkbox", name="One per repeated claim")).to_be_checked()
    page.go_back()
    wait_for_results(page, everything["total"])
    expect(page.get_by_role("checkbox", name="One per repeated claim")).not_to_be_checked()


# -- helpers ----------------------------------------------------------------------------------

# Walks the text nodes of a container, counting characters, and lists the marks whose text
# does not start at data-start and end at data-end.
MISPLACED_MARKS = """container => {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const wrong = [];
  let offset = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const mark = node.parentElement.closest("mark");
    if (mark && mark.firstChild === node) {
      const [start, end] = [Number(mark.dataset.start), Number(mark.dataset.end)];
      if (start !== offset || end !== offset + mark.textContent.length) wrong.push([start, end, offset]);
    }
    offset += node.data.length;
  }
  return wrong;
}"""


def _marked_ranges(container: Any, role: str, claim_id: str) -> list[list[int]]:
    """The article ranges the marks of one claim's role cover, adjacent marks merged."""
    pieces: list[list[int]] = container.locator(f'mark[data-{role}~="{claim_id}"]').evaluate_all(
        "marks => marks.map(m => [Number(m.dataset.start), Number(m.dataset.end)])"
    )
    return _merged(pieces)


def _marked_text(container: Any, role: str, claim_id: str) -> str:
    texts: list[str] = container.locator(f'mark[data-{role}~="{claim_id}"]').evaluate_all(
        "marks => marks.map(m => m.textContent)"
    )
    return "".join(texts)


def _merged(ranges: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for start, end in sorted(list(r) for r in ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


HOSTILE = (
    "Budget row\n\nThe minister said taxes would not rise next year"
    ' <img src=x onerror="window.__pwned=1"> <b>bold</b> for anyone.\n\n'
    '"The <script>window.__pwned=2</script> plan is fair," said Jane Doe, the finance minister.\n'
)


def test_markup_in_an_article_is_shown_as_text_never_run(stack: str, page: Any) -> None:
    request = urllib.request.Request(
        f"{stack}/articles",
        data=HOSTILE.encode(),
        headers={"Content-Type": "text/plain; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        article_id = json.loads(response.read())["article_id"]
    found = wait_for(
        lambda: (body := api(stack, "/claims", article_id=article_id))["total"] and body, 120, "the article"
    )
    page.goto(f"{stack}/?q=plan+fair")
    wait_for_results(page, api(stack, "/claims", q="plan fair")["total"])
    expect(page.locator("#hits")).to_contain_text("<script>window.__pwned=2</script>")
    page.goto(f"{stack}/?article={article_id}")
    shown = page.locator("#article-text")
    expect(shown).to_contain_text('<img src=x onerror="window.__pwned=1">')
    assert shown.evaluate("node => node.textContent") == HOSTILE
    assert page.locator("#hits img, #hits script, #hits b, #article-text *:not(mark)").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert found["total"] >= 1
    page.shots("markup-as-text")


def test_the_same_search_again_adds_no_history_entry(stack: str, page: Any) -> None:
    page.goto(f"{stack}/")
    page.get_by_label("Words in the claim").fill("money")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    entries = page.evaluate("history.length")
    for _ in range(2):
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    assert page.evaluate("history.length") == entries
    # Back leaves the search, as it would have after the first press.
    page.go_back()
    assert "q=money" not in page.url


# Answers for /articles/ come 1.5 s late, as from a cold function or a slow link.
SLOW_ARTICLES = """
(() => {
  const fetched = window.fetch.bind(window);
  window.fetch = async (url, options) => {
    if (String(url).includes("/articles/")) await new Promise((done) => setTimeout(done, 1500));
    return fetched(url, options);
  };
})();
"""


def test_a_late_article_answer_leaves_the_view_that_replaced_it(stack: str, page: Any) -> None:
    page.add_init_script(SLOW_ARTICLES)
    page.goto(f"{stack}/?claimant=Ahn")
    wait_for_results(page, 2)
    search_title = page.title()
    page.locator("#hits > li").first.get_by_role("link", name="Show in the article").click()
    expect(page.locator("#article-view")).to_be_visible()
    page.go_back()  # before the article's answer
    wait_for_results(page, 2)
    page.wait_for_timeout(2500)  # the answer has come, late
    expect(page.locator("#search-view")).to_be_visible()
    expect(page.locator("#article-view")).to_be_hidden()
    assert page.title() == search_title
    page.shots("late-article-after-back")


def test_a_link_to_a_merged_claimant_id_shows_the_identity_it_leads_to(
    tmp_path_factory: pytest.TempPathFactory, page: Any
) -> None:
    with running_stack(tmp_path_factory.mktemp("stack-merged")) as running:
        base = running.base

        def zelinski() -> list[Any]:
            found: list[Any] = _get(f"{base}/claimants?q=zelinski")[1].get("claimants", [])
            return found

        (running.inbox / "budget.txt").write_text(
            "Budget row\n\nZelinski said the budget would collapse by March.\n", encoding="utf-8"
        )
        (surname,) = wait_for(zelinski, 180, "the surname")
        # The full name in a later article: the surname's identity joins hers, its id a pointer.
        (running.inbox / "vote.txt").write_text(
            "Senate vote\n\nSenator Anna Zelinski said the vote would come on Friday.\n", encoding="utf-8"
        )
        wait_for(
            lambda: [(c["name"], c["claims"]) for c in zelinski()] == [("Anna Zelinski", 2)], 180, "the join"
        )
        (anna,) = zelinski()
        assert anna["id"] != surname["id"]
        page.goto(f"{base}/?claimant_id={surname['id']}")
        wait_for_results(page, 2)
        expect(page.locator("#active-filters")).to_contain_text("Claimant: Anna Zelinski")
        facet = page.locator('#facet-groups button[data-facet="claimant"]', has_text="Anna Zelinski")
        expect(facet).to_have_attribute("aria-pressed", "true")
        assert f"claimant_id={anna['id']}" in page.url
        expect(page.get_by_role("button", name=re.compile("All claims by"))).to_have_count(0)
        page.shots("merged-id")

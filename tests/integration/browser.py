"""What a person does in Label Studio's labeling page, done with the mouse and keyboard in headless
Chromium (Debian's, driven by Playwright): log in, open a project's label stream, close the
instructions, draw a region by dragging over characters, relabel or delete a region, submit."""

from __future__ import annotations

import re
from typing import Any

from helpers import CHROMIUM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEXT = ".lsf-richtext__container"  # the task's text as the labeling page shows it
REGION_ITEM = ".lsf-outliner-item"  # a region in the Regions panel

# The box of the character at a code-point offset of the shown text: text nodes count their code
# points, each <br> (a line break of the text) counts one, as Label Studio counts offsets.
CHARACTER_BOX = """
([selector, offset]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let position = 0;
  let node;
  while ((node = walker.nextNode())) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      if (node.tagName === "BR") position += 1;
      continue;
    }
    const points = [...node.data];
    if (offset < position + points.length) {
      const before = points.slice(0, offset - position).join("").length;
      const range = document.createRange();
      range.setStart(node, before);
      range.setEnd(node, before + points[offset - position].length);
      const box = range.getBoundingClientRect();
      return { x: box.x, y: box.y, width: box.width, height: box.height };
    }
    position += points.length;
  }
  return null;
}
"""


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def login(page: Any, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/user/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/user/login).*$"), timeout=60_000)


def open_label_stream(page: Any, url: str, project_id: int) -> bool:
    """Open the project's label stream (what "Label All Tasks" opens) and close the instructions it
    shows first. Returns whether it showed them."""
    page.goto(f"{url}/projects/{project_id}/data?labeling=1")
    page.wait_for_selector(TEXT, timeout=90_000)
    page.wait_for_timeout(500)
    close = page.locator('button[aria-label="Close modal"]')
    shown = close.count() > 0 and close.first.is_visible()
    if shown:
        close.first.click()
        page.wait_for_timeout(300)
    return shown


def shown_text(page: Any) -> str | None:
    """The task's text as shown (line breaks as \\n), or None when no task is shown."""
    return page.evaluate("s => { const e = document.querySelector(s); return e ? e.innerText : null; }", TEXT)


def character_box(page: Any, offset: int) -> dict[str, float]:
    box = page.evaluate(CHARACTER_BOX, [TEXT, offset])
    assert box is not None, f"no character at offset {offset}"
    return box


def choose_label(page: Any, label: str) -> None:
    page.click(f".lsf-label:has(.lsf-label__text:text-is('{label}'))")


def draw(page: Any, start: int, end: int, label: str) -> None:
    """Choose `label`, then drag from the first character of [start, end) to its last."""
    choose_label(page, label)
    first, last = character_box(page, start), character_box(page, end - 1)
    page.mouse.move(first["x"] + 1, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, last["y"] + last["height"] / 2, steps=5)
    page.mouse.move(last["x"] + last["width"] - 1, last["y"] + last["height"] / 2, steps=2)
    page.mouse.up()
    page.wait_for_timeout(300)


def listed_regions(page: Any) -> list[tuple[str, str]]:
    """(label, text) of every region in the Regions panel, in its order."""
    return [
        tuple(pair)
        for pair in page.eval_on_selector_all(
            REGION_ITEM,
            """items => items.map(item => [
                item.querySelector('.lsf-outliner-item__title .lsf-labels-list .lsf-labels-list').innerText,
                item.querySelector('.lsf-outliner-item__text').textContent,
            ])""",
        )
    ]


def select_region(page: Any, label: str, text: str) -> None:
    """Click the region with exactly this label and text in the Regions panel."""
    position = listed_regions(page).index((label, text))
    page.locator(REGION_ITEM).nth(position).click()
    page.wait_for_timeout(300)


def relabel(page: Any, label: str, text: str, new_label: str) -> None:
    select_region(page, label, text)
    choose_label(page, new_label)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)


def delete_region(page: Any, label: str, text: str) -> None:
    select_region(page, label, text)
    page.keyboard.press("Backspace")
    page.wait_for_timeout(300)


def submit(page: Any) -> str | None:
    """Submit, and wait for the label stream's next task; returns its text (None: no task left)."""
    before = shown_text(page)
    page.click("button:has-text('Submit')")
    page.wait_for_function(
        "([s, before]) => { const e = document.querySelector(s); return !e || e.innerText !== before; }",
        arg=[TEXT, before],
        timeout=60_000,
    )
    page.wait_for_timeout(800)
    return shown_text(page)

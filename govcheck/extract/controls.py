"""What a visitor can click besides a plain link: buttons, inputs, dropdown options, blocks with
an ``onclick`` or a ``data-href``, and links whose script opens a page. Their names, and where
they lead when the page says so plainly. Plain functions over lxml elements.
"""

from __future__ import annotations

import re

from lxml import etree

from govcheck.extract.html import absolute_url, link_title, resolve_link, squash

__all__ = [
    "URL_ATTRIBUTES",
    "click_handler",
    "control_name",
    "controls",
    "data_url",
    "is_button",
    "is_submit",
    "script_url",
    "start_tag",
]

# a URL the site's own script opens on a click (<span data-href="/zmhd/">)
URL_ATTRIBUTES = ("data-href", "data-url", "data-link")
_CLICK_ATTRIBUTES = ("onclick", *URL_ATTRIBUTES)
_BUTTON_INPUTS = ("button", "submit", "image")
# buttons, inputs, options and clickable elements, in page order: picked by XPath because
# looking at every element of a home page in Python is slow (``//@onclick/..`` is the fast form)
_CONTROLS = etree.XPath(" | ".join(["//button", "//input", "//option", *(f"//@{name}/.." for name in _CLICK_ATTRIBUTES)]))

# a plain script opening a page: window.open('URL'…), location.href = 'URL', location.assign('URL')
_SCRIPT_URL = re.compile(
    r"""(?:window\.open\s*\(|location(?:\.href)?\s*=|location\.(?:assign|replace)\s*\()\s*(['"])([^'"\s]+)\1"""
)


def controls(root: etree._Element) -> list[etree._Element]:
    """The page's buttons, inputs, dropdown options and elements with a click handler or a
    ``data-href`` (links with an onclick among them), in page order."""
    return _CONTROLS(root)


def script_url(el: etree._Element, base_url: str) -> str | None:
    """The URL an element's script plainly opens (in its onclick or a javascript: href)."""
    for script in (el.get("onclick"), el.get("href")):
        if script and (match := _SCRIPT_URL.search(script)):
            if url := absolute_url(match.group(2), base_url):
                return url
    return None


def data_url(el: etree._Element, base_url: str) -> str | None:
    """The URL in a data-href/data-url, opened by the site's script."""
    for name in URL_ATTRIBUTES:
        if url := resolve_link(el.get(name), base_url):
            return url
    return None


def _input_type(el: etree._Element) -> str:
    return (el.get("type") or "").strip().lower()


def is_button(el: etree._Element) -> bool:
    """A <button>, or an input shown as one (button, submit, image)."""
    return el.tag == "button" or (el.tag == "input" and _input_type(el) in _BUTTON_INPUTS)


def is_submit(el: etree._Element) -> bool:
    """A button that sends its form: <button> is one unless typed otherwise."""
    if el.tag == "button":
        return _input_type(el) in ("", "submit")
    return el.tag == "input" and _input_type(el) in ("submit", "image")


def click_handler(el: etree._Element) -> str:
    """What makes the element clickable: its onclick, else a data-href/data-url."""
    return next((value for name in _CLICK_ATTRIBUTES if (value := squash(el.get(name) or ""))), "")


def control_name(el: etree._Element) -> str:
    """An input is named by its value (alt, title for an image button); anything else as a link
    is: its text, else its title or image."""
    if el.tag == "input":
        return squash(el.get("value") or el.get("alt") or el.get("title") or "")
    return link_title(el)


def start_tag(el: etree._Element) -> str:
    """How an inspector finds a button on the page: ``<button type="button" class="mail">``."""
    attributes = "".join(f' {name}="{value}"' for name, value in el.items())
    return squash(f"<{el.tag}{attributes}>")

"""``{% memo %}``: a piece rendered once per language and named values, with the request's own CSRF token each time."""

from __future__ import annotations

import re

import pytest
from django.middleware.csrf import get_token
from django.template import Context, Engine, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

ENGINE = Engine(libraries={"memo": "throughgate.core.templatetags.memo", "i18n": "django.templatetags.i18n"})


def render(template: object, **values: object) -> str:
    return template.render(Context(values))  # type: ignore[attr-defined,no-any-return]


def test_the_body_is_rendered_once_per_value_named_in_the_tag() -> None:
    calls: list[str] = []

    class Counted:
        def __init__(self, name: str) -> None:
            self.name = name

        def __str__(self) -> str:
            calls.append(self.name)
            return self.name

    template = ENGINE.from_string("{% load memo %}{% memo name %}Hello {{ person }}{% endmemo %}")
    assert render(template, name="Ann", person=Counted("Ann")) == "Hello Ann"
    assert render(template, name="Ann", person=Counted("Ann")) == "Hello Ann"
    assert calls == ["Ann"]  # the second time came from the memo
    assert render(template, name="Bo", person=Counted("Bo")) == "Hello Bo"
    assert calls == ["Ann", "Bo"]


def test_each_language_has_its_own_rendering() -> None:
    template = ENGINE.from_string('{% load memo i18n %}{% memo %}{% translate "Sign out" %}{% endmemo %}')
    with translation.override("en"):
        assert render(template) == "Sign out"
    with translation.override("cy"):
        welsh = render(template)
    assert welsh != "Sign out"
    with translation.override("en"):
        assert render(template) == "Sign out"


def test_a_value_that_cannot_be_a_key_is_rendered_every_time() -> None:
    template = ENGINE.from_string("{% load memo %}{% memo items %}{{ items|length }}{% endmemo %}")
    assert render(template, items=[1, 2]) == "2"
    assert render(template, items=[1, 2, 3]) == "3"


def test_each_request_gets_its_own_csrf_token_and_none_without_one() -> None:
    template = ENGINE.from_string('{% load memo %}{% memo %}<form method="post">{% csrf_token %}</form>{% endmemo %}')
    tokens = []
    for _ in range(2):
        request = RequestFactory().get("/")
        token = get_token(request)
        html = render(template, csrf_token=token)
        found = re.fullmatch(
            r'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="(\w+)"></form>', html
        )
        assert found is not None, html
        assert found.group(1) == token
        tokens.append(found.group(1))
    assert tokens[0] != tokens[1]
    assert render(template) == '<form method="post"></form>'  # as {% csrf_token %} renders with no token
    assert render(template, csrf_token="NOTPROVIDED") == '<form method="post"></form>'


def test_a_block_inside_is_refused_when_the_template_is_compiled() -> None:
    with pytest.raises(TemplateSyntaxError, match="block"):
        ENGINE.from_string("{% load memo %}{% memo %}{% block title %}{% endblock %}{% endmemo %}")


def test_the_memo_keeps_a_bounded_number_of_renderings(monkeypatch: pytest.MonkeyPatch) -> None:
    from throughgate.core.templatetags import memo

    monkeypatch.setattr(memo, "MAX_ENTRIES", 4)
    template = ENGINE.from_string("{% load memo %}{% memo n %}{{ n }}{% endmemo %}")
    for n in range(10):
        assert render(template, n=n) == str(n)
    node = next(node for node in template.nodelist if isinstance(node, memo.MemoNode))
    assert len(node.rendered) <= 4


def test_a_page_with_a_request_gets_one_token_for_all_its_forms_and_django_accepts_it() -> None:
    from django.middleware.csrf import CsrfViewMiddleware, _unmask_cipher_token
    from django.template import RequestContext

    template = ENGINE.from_string(
        "{% load memo %}{% memo %}<form>{% csrf_token %}</form>{% endmemo %}{% memo 1 %}<form>{% csrf_token %}</form>"
        "{% endmemo %}"
    )
    factory = RequestFactory()
    factory.cookies["csrftoken"] = "a" * 32
    request = factory.get("/")
    CsrfViewMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    html = template.render(RequestContext(request, {}))
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html)
    assert len(tokens) == 2
    assert tokens[0] == tokens[1]
    assert _unmask_cipher_token(tokens[0]) == "a" * 32


def test_a_memo_around_other_memos_puts_each_requests_token_in() -> None:
    """A whole page can be one memo around the layout's memos: the token must still be each request's own, never
    the one of the request that first rendered the page."""
    from django.middleware.csrf import CsrfViewMiddleware, _unmask_cipher_token
    from django.template import RequestContext

    template = ENGINE.from_string(
        "{% load memo %}{% memo page %}<header>{% memo %}<form>{% csrf_token %}</form>{% endmemo %}</header>"
        "<form>{% csrf_token %}</form>{% endmemo %}"
    )
    factory = RequestFactory()
    for secret in ("a" * 32, "b" * 32, "a" * 32):
        factory.cookies["csrftoken"] = secret
        request = factory.get("/")
        CsrfViewMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
        html = template.render(RequestContext(request, {"page": "home"}))
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', html)
        assert len(tokens) == 2, html
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    outer = next(node for node in template.nodelist if type(node).__name__ == "MemoNode")
    assert len(outer.rendered) == 1  # the three requests shared one rendering

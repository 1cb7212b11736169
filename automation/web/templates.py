"""The Dasbor's page templates: Jinja2, from the text catalogue (automation/domain/texts/pages), escaped."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from automation.domain.texts import dasbor as dasbor_text


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("automation.domain.texts", "pages"),
                      autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["t"] = dasbor_text  # every sentence a page shows comes from the catalogue
    return env


def render(name: str, **values: Any) -> str:
    """A page. `values` must give what base.html uses: `active` (a NAV key or "") and `person` ("" = nobody)."""
    return environment().get_template(name).render(**values)

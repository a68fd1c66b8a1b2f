"""Values for templates that are worked out only if the template asks for them."""

from functools import cached_property


class Later:
    """A value worked out the first time a template asks for ``value``: inside a cached
    fragment (``{% cache %}``), perhaps never."""

    def __init__(self, make):
        self._make = make

    @cached_property
    def value(self):
        return self._make()

"""``{% versioned NAME VALUE... %}…{% endversioned %}``: a part of a page rendered once for
each combination of values (the record's version first), with :mod:`amends.web.fragments`."""

from django import template
from django.utils.translation import get_language

from amends.web.fragments import key_for, versioned

register = template.Library()


class VersionedNode(template.Node):
    def __init__(self, nodelist, name: str, values):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        # Kept per language too: a Welsh page never shows a part rendered in English.
        values = (value.resolve(context) for value in self.values)
        key = key_for(self.name, get_language(), *values)
        # What the node list renders is already escaped where it must be (a SafeString).
        return versioned(key, lambda: self.nodelist.render(context))


@register.tag("versioned")
def do_versioned(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            "versioned: needs a name and the record's version, then any other values"
        )
    nodelist = parser.parse(("endversioned",))
    parser.delete_first_token()
    return VersionedNode(nodelist, bits[1], [parser.compile_filter(b) for b in bits[2:]])

"""Pingback 1.0, the receiving side: the older way blogs — WordPress among them, out of the
box — say they link to a page. An XML-RPC call of ``pingback.ping(source, target)``, kept and
checked exactly as a Webmention is (:func:`amends.copies.webmention.receive`; the worker fetches
the source later), its copy found by ``pingback``.

The answer is XML-RPC: a string when the ping is kept, otherwise a fault with the spec's code
(0x0010 the source, 0x0020/0x0021 the target, 0x0031 refused) and one line saying what is wrong.
"""

import xmlrpc.client
from xml.parsers.expat import ExpatError

from amends.copies.webmention import receive

LARGEST = 16 * 1024  # two URLs of at most 2,000 characters in a methodCall, with room to spare
SOURCE, NO_TARGET, NOT_A_TARGET, REFUSED = 0x0010, 0x0020, 0x0021, 0x0031
KEPT = "Pingback received: the source will be checked"


def _fault(code: int, text: str) -> bytes:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), methodresponse=True).encode()


def answer(body: bytes) -> bytes:
    """The XML-RPC answer to one call (``body`` as posted, at most :data:`LARGEST` bytes)."""
    try:
        params, method = xmlrpc.client.loads(body)
    except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError):
        return _fault(-32700, "The request is not an XML-RPC methodCall")
    if method != "pingback.ping":
        return _fault(-32601, f"{method}: not a method here; only pingback.ping")
    if len(params) != 2 or not all(isinstance(p, str) for p in params):
        return _fault(-32602, "pingback.ping takes two strings: the source and the target URI")
    said = receive(params[0], params[1], protocol="pingback")
    if said.status == 202:
        return xmlrpc.client.dumps((KEPT,), methodresponse=True).encode()
    if said.status in (429, 503):
        return _fault(REFUSED, said.message)
    if said.message.startswith("source"):
        return _fault(SOURCE, said.message)
    if "not a post on this site" in said.message:
        return _fault(NOT_A_TARGET, said.message)
    return _fault(NO_TARGET, said.message)

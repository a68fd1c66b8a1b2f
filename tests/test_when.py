"""Times as people read them (one form everywhere, the zone named) and as HTML reads them."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.text.when import clock, machine, said

pytestmark = pytest.mark.once  # pure: the same whatever the database

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 3, 18, 49, tzinfo=UTC), "3 December 2026 at 6:49pm GMT"),
        (datetime(2026, 7, 1, 13, 5, 30, tzinfo=UTC), "1 July 2026 at 2:05pm BST"),
        (datetime(2026, 12, 3, 19, 0, tzinfo=UTC), "3 December 2026 at 7pm GMT"),
        (datetime(2026, 12, 4, 0, 0, tzinfo=UTC), "4 December 2026 at midnight GMT"),
        (datetime(2026, 6, 30, 11, 0, tzinfo=UTC), "30 June 2026 at midday BST"),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "29 March 2026 at 12:30am GMT"),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29 March 2026 at 2:30am BST"),
    ],
)
def test_people_read_one_form_with_the_zone_named(moment, words):
    assert said(moment, LONDON) == words


def test_another_zone_is_named_too():
    assert said(datetime(2026, 12, 3, 18, 49, tzinfo=UTC), ZoneInfo("UTC")) == (
        "3 December 2026 at 6:49pm UTC"
    )


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_machine_form_is_valid_html_and_the_same_moment(moment):
    value = machine(moment)
    assert len(value) == 20
    assert value.endswith("Z")
    back = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert back == moment.replace(microsecond=0)


@given(st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])))
def test_every_clock_reading_is_words_people_use(moment):
    words = clock(moment)
    assert words in ("midnight", "midday") or words.endswith(("am", "pm"))
    assert not words.startswith("0")

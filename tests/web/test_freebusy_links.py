"""The room and center pages link their free/busy address (SPEC §12), next to
the calendar links, and the link answers the VFREEBUSY of that room or center."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

from icalendar import Calendar

from tests.support.factories import make_center, make_room


def _freebusy_link(html: str) -> tuple[str, str]:
    match = re.search(r'<a href="([^"]+/freebusy\.ics)"[^>]*>([^<]+)<', unescape(html))
    assert match, "no free/busy link"
    return match.group(1), match.group(2)


def test_the_room_page_links_the_rooms_free_busy(client, session) -> None:
    center = make_center(session, name="Karşıyaka Merkezi")
    room = make_room(session, center, name="Büyük Salon")
    session.commit()
    url, words = _freebusy_link(client.get(f"/rooms/{room.id}").get_data(as_text=True))
    assert urlsplit(url).path == f"/rooms/{room.id}/freebusy.ics" and url.startswith("http")
    assert words == "Dolu/boş bilgisi (.ics)"
    answer = client.get(urlsplit(url).path)
    assert answer.status_code == 200
    assert [str(c["UID"]) for c in Calendar.from_ical(answer.data).walk("VFREEBUSY")] == [
        f"room-{room.id}-freebusy@localhost"]


def test_the_center_page_links_the_centers_free_busy_in_the_readers_language(
        client, session) -> None:
    center = make_center(session, name="Karşıyaka Merkezi")
    make_room(session, center, name="Büyük Salon")
    session.commit()
    html = client.get(f"/centers/{center.id}", headers={"Accept-Language": "en"})
    url, words = _freebusy_link(html.get_data(as_text=True))
    assert urlsplit(url).path == f"/centers/{center.id}/freebusy.ics"
    assert words == "Free/busy (.ics)"
    assert client.get(urlsplit(url).path).status_code == 200

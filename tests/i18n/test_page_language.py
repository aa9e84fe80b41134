"""Every page type speaks one language: an English page's interface has no
Turkish left in it, a Turkish page no English (issue 17's English defects, such
as "Yılbaşı (public holiday)" on the English closures page).

The pages are rendered with the Flask test client for each kind of visitor.
What the people using the service typed (names of centers, rooms,
organisations and people, booking titles, the reasons of closures staff typed)
is data, not interface, and is taken out of the text first; so is anything
inside an element that names its own language (the switcher's "Türkçe").
What is left is the interface chrome: headings, labels, buttons, table heads,
hints, dates and the names of public holidays, which the product translates.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import (
    Booking,
    BookingStatus,
    Center,
    Closure,
    Organization,
    Room,
    User,
    utcnow,
)
from booking.services import passwords
from booking.services.closures import import_holidays
from tests.support.factories import make_booking, make_organization
from tests.support.scene import Scene
from tests.support.web import ahead, database, login, scene_for


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Letters only Turkish uses (among the two languages), and everyday Turkish
# interface words without them (days and months included).
TURKISH_LETTERS = re.compile(r"[çğıöşüÇĞİÖŞÜ]")
TURKISH_WORDS = _words("""
    ve ile için bir bu da de ya veya gibi Oda Salon Salonu Merkez Merkezi Kapalı Boş Onayla
    Kaydet Sil Ekle Gönder Ara Tarih Saat Kat Hafta Yeni Tüm Sonraki Önceki Kapanış Talep
    Pazar Pazartesi Salı Cuma Ocak Mart Nisan Mayıs Haziran Temmuz Ekim Kasım Aralık
    Oca Nis Haz Tem Eki Kas Ara
""")
# Everyday English interface words that a Turkish page must not show.
ENGLISH_WORDS = _words("""
    the and of to for with your you is are Room Rooms Cancel Save Search Sign Delete Send
    Booking Bookings Center Centre Centers Centres Request Approve Reject Next Previous
    Page Error Password Name Date Time Start End Closed Free Week Day Today Yes No
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    June July August September October November December Jan Feb Apr Jun Jul Aug
    Sep Oct Nov Dec public holiday
""")  # not "Mar" and "May": Turkish abbreviates Mart and Mayıs so too
# Words both languages write alike: the languages' own names, as the language
# fields offer them, and proper names ("Commemoration of Atatürk…", "Türkiye",
# the registries DERBİS and MERSİS).
SHARED_WORDS = frozenset({"Türkçe", "English", "Atatürk", "Türkiye", "DERBİS", "MERSİS"})
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Attributes a reader meets as text (by eye or through a screen reader).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-confirm")
SKIPPED = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class _Chrome(HTMLParser):
    """The text a reader meets on a page in ``language``: text nodes and the
    read attributes, without scripts and without elements in another language."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from this scan)
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").split("-")[0]
        hidden = self._hidden() or tag in SKIPPED or bool(lang and lang != self.language)
        if not hidden:
            self.parts += [values[name] or "" for name in READ_ATTRIBUTES if values.get(name)]
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden():
            values = dict(attrs)
            self.parts += [values[name] or "" for name in READ_ATTRIBUTES if values.get(name)]

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def chrome_text(html: str, language: str, data: Iterable[str] = ()) -> str:
    """The interface text of ``html``, with the strings of ``data`` taken out
    (longest first, so a room's name goes before its center's)."""
    parser = _Chrome(language)
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in sorted({d for d in data if d and d.strip()}, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def wrong_language(text: str, language: str) -> list[str]:
    """The words of ``text`` that belong to the other language."""
    words = [w for w in (re.sub(r"['’]s$", "", w) for w in WORD.findall(text))
             if w not in SHARED_WORDS]
    if language == "en":
        found = [w for w in words if TURKISH_LETTERS.search(w) or w in TURKISH_WORDS]
    else:
        found = [w for w in words if w in ENGLISH_WORDS]
    return sorted(set(found))


def test_the_scan_finds_turkish_in_english_chrome_and_english_in_turkish_chrome() -> None:
    defect = "<td>Yılbaşı <small>(public holiday)</small></td>"
    assert wrong_language(chrome_text(defect, "en"), "en") == ["Yılbaşı"]
    assert wrong_language(chrome_text(defect, "tr"), "tr") == ["holiday", "public"]
    button = '<button aria-label="Kaydet">Save</button>'
    assert wrong_language(chrome_text(button, "en"), "en") == ["Kaydet"]


def test_the_scan_leaves_out_user_data_scripts_and_text_marked_in_another_language() -> None:
    html = ('<p>Çocuk Hakları Derneği booked Toplantı Salonu</p><script>var ç = 1;</script>'
            '<select><option lang="tr">Türkçe</option><option lang="en">English</option></select>')
    data = ["Çocuk Hakları Derneği", "Toplantı Salonu"]
    assert wrong_language(chrome_text(html, "en", data), "en") == []
    assert wrong_language(chrome_text(html, "tr", data), "tr") == []
    assert "English" not in chrome_text(html, "tr", data)
    assert "Türkçe" not in chrome_text(html, "en", data)


@pytest.fixture
def scene(app: Flask) -> Scene:
    """The shared scene under names of neither language (so that taking the
    data out cannot hide an interface word), a booking of every state the pages
    show, an organisation awaiting verification and next year's public holidays."""
    scene = scene_for(app)
    with database(app) as session:
        for index, center in enumerate(session.scalars(select(Center).order_by(Center.id))):
            center.name = f"Zeta Point {index}"
        for index, room in enumerate(session.scalars(select(Room).order_by(Room.id))):
            room.name = ("Lima", "Oslo", "Kyoto", "Quito", "Lagos", "Perth")[index]
        for index, org in enumerate(session.scalars(select(Organization).order_by(Organization.id))):
            org.name = f"Delta Collective {index}"
        for index, user in enumerate(session.scalars(select(User).order_by(User.id))):
            user.name = ("Ada Lane", "Bo Hart", "Cem Aksu", "Dan Rye", "Eli Moss", "Fay Dunn")[index]
        session.flush()
        room, org = session.merge(scene.room), session.merge(scene.org)
        make_booking(session, room, ahead(3, 10), 120, BookingStatus.PENDING, organization=org,
                     title="Pending seminar", created_by_id=scene.member.id)
        make_booking(session, room, ahead(3, 14), 60, BookingStatus.APPROVED, organization=org,
                     title="Approved training", created_by_id=scene.member.id)
        make_booking(session, room, utcnow() - timedelta(hours=5), 60, BookingStatus.APPROVED,
                     organization=org, title="Past panel")
        make_organization(session, name="Awaiting Association", is_verified=False)
        import_holidays(session, session.merge(scene.staff), scene.center.id,
                        ahead(0, 0).year + 1, utcnow())
        session.commit()
    return scene


def _data(app: Flask) -> list[str]:
    """Every string the scene's people typed: names, titles, addresses, reasons."""
    with database(app) as session:
        values: list[str | None] = []
        for center in session.scalars(select(Center)):
            values += [center.name, center.district, center.address, center.email]
        for room in session.scalars(select(Room)):
            values += [room.name, room.description]  # the floor is a number, worded by the page
        for org in session.scalars(select(Organization)):
            values += [org.name, org.email, org.description]
        for user in session.scalars(select(User)):
            values += [user.name, user.email]
        for booking in session.scalars(select(Booking)):
            values += [booking.title, booking.description, booking.status_reason]
        # Holiday closures are the product's words: they stay in the scan.
        values += [c.reason for c in session.scalars(
            select(Closure).where(Closure.source != "holiday"))]
        return [v for v in values if v]


def _pages(app: Flask, scene: Scene) -> dict[str, list[str]]:
    with database(app) as session:
        booking_id = session.scalar(select(Booking.id).where(Booking.title == "Approved training"))
        issued = passwords.request_reset(session, scene.other_member.email, utcnow())
        session.commit()
    week, holiday = ahead(3, 0).date().isoformat(), f"{ahead(0, 0).year + 1}-01-01"
    center, room = scene.center.id, scene.room.id
    return {
        "anonymous": [
            "/", "/centers", f"/centers/{center}?date={week}", f"/centers/{center}?date={holiday}",
            f"/rooms/{room}?week={week}", f"/rooms/{room}?week={holiday}", "/login", "/register",
            "/register/sent", "/register/resend", "/register/confirm/not-a-token",
            "/password/forgot", f"/password/reset/{issued.secret}", "/password/reset/not-a-token",
            f"/ara?date={week}&start_time=10:00&end_time=12:00&attendees=5",
            f"/ara?date={week}&start_time=12:00&end_time=10:00&attendees=0",
            "/no-such-page"],
        "member": ["/bookings", "/bookings/new", f"/bookings/{booking_id}",
                   f"/bookings/{booking_id}/edit", "/profile", "/staff/queue", "/reports/",
                   "/bookings/999999", "/admin/"],
        "staff": ["/staff/queue", "/staff/organizations", "/staff/attendance", "/staff/closures",
                  "/bookings/new", f"/bookings/{booking_id}", "/reports/",
                  f"/centers/{center}?date={holiday}"],
        "admin": ["/admin/", "/admin/users", "/admin/users/new", f"/admin/users/{scene.member.id}",
                  "/admin/centers/new", f"/admin/centers/{center}", "/admin/rooms/new",
                  f"/admin/rooms/{room}", f"/admin/organizations/{scene.org.id}",
                  "/admin/outbox/", "/reports/", "/staff/closures", "/profile"],
    }


@pytest.mark.parametrize("language", ["en", "tr"])
@pytest.mark.parametrize("role", ["anonymous", "member", "staff", "admin"])
def test_every_page_type_speaks_only_the_readers_language(
        app: Flask, client: FlaskClient, scene: Scene, role: str, language: str) -> None:
    users = {"member": scene.member, "staff": scene.staff, "admin": scene.admin}
    if role != "anonymous":
        with database(app) as session:
            session.get(User, users[role].id).language = language
            session.commit()
        login(client, users[role])
    data, headers = _data(app), {"Accept-Language": language}
    found: dict[str, list[str]] = {}
    pages = _pages(app, scene)[role]
    for url in pages:
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, url
        words = wrong_language(chrome_text(html, language, data), language)
        if words:
            found[url] = words
    assert not found, found

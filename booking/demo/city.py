"""The demo city's fixed parts: centers, rooms, organisations, people and titles.

The city is the same for every ``--seed`` so that the demo logins written in the
documentation always work; the seed only changes how the year's bookings fall.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import time

from booking.demo.registry import identifier
from booking.models import Category, OrganizationKind

CITY_SEED = 35  # İzmir's plate number: the city layout never changes.
DEMO_DOMAIN = "stm.example.org"
NGO_DOMAIN = "stk.example.org"
# Printed by seed-demo and written in the README: demo accounts only.
DEMO_PASSWORD = "demo-parola"  # noqa: S105
ADMIN_EMAIL = f"yonetici@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class RoomPlan:
    name: str
    capacity: int
    features: tuple[str, ...]
    requires_approval: bool = True
    buffer_minutes: int = 0
    opening: time = time(9, 0)
    closing: time = time(22, 0)
    min_minutes: int = 30
    max_minutes: int = 480
    floor_level: int = 0  # 0 the ground floor (i18n/floors.py)

    @property
    def is_hall(self) -> bool:
        """Large enough for a program co-organised with the municipality."""
        return self.capacity >= 60

    def accessibility(self, center: CenterPlan) -> list[str]:
        """The room's accessibility attributes: a step-free entrance on the
        ground floor or by a lift, an accessible WC with a wheelchair-accessible
        room, a hearing loop in the halls, and what the center has for all."""
        codes = set(center.accessibility)
        if self.floor_level == 0 or "lift" in codes:
            codes.add("step_free_entrance")
        if "wheelchair_access" in self.features:
            codes.add("accessible_wc")
        if self.capacity >= 100:
            codes.add("hearing_loop")
        return sorted(codes)


@dataclass(frozen=True)
class CenterPlan:
    name: str
    district: str
    address: str
    phone: str
    rooms: tuple[RoomPlan, ...]
    staff: tuple[tuple[str, str], ...]  # (name, e-mail local part)
    postal_code: str = ""
    coordinates: tuple[float, float] | None = None  # latitude, longitude (WGS 84)
    accessibility: tuple[str, ...] = ()  # what every room of the center has


_HALL = ("projector", "sound_system", "microphone", "wheelchair_access", "air_conditioning",
         "stage", "wifi")
_SEMINAR = ("projector", "sound_system", "microphone", "wheelchair_access", "wifi",
            "air_conditioning")
_MEETING = ("projector", "whiteboard", "wifi", "air_conditioning")
_SMALL = ("whiteboard", "wifi", "video_conference")


def _conference(capacity: int) -> RoomPlan:
    return RoomPlan("Konferans Salonu", capacity, _HALL, buffer_minutes=30,
                    min_minutes=60, max_minutes=480)


def _multi(capacity: int, name: str = "Çok Amaçlı Salon") -> RoomPlan:
    return RoomPlan(name, capacity, _SEMINAR, buffer_minutes=15, min_minutes=60,
                    max_minutes=360, floor_level=1)


def _seminar(capacity: int) -> RoomPlan:
    return RoomPlan("Seminer Salonu", capacity, _SEMINAR, buffer_minutes=15,
                    min_minutes=60, max_minutes=300, floor_level=1)


def _meeting(number: int, capacity: int) -> RoomPlan:
    # Small rooms need no approval: a verified NGO books them directly.
    return RoomPlan(f"Toplantı Odası {number}", capacity, _MEETING if capacity >= 20 else _SMALL,
                    requires_approval=False, opening=time(8, 30), min_minutes=30,
                    max_minutes=240, floor_level=2)


_WORKSHOP = RoomPlan("Eğitim Atölyesi", 36, ("computers", "projector", "wifi", "whiteboard",
                                             "air_conditioning"), buffer_minutes=15,
                     min_minutes=60, max_minutes=360, floor_level=1)
_CHILDREN = RoomPlan("Çocuk Atölyesi", 30, ("childcare_corner", "wheelchair_access",
                                            "whiteboard"), buffer_minutes=15,
                     opening=time(9, 30), closing=time(19, 0), min_minutes=60,
                     max_minutes=240)
_KITCHEN = RoomPlan("Mutfak Atölyesi", 20, ("kitchen", "wheelchair_access"), buffer_minutes=30,
                    opening=time(10, 0), closing=time(20, 0), min_minutes=90, max_minutes=300)

CENTERS: tuple[CenterPlan, ...] = (
    CenterPlan(
        "Konak Sivil Toplum Merkezi", "Konak",
        "Kültürpark İçi, Mimar Kemalettin Cad. No: 12, Konak", "0232 293 10 10",
        (_conference(250), _multi(120), _seminar(80), _WORKSHOP, _meeting(1, 30), _meeting(2, 20)),
        (("Ayşe Yılmaz", "ayse.yilmaz"), ("Mehmet Demir", "mehmet.demir")),
        "35220", (38.4293, 27.1431), ("lift", "accessible_parking"),
    ),
    CenterPlan(
        "Karşıyaka Sivil Toplum Merkezi", "Karşıyaka",
        "Cemal Gürsel Cad. No: 418, Karşıyaka", "0232 364 20 20",
        (_conference(180), _seminar(70), _CHILDREN, _meeting(1, 30), _meeting(2, 16)),
        (("Zeynep Kaya", "zeynep.kaya"),),
        "35540", (38.4569, 27.1097), ("lift",),
    ),
    CenterPlan(
        "Bornova Sivil Toplum Merkezi", "Bornova",
        "Kazımdirik Mah. Üniversite Cad. No: 45, Bornova", "0232 343 30 30",
        (_multi(150, "Gençlik Salonu"), _seminar(60), _WORKSHOP, _meeting(1, 30),
         _meeting(2, 16)),
        (("Emre Şahin", "emre.sahin"),),
        "35040", (38.4622, 27.2166), ("lift", "accessible_parking"),
    ),
    CenterPlan(
        "Buca Sivil Toplum Merkezi", "Buca",
        "Menderes Cad. No: 201, Buca", "0232 420 40 40",
        (_multi(120), _KITCHEN, _CHILDREN, _meeting(1, 30), _meeting(2, 20)),
        (("Elif Çelik", "elif.celik"),),
        "35390", (38.3894, 27.1760), ("accessible_parking",),
    ),
    CenterPlan(
        "Çiğli Sivil Toplum Merkezi", "Çiğli",
        "Ataşehir Mah. 8780/1 Sok. No: 3, Çiğli", "0232 386 50 50",
        (_multi(100), _seminar(60), _meeting(1, 25), _meeting(2, 12)),
        (("Burak Öztürk", "burak.ozturk"),),
        "35620", (38.4960, 27.0700), (),
    ),
    CenterPlan(
        "Bayraklı Sivil Toplum Merkezi", "Bayraklı",
        "Manas Bulvarı No: 39, Bayraklı", "0232 461 60 60",
        (_conference(200), _seminar(70), _KITCHEN, _meeting(1, 30), _meeting(2, 16)),
        (("Selin Arslan", "selin.arslan"),),
        "35530", (38.4631, 27.1653), ("lift", "accessible_parking"),
    ),
)

# Themes of the organisations, each tied to the category of most of its events.
THEMES: tuple[tuple[str, Category], ...] = (
    ("Çocuk ve Aile", Category.FAMILY),
    ("Çocuk Hakları", Category.CHILDREN),
    ("Masal ve Oyun", Category.CHILDREN),
    ("Gençlik ve Spor", Category.YOUTH),
    ("Genç Gönüllüler", Category.YOUTH),
    ("Üniversiteli Gençler", Category.YOUTH),
    ("Kadın Dayanışma", Category.WOMEN),
    ("Kadın Emeği", Category.WOMEN),
    ("Engelsiz Yaşam", Category.DISABILITY),
    ("İşitme Engelliler", Category.DISABILITY),
    ("Çevre Gönüllüleri", Category.ENVIRONMENT),
    ("Doğa ve Kuş Gözlem", Category.ENVIRONMENT),
    ("Sıfır Atık", Category.ENVIRONMENT),
    ("Kent ve Mimarlık", Category.URBANISM),
    ("Kentsel Dönüşüm", Category.URBANISM),
    ("Bisiklet ve Yaya", Category.URBANISM),
    ("Eğitim Gönüllüleri", Category.EDUCATION),
    ("Okuma Kültürü", Category.EDUCATION),
    ("Meslek Edindirme", Category.EMPLOYMENT),
    ("Girişimci Kadınlar", Category.EMPLOYMENT),
    ("Genç İstihdam", Category.EMPLOYMENT),
    ("Kültür ve Sanat", Category.CULTURE),
    ("Halk Müziği", Category.CULTURE),
    ("Tarih ve Kültür Mirası", Category.CULTURE),
    ("Sağlıklı Yaşam", Category.HEALTH),
    ("Kan Bağışçıları", Category.HEALTH),
    ("Diyabetle Yaşam", Category.HEALTH),
    ("Sosyal Yardımlaşma", Category.SOCIAL_RESPONSIBILITY),
    ("Afet Gönüllüleri", Category.SOCIAL_RESPONSIBILITY),
    ("Mahalle Dayanışma", Category.SOCIAL_RESPONSIBILITY),
    ("Yaşlılara Saygı", Category.SOCIAL_RESPONSIBILITY),
    ("Göçmen Dayanışma", Category.SOCIAL_RESPONSIBILITY),
    ("Hayvan Hakları", Category.OTHER),
    ("Satranç ve Akıl Oyunları", Category.OTHER),
)

PLACES = (
    "Ege", "İzmir", "Körfez", "Kordon", "Konak", "Bornova", "Buca", "Çiğli", "Bayraklı",
    "Karşıyaka", "Gaziemir", "Narlıdere", "Balçova", "Menemen", "Torbalı", "Urla",
    "Seferihisar", "Yamanlar", "Kadifekale", "Alsancak", "Güzelyalı", "Mavişehir",
    "Eşrefpaşa", "Hatay", "Kemeraltı", "İnciraltı", "Bostanlı", "Çamdibi",
)

KIND_SUFFIX = {
    OrganizationKind.ASSOCIATION: "Derneği",
    OrganizationKind.FOUNDATION: "Vakfı",
    OrganizationKind.COOPERATIVE: "Kooperatifi",
    OrganizationKind.PLATFORM: "Platformu",
    OrganizationKind.INITIATIVE: "Girişimi",
}
# How many organisations of each kind (public bodies and others are listed below).
KIND_COUNTS = {
    OrganizationKind.ASSOCIATION: 170,
    OrganizationKind.FOUNDATION: 40,
    OrganizationKind.COOPERATIVE: 22,
    OrganizationKind.PLATFORM: 20,
    OrganizationKind.INITIATIVE: 28,
}
PUBLIC_BODIES: tuple[tuple[str, Category], ...] = (
    ("İl Millî Eğitim Müdürlüğü", Category.EDUCATION),
    ("Aile ve Sosyal Hizmetler İl Müdürlüğü", Category.FAMILY),
    ("Gençlik ve Spor İl Müdürlüğü", Category.YOUTH),
    ("İŞKUR İl Müdürlüğü", Category.EMPLOYMENT),
    ("İl Sağlık Müdürlüğü", Category.HEALTH),
    ("AFAD İl Müdürlüğü", Category.SOCIAL_RESPONSIBILITY),
    ("Göç İdaresi İl Müdürlüğü", Category.SOCIAL_RESPONSIBILITY),
    ("Valilik Sivil Toplumla İlişkiler Müdürlüğü", Category.OTHER),
)
OTHER_BODIES: tuple[tuple[str, Category], ...] = (
    ("Mimarlar Odası İzmir Şubesi", Category.URBANISM),
    ("Şehir Plancıları Odası İzmir Şubesi", Category.URBANISM),
    ("İzmir Barosu Kadın Hakları Merkezi", Category.WOMEN),
    ("İzmir Tabip Odası Halk Sağlığı Komisyonu", Category.HEALTH),
    ("Ege Üniversitesi Sürekli Eğitim Merkezi", Category.EDUCATION),
    ("Kent Konseyi Çocuk Meclisi", Category.CHILDREN),
    ("Kent Konseyi Gençlik Meclisi", Category.YOUTH),
    ("Kent Konseyi Engelliler Meclisi", Category.DISABILITY),
)
UNVERIFIED_SHARE = 0.05

FIRST_NAMES = (
    "Ahmet", "Ayşe", "Fatma", "Mustafa", "Emine", "Ali", "Hatice", "Hüseyin", "Zeynep",
    "İbrahim", "Elif", "Murat", "Özlem", "Deniz", "Cem", "Gül", "Hakan", "Sevgi", "Serkan",
    "Şule", "Tuğba", "Oğuz", "Çağla", "Gökhan", "Yasemin", "Barış", "Esra", "Kerem",
)
LAST_NAMES = (
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
    "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan",
    "Şimşek", "Polat", "Erdoğan", "Güneş", "Aksoy",
)

MEETING_TITLES: dict[Category, tuple[str, ...]] = {
    Category.CHILDREN: ("Çocuk hakları atölyesi hazırlık toplantısı", "Masal saati gönüllü buluşması",
                        "Çocuk meclisi danışma toplantısı"),
    Category.YOUTH: ("Gençlik meclisi buluşması", "Gönüllü gençler koordinasyon toplantısı",
                     "Erasmus+ proje ortakları toplantısı"),
    Category.FAMILY: ("Aile danışmanlığı gönüllü toplantısı", "Ebeveyn destek grubu buluşması"),
    Category.EMPLOYMENT: ("Meslek edindirme kursu planlama toplantısı",
                          "Kadın girişimciler ağı buluşması", "CV hazırlama atölyesi"),
    Category.ENVIRONMENT: ("Sıfır atık çalışma grubu toplantısı", "Kıyı temizliği planlama toplantısı",
                           "Kent bostanları gönüllü buluşması"),
    Category.URBANISM: ("Mahalle planlama çalışma grubu", "Erişilebilir kent komisyonu toplantısı",
                        "Bisiklet yolları değerlendirme toplantısı"),
    Category.SOCIAL_RESPONSIBILITY: ("Afet gönüllüleri eğitim toplantısı", "Askıda ekmek koordinasyonu",
                                     "Yardım kampanyası değerlendirme toplantısı"),
    Category.EDUCATION: ("Okuma grubu buluşması", "Gönüllü öğretmenler toplantısı",
                         "Burs komisyonu toplantısı"),
    Category.CULTURE: ("Koro çalışması", "Halk oyunları ekibi toplantısı", "Kent belleği söyleşisi"),
    Category.HEALTH: ("İlk yardım bilgilendirme toplantısı", "Diyabet destek grubu buluşması",
                      "Kan bağışı kampanyası planlama toplantısı"),
    Category.DISABILITY: ("Engelsiz yaşam komisyonu toplantısı", "İşaret dili sohbet buluşması"),
    Category.WOMEN: ("Kadın dayanışma ağı toplantısı", "Kadın kooperatifi üretim planlaması"),
    Category.OTHER: ("Yönetim kurulu toplantısı", "Genel kurul hazırlık toplantısı",
                     "Satranç kulübü buluşması"),
}
GENERIC_MEETINGS = ("Yönetim kurulu toplantısı", "Olağan genel kurul", "Proje değerlendirme toplantısı",
                    "Gönüllü oryantasyonu", "Üye bilgilendirme toplantısı")
PROGRAM_TITLES: dict[Category, tuple[str, ...]] = {
    Category.CHILDREN: ("23 Nisan Çocuk Şenliği hazırlık çalıştayı", "Çocuk hakları paneli"),
    Category.YOUTH: ("Gençlik Festivali paneli", "Genç gönüllüler zirvesi"),
    Category.FAMILY: ("Aile içi iletişim semineri", "Ebeveyn okulu"),
    Category.EMPLOYMENT: ("İstihdam buluşması: STK'lar ve işverenler",
                          "Kadın kooperatifleri pazarı semineri"),
    Category.ENVIRONMENT: ("İklim krizi ve kent paneli", "Sıfır atık eğitimi"),
    Category.URBANISM: ("Kentsel dönüşüm çalıştayı", "Yaşanabilir mahalleler forumu"),
    Category.SOCIAL_RESPONSIBILITY: ("Afet farkındalık eğitimi", "Gönüllülük haftası programı"),
    Category.EDUCATION: ("Okuma kültürü söyleşisi", "Eğitimde fırsat eşitliği paneli"),
    Category.CULTURE: ("Kent belleği sergisi açılışı", "Halk müziği dinletisi"),
    Category.HEALTH: ("Sağlıklı yaşam semineri", "Toplum sağlığı söyleşisi"),
    Category.DISABILITY: ("Engelsiz kent çalıştayı", "3 Aralık Engelliler Günü programı"),
    Category.WOMEN: ("8 Mart Dünya Kadınlar Günü paneli", "Kadına şiddete karşı dayanışma forumu"),
    Category.OTHER: ("STK'lar için proje yazma eğitimi", "Sivil toplum buluşması"),
}
SERIES_TITLES = ("Haftalık gönüllü koordinasyon toplantısı", "Haftalık çalışma grubu",
                 "Haftalık atölye", "Kulüp buluşması")
CANCEL_REASONS = ("Kuruluş etkinliği erteledi.", "Konuşmacı gelemedi.",
                  "Katılımcı sayısı yetersiz kaldı.", "Hava koşulları nedeniyle iptal edildi.")
REJECT_REASONS = ("Aynı saatte salonda onaylanmış başka bir etkinlik var.",
                  "Başvuruda etkinlik programı eksik.",
                  "Etkinlik merkezin kullanım amacına uygun değil.")


@dataclass
class OrgPlan:
    name: str
    kind: OrganizationKind
    category: Category
    email: str
    phone: str
    registry_number: str | None
    is_verified: bool
    member_email: str
    member_name: str
    id: int = field(default=0)


def slug(text: str) -> str:
    """ASCII, lower-case, dot-free: "Çiğli Kadın" → "cigli-kadin"."""
    table = str.maketrans({"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g"})
    ascii_text = unicodedata.normalize("NFKD", text.translate(table)).encode("ascii", "ignore")
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.decode().lower()).split()
    return "-".join(words)


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def organizations() -> list[OrgPlan]:
    """A few hundred organisations of every kind, always the same ones."""
    rng = random.Random(CITY_SEED)
    named: list[tuple[str, OrganizationKind, Category]] = []
    combos = [(place, theme, cat) for place in PLACES for theme, cat in THEMES]
    rng.shuffle(combos)
    taken: set[str] = set()
    pool = iter(combos)
    for kind, count in KIND_COUNTS.items():
        made = 0
        while made < count:
            place, theme, category = next(pool)
            name = f"{place} {theme} {KIND_SUFFIX[kind]}"
            if name in taken:
                continue
            taken.add(name)
            named.append((name, kind, category))
            made += 1
    named += [(n, OrganizationKind.PUBLIC_BODY, c) for n, c in PUBLIC_BODIES]
    named += [(n, OrganizationKind.OTHER, c) for n, c in OTHER_BODIES]
    plans = []
    for number, (name, kind, category) in enumerate(named, start=1):
        drawn = None  # drawn as before registry identity, so the city stays the same
        if kind in (OrganizationKind.ASSOCIATION, OrganizationKind.FOUNDATION):
            drawn = (rng.randint(100, 999), rng.randint(100, 999))
        plans.append(OrgPlan(
            name=name,
            kind=kind,
            category=category,
            email=f"{slug(name)[:60]}@{NGO_DOMAIN}",
            phone=f"0232 {rng.randint(200, 499)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            registry_number=identifier(kind, number, drawn),
            is_verified=rng.random() >= UNVERIFIED_SHARE or number <= 3,
            member_email=f"uye{number:03d}@{NGO_DOMAIN}",
            member_name=person_name(rng),
        ))
    return plans

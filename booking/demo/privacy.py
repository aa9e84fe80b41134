"""The demo's privacy notice (aydınlatma metni, SPEC §10): the municipality's
first version, published by the demo admin through the same service admins
use, and acknowledged by every demo person as at their registration, so the
demo's logins reach their pages at once while new registrations are asked to
acknowledge it. Run again, it publishes nothing more."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from booking.models import NoticeAcknowledgement, PrivacyNotice, User
from booking.services import privacy_notice

TEXT_TR = "\n\n".join((
    "Örnek Büyükşehir Belediyesi olarak, sivil toplum merkezlerimizin salonlarını ücretsiz "
    "kullanıma açan bu hizmette kişisel verilerinizi 6698 sayılı Kişisel Verilerin Korunması "
    "Kanunu'na (KVKK) uygun olarak işliyoruz. Veri sorumlusu, VERBİS'e kayıtlı Örnek Büyükşehir "
    "Belediyesi'dir; başvuru adresi bu metnin sonundadır.",
    "İşlenen veriler: adınız, e-posta adresiniz ve telefonunuz; temsil ettiğiniz kuruluş ve "
    "kuruluştaki rolünüz; salon talepleriniz, rezervasyonlarınız, katılım ve varış kayıtları; "
    "oturum ve güvenlik kayıtları (giriş zamanları, IP adresi).",
    "Amaçlar ve hukuki sebep: salon taleplerinin alınması, değerlendirilmesi ve size "
    "bildirilmesi; merkezlerin güvenli ve adil kullanımı; belediyenin yıllık faaliyet raporu "
    "(yalnızca toplu sayılar). Bu işlemler KVKK m. 5/2 (c) ve (ç) kapsamında hizmetin sunulması "
    "ve hukuki yükümlülüklerimiz için zorunludur.",
    "Bir derneğe, vakfa ya da sendikaya üyelik KVKK m. 6 uyarınca özel nitelikli kişisel veridir."
    " Kuruluş üyeliğiniz yalnızca kuruluşunuz adına salon talep edebilmeniz için kaydedilir; bu "
    "kayıtlara erişen görevlilerin her erişimi günlüğe yazılır.",
    "Verileriniz merkez görevlileri ve sistem yöneticileri dışında kimseyle paylaşılmaz; takvim "
    "akışlarında kuruluş adları ve kişi bilgileri yer almaz. Hesabınız 24 ay kullanılmazsa size "
    "haber verilir ve ardından verileriniz anonimleştirilir; güvenlik kayıtları üç yıl sonra imha"
    " edilir.",
    "KVKK m. 11 uyarınca verilerinize erişme, düzeltilmesini ve silinmesini isteme haklarınız "
    "vardır. Profil sayfanızdan verilerinizi indirebilir ve silinmelerini isteyebilirsiniz; "
    "talepler en geç 30 gün içinde yanıtlanır. Sorularınız için: kvkk@ornek.bel.tr",
))

TEXT_EN = "\n\n".join((
    "As Örnek Metropolitan Municipality, we process your personal data in this service, which "
    "opens the rooms of our civil-society centres free of charge, in accordance with Law No. 6698"
    " on the Protection of Personal Data (KVKK). The data controller is Örnek Metropolitan "
    "Municipality, registered in VERBİS; where to apply is at the end of this notice.",
    "Data processed: your name, e-mail address and phone number; the organisation you represent "
    "and your role in it; your room requests, bookings, attendance and check-in records; sign-in "
    "and security records (sign-in times, IP address).",
    "Purposes and legal basis: receiving, assessing and answering room requests; the safe and "
    "fair use of the centres; the municipality's yearly activity report (aggregate figures only)."
    " This processing is necessary to provide the service and to meet our legal obligations under"
    " KVKK art. 5/2 (c) and (ç).",
    "Membership of an association, foundation or trade union is special-category personal data "
    "under KVKK art. 6. Your membership of an organisation is recorded only so that you can "
    "request rooms on its behalf; every access to these records by staff is logged.",
    "Your data is shared with no one but the centres' staff and the system administrators; "
    "calendar feeds carry no organisation names or personal details. If your account is unused "
    "for 24 months you are told, and your data is then anonymised; security records are destroyed"
    " after three years.",
    "Under KVKK art. 11 you have the right to access your data and to ask for it to be corrected "
    "or erased. You can download your data and ask for its erasure from your profile page; "
    "requests are answered within 30 days at the latest. Questions: kvkk@ornek.bel.tr",
))


def seed_notice(session: Session, admin: User | None, now: datetime) -> PrivacyNotice | None:
    """Publish the first notice if none is, acknowledged by every active person
    then (the demo's people, as at their registration). Answers the notice
    published now; a database with a notice is left as it is."""
    if admin is None or privacy_notice.current(session) is not None:
        return None
    notice = privacy_notice.publish(session, admin, TEXT_TR, TEXT_EN, None, None, now)
    session.flush()
    people = session.scalars(select(User.id).where(User.is_active.is_(True))).all()
    if people:
        session.execute(insert(NoticeAcknowledgement), [
            {"user_id": user_id, "notice_id": notice.id, "acknowledged_at": now}
            for user_id in people])
    return notice

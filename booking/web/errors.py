"""HTML error pages in the visitor's language. Under /api/ the JSON API's
problem+json handler answers instead."""
from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from booking.extensions import db, login_manager
from booking.limits import refused
from booking.web.requests import is_photo_upload

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: (_l("İstek geçersiz"),
          _l("Form geçersiz ya da oturumunuzun süresi dolmuş. Sayfayı yenileyip yeniden deneyin.")),
    404: (_l("Sayfa bulunamadı"),
          _l("Aradığınız sayfa yok ya da görme yetkiniz bulunmuyor.")),
    405: (_l("Bu işlem burada yapılamaz"),
          _l("Bu adres bu türden bir isteği kabul etmiyor.")),
    413: (_l("Gönderilen veri çok büyük"),
          _l("Formla gönderilen veri izin verilenden büyük. Metinleri kısaltıp yeniden deneyin.")),
    429: (_l("Çok fazla deneme"),
          _l("Kısa sürede çok fazla istek gönderildi. Lütfen biraz bekleyip yeniden deneyin.")),
    500: (_l("Beklenmeyen bir hata oluştu"),
          _l("Hata kaydedildi. Lütfen biraz sonra yeniden deneyin.")),
    503: (_l("Hizmet şu an kullanılamıyor"),
          _l("Veritabanına şu an ulaşılamıyor. Lütfen biraz sonra yeniden deneyin.")),
}


PHOTO_TOO_LARGE = (_l("Fotoğraf çok büyük"),
                   _l("Gönderilen fotoğraf izin verilenden büyük. Daha küçük bir dosya seçip "
                      "yeniden deneyin."))


def handle(exc: HTTPException) -> Response | tuple[str, int] | HTTPException:
    if isinstance(exc.response, Response):
        return exc.response  # an answer made for the occasion (an account's lock-out)
    if exc.code == 413:
        refused("body-too-large", "")
    if request.path.startswith("/api/"):
        from booking.api.errors import handle_http

        return handle_http(exc)
    code = exc.code or 500
    if code >= 500:
        db.session.rollback()
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413 and is_photo_upload(request.method, request.path):
        title, message = PHOTO_TOO_LARGE
    return render_template("errors/error.html", code=code, title=title, message=message), code


def unavailable(exc: OperationalError) -> tuple[str, int, dict[str, str]]:
    """The database is unreachable, or too busy to answer in time: a 503 page
    asking to retry, and one log line instead of a traceback per request. (The
    JSON API's own handler answers its 503 problem.)"""
    first_line = str(getattr(exc, "orig", None) or exc).strip().splitlines()[:1]
    log.error("database unavailable: %s %s: %s", request.method, request.path,
              first_line[0] if first_line else type(exc).__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool discards it
        db.session.close()
    # The page must not ask the database who is signed in (menu, language).
    g._login_user = login_manager.anonymous_user()
    title, message = MESSAGES[503]
    return (render_template("errors/error.html", code=503, title=title, message=message), 503,
            {"Retry-After": str(RETRY_AFTER_SECONDS)})


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, handle)
    app.register_error_handler(OperationalError, unavailable)

"""HTML error pages in the visitor's language. Under /api/ the JSON API's
problem+json handler answers instead."""
from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from booking.extensions import db

MESSAGES = {
    400: (_l("İstek geçersiz"),
          _l("Form geçersiz ya da oturumunuzun süresi dolmuş. Sayfayı yenileyip yeniden deneyin.")),
    404: (_l("Sayfa bulunamadı"),
          _l("Aradığınız sayfa yok ya da görme yetkiniz bulunmuyor.")),
    405: (_l("Bu işlem burada yapılamaz"),
          _l("Bu adres bu türden bir isteği kabul etmiyor.")),
    429: (_l("Çok fazla deneme"),
          _l("Kısa sürede çok fazla istek gönderildi. Lütfen biraz bekleyip yeniden deneyin.")),
    500: (_l("Beklenmeyen bir hata oluştu"),
          _l("Hata kaydedildi. Lütfen biraz sonra yeniden deneyin.")),
}


def handle(exc: HTTPException) -> Response | tuple[str, int] | HTTPException:
    if request.path.startswith("/api/"):
        from booking.api.errors import handle_http

        return handle_http(exc)
    code = exc.code or 500
    if code >= 500:
        db.session.rollback()
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, handle)

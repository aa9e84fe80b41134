"""``flask seed-demo``: load the demo city and a year of its bookings."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from booking.database import run_in_transaction
from booking.demo.city import DEMO_PASSWORD
from booking.demo.seed import ForeignData, seed_demo
from booking.extensions import db


@click.command("seed-demo")
@with_appcontext
@click.option("--year", type=click.IntRange(2000, 2100), default=2024, show_default=True,
              help="The year whose bookings are generated.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Random seed: the same seed and year give the same bookings.")
def seed_demo_command(year: int, seed: int) -> None:
    """Demo centers, rooms, organisations and a full year of bookings.

    Safe to run again: an existing demo city is reused and a year that is
    already loaded is left alone.
    """
    started = time.perf_counter()
    try:
        result = run_in_transaction(db.session(), lambda: seed_demo(db.session(), year=year,
                                                                     seed=seed))
    except ForeignData:
        click.echo("Veritabanında demo dışı merkezler var; demo verisi yüklenmedi "
                   "(boş bir veritabanında çalıştırın).")
        return
    click.echo(result.message)
    if result.counts:
        c = result.counts
        click.echo(
            f"{c['meetings']} toplantı, {c['programs']} program, {c['attendees']} katılımcı; "
            f"{c['cancelled']} iptal, {c['no_shows']} gelinmeyen, {c['rejected']} ret, "
            f"{c['series']} haftalık dizi, "
            f"{c['closures']} kapanış ({time.perf_counter() - started:.1f} s)."
        )
    if result.upcoming:
        u = result.upcoming
        click.echo(f"Bu hafta ve sonraki haftalar: {u['meetings'] + u['programs']} onaylı "
                   f"rezervasyon, {u['pending']} onay bekleyen talep.")
    if result.waitlist:
        w = result.waitlist
        click.echo(f"Bekleme listesi: {w['entries']} kayıt, {w['offers']} açık teklif.")
    if result.assemblies:
        click.echo(f"Genel kurul: {result.assemblies['assemblies']} kuruluşun iki tarihli toplantısı.")
    click.echo(f"Demo girişleri (parola: {DEMO_PASSWORD}):")
    for email, what in result.logins:
        click.echo(f"  {email:<40} {what}")

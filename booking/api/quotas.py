"""Quotas per organisation and center (SPEC §8): what is used, and the rules."""
from __future__ import annotations

from flask import Response

from booking.api import schemas as s
from booking.api.auth import require_admin, require_user
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import QuotaRule, utcnow
from booking.services import quotas


def _rule(rule: QuotaRule) -> s.QuotaRuleOut:
    return s.QuotaRuleOut(
        id=rule.id, center_id=rule.center_id, organization_id=rule.organization_id,
        organization_name=rule.organization.name if rule.organization else None,
        monthly_hours=rule.monthly_hours, open_requests=rule.open_requests,
        weekly_bookings=rule.weekly_bookings, updated_at=rule.updated_at)


@operation("GET", "/organizations/{organization_id}/quota",
           summary="What an organisation has used of a center's quota", tag="Organisations",
           access="members of the organisation, staff, admin", response=s.QuotaOut,
           query=s.QuotaQuery, errors=(401, 404, 422))
def get_quota(organization_id: int, query: s.QuotaQuery) -> Response:
    """This month's booked hours, the open requests and this ISO week's
    bookings in the center's own time, with the limits that apply (the
    center's, or the organisation's own override); a null limit is none."""
    user = require_user()
    used = quotas.usage(db.session(), user, organization_id, query.center_id, utcnow())
    db.session.rollback()
    return reply(s.QuotaOut(
        month=used.month, hours_used=used.hours_used, hours_limit=used.hours_limit,
        open_requests=used.open_requests, open_limit=used.open_limit,
        week_count=used.week_count, week_limit=used.week_limit))


@operation("GET", "/centers/{center_id}/quotas", summary="A center's quota rules",
           tag="Places", access="staff, admin", response=s.QuotaRuleList, errors=(401, 404))
def list_quota_rules(center_id: int) -> Response:
    """The rule for every organisation, then each organisation's override."""
    user = require_user()
    rules = quotas.center_rules(db.session(), user, center_id)
    body = s.QuotaRuleList(items=[_rule(rule) for rule in rules])
    db.session.rollback()
    return reply(body)


@operation("PUT", "/centers/{center_id}/quotas", summary="Set a quota rule", tag="Places",
           access="admin", response=s.QuotaRuleList, body=s.QuotaRuleIn,
           errors=(401, 403, 404, 422))
def set_quota_rule(center_id: int, body: s.QuotaRuleIn) -> Response:
    """Set the center's rule (no `organization_id`) or an organisation's
    override; a rule with every limit null is removed. Answers the center's
    rules as they now are."""
    admin = require_admin()
    values = body.model_dump(exclude={"organization_id"})
    write(lambda: quotas.set_rule(db.session(), admin, center_id, body.organization_id, values,
                                  utcnow()))
    rules = quotas.center_rules(db.session(), admin, center_id)
    answer = s.QuotaRuleList(items=[_rule(rule) for rule in rules])
    db.session.rollback()
    return reply(answer)

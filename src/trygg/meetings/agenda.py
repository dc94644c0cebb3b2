"""What a meeting's agenda is built from: the lägesbild of the last complete week before
the meeting, and the actions to follow up.

The lägesbild part is built from aggregates only (flags, hotspot counts per area, the
organisations that have not reported, the coordinator's proposed focus): nothing in it
depends on a single incident, so a GREEN meeting's agenda shows nothing a detail role
may not see. Action items link the action; whoever reads the agenda sees an action item
only if ``may_see_record`` lets them see the action (``visible_items``).

The functions here build item specifications (dicts), written by ``services.build_agenda``.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.incidents.visibility import may_see_record
from trygg.situation import render as situation_render
from trygg.situation.periods import Period

from .models import AgendaItemKind

DUE_DAYS = 7  # an open action ending within this many days after the meeting is due


def situation_period(meeting):
    """The last complete ISO week before the meeting's (local) date."""
    day = timezone.localdate(meeting.starts_at)
    return Period.containing("week", day).previous()


def picture_for(partnership, period):
    """(picture, texts, source) for the period: the latest approved version's snapshot if
    there is one, else the draft picture with the report's current texts."""
    from trygg.situation import services as situation_services
    from trygg.situation.models import SituationVersion
    from trygg.situation.views import draft_picture

    version = (
        SituationVersion.objects.filter(
            report__partnership=partnership, report__period_key=period.key
        )
        .defer("pdf_partnership", "pdf_viewer")
        .order_by("-number")
        .first()
    )
    if version is not None:
        snapshot = version.snapshot
        return snapshot, snapshot.get("texts", {}), {"kind": "approved", "version": version.number}
    picture = draft_picture(partnership, period)
    report = situation_services.report_for(partnership, period)
    return picture, situation_services.texts_of(report, partnership), {"kind": "draft"}


def _spec(kind, title, body="", action=None):
    return {"kind": kind, "title": title[:300], "body": body, "action": action}


def situation_items(picture, texts, source):
    """The agenda items the lägesbild gives, in order: an overview, one per flag, new
    hotspots per area, reporting gaps and late reports, the proposed focus."""
    period = picture["period"]
    label = situation_render.period_label(period)
    flags = picture.get("flags", [])
    overview = picture.get("overview", {})
    items = []
    if source["kind"] == "approved":
        heading = _("Lägesbilden för %(period)s (fastställd version %(n)s)") % {
            "period": label,
            "n": source["version"],
        }
    else:
        heading = _("Lägesbilden för %(period)s (utkast)") % {"period": label}
    body = ngettext(
        "%(total)s händelse under veckan; %(n)s flaggad förändring av %(m)s prövade celler.",
        "%(total)s händelser under veckan; %(n)s flaggade förändringar av %(m)s prövade celler.",
        overview.get("total", 0),
    ) % {"total": overview.get("total", 0), "n": len(flags), "m": picture.get("family_size", 0)}
    items.append(_spec(AgendaItemKind.OTHER, heading, body))
    kind = period["kind"]
    for flag in flags:
        direction = _("ökning") if flag["direction"] == "up" else _("minskning")
        what = flag.get("group_label") or _("alla händelser")
        title = _("Flagga: %(where)s, %(what)s (%(direction)s)") % {
            "where": flag["row_name"],
            "what": what,
            "direction": direction,
        }
        items.append(_spec(AgendaItemKind.FLAG, title, situation_render.flag_sentence(flag, kind)))
    weeks = picture.get("hotspots", {}).get("recent_weeks", 4)
    for row in situation_render.hotspot_rows(picture):
        if not row["new"]:
            continue
        area = row["area"] or _("okänt område")
        body = ngettext(
            "%(new)s ny brännpunktsruta av %(cells)s i området; som mest %(count)s händelser "
            "i en ruta och runt den de senaste %(weeks)s veckorna.",
            "%(new)s nya brännpunktsrutor av %(cells)s i området; som mest %(count)s "
            "händelser i en ruta och runt den de senaste %(weeks)s veckorna.",
            row["new"],
        ) % {"new": row["new"], "cells": row["cells"], "count": row["window_count"], "weeks": weeks}
        items.append(
            _spec(AgendaItemKind.HOTSPOT, _("Ny brännpunkt: %(area)s") % {"area": area}, body)
        )
    silent = overview.get("silent", [])
    if silent:
        lines = []
        for org in silent:
            if org.get("last_report"):
                lines.append(
                    _("%(org)s: senaste rapport %(day)s")
                    % {"org": org["organisation"], "day": org["last_report"]}
                )
            else:
                lines.append(
                    _("%(org)s: ingen rapport det senaste året") % {"org": org["organisation"]}
                )
        items.append(
            _spec(
                AgendaItemKind.REPORTING_GAP,
                _("Organisationer som inte har rapporterat"),
                "\n".join(lines),
            )
        )
    late = overview.get("late", [])
    if late:
        lines = [
            ngettext(
                "%(period)s: %(n)s sen rapport", "%(period)s: %(n)s sena rapporter", entry["count"]
            )
            % {"period": entry["period"], "n": entry["count"]}
            for entry in late
        ]
        items.append(_spec(AgendaItemKind.REPORTING_GAP, _("Sena rapporter"), "\n".join(lines)))
    focus = _focus_item(picture, texts)
    if focus:
        items.append(focus)
    return items


def _focus_item(picture, texts):
    areas = [a for a in texts.get("proposed_areas", []) if a]
    text = texts.get("proposed_focus", "")
    times = texts.get("proposed_times", "")
    groups = {g["code"]: g["label"] for g in picture.get("groups", [])}
    categories = [groups.get(c, c) for c in texts.get("proposed_categories", [])]
    if not (areas or text or times or categories):
        return None
    title = (
        _("Föreslaget fokus: %(areas)s") % {"areas": ", ".join(areas)}
        if areas
        else _("Föreslaget fokus")
    )
    lines = [text] if text else []
    if times:
        lines.append(_("Tider: %(times)s") % {"times": times})
    if categories:
        lines.append(_("Händelsegrupper: %(groups)s") % {"groups": ", ".join(categories)})
    return _spec(AgendaItemKind.FOCUS, title, "\n".join(lines))


def action_body(action, meeting_day, decided_on=None):
    """One action's line for the agenda: owner, deadline, status, where it was decided."""
    parts = [_("Ansvarig: %(org)s.") % {"org": action.organisation.name}]
    if action.end:
        parts.append(_("Klar senast: %(day)s.") % {"day": date_format(action.end, "j F Y")})
    parts.append(_("Status: %(status)s.") % {"status": action.get_status_display()})
    if action.end and action.end < meeting_day and action.is_open:
        parts.append(_("Försenad."))
    if decided_on:
        parts.append(
            _("Beslutad på avstämningen %(day)s.") % {"day": date_format(decided_on, "j F Y")}
        )
    return " ".join(parts)


def action_items(due, carried, meeting_day):
    """One item per action: ``due`` (open, ending by a week after the meeting or overdue)
    and ``carried`` ({action: date of the meeting that decided it}), each action once;
    overdue first, then by deadline."""
    actions = {a.pk: a for a in due}
    decided = {}
    for action, day in carried.items():
        actions.setdefault(action.pk, action)
        decided[action.pk] = day
    far = datetime.date.max
    ordered = sorted(actions.values(), key=lambda a: (a.end or far, a.pk))
    return [
        _spec(
            AgendaItemKind.ACTION,
            action.title,
            action_body(action, meeting_day, decided.get(action.pk)),
            action=action,
        )
        for action in ordered
    ]


def due_window(meeting):
    day = timezone.localdate(meeting.starts_at)
    return day, day + datetime.timedelta(days=DUE_DAYS)


def may_see_item(user, membership, item):
    """Whether this reader sees an agenda item: an action item only with its action."""
    if item.kind != AgendaItemKind.ACTION:
        return True
    return item.action is not None and may_see_record(user, membership, item.action)


def visible_items(items, user, membership):
    """(the items this reader sees, how many action items are hidden from them)."""
    shown = [i for i in items if may_see_item(user, membership, i)]
    return shown, len(items) - len(shown)

"""The audit log for the auditor (dataskyddsombud / granskare, DESIGN.md §2): the current
partnership's chain, newest first, with a filter and a CSV export of the same selection.

Only the current partnership's chain is read (``chain_entries``); the system chain
(logins, checkpoints) and other partnerships' chains never are. The auditor reads the log,
not the incidents: objects are shown as type and id in text, never linked.

Reading the log is itself audited ("audit.view" for every page shown, "audit.export" for
every export). So that a reader's own entries do not push the list about while they page
through it, a view is pinned to the chain as it was when the reader opened it: the page
records the last entry number it shows from (``senast``) in its page and export links,
and the new entry for the read comes after it. It shows the next time the log is opened.
"""

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import FILTER_FIELDS, AuditFilterForm, action_label, object_type_label
from .models import AuditEntry, ChainHead, partnership_chain
from .services import record

PAGE_SIZE = 100
# Hard cap on one export; a larger selection is refused with a message (narrow it).
MAX_EXPORT_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def chain_entries(partnership):
    """Every entry of ``partnership``'s own chain (and nothing else)."""
    return AuditEntry.objects.filter(
        chain=partnership_chain(partnership.pk), partnership_id=partnership.pk
    )


def _head_seq(partnership):
    head = ChainHead.objects.filter(chain=partnership_chain(partnership.pk)).first()
    return head.seq if head is not None else 0


def _pinned_seq(request):
    """The last entry number the reader's view shows: ``senast`` from the page's own
    links, else the chain's current end. Never beyond the current end."""
    head = _head_seq(request.partnership)
    raw = request.GET.get("senast", "")
    if raw.isdigit():
        return min(int(raw), head)
    return head


def _filter_query(request):
    query = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        value = request.GET.get(name, "")
        if value:
            query[name] = value
    return query.urlencode()


def data_text(data):
    """An entry's data as one line of text: ``key: value; ...`` (values as JSON)."""
    if not data:
        return ""
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    parts = []
    for key in sorted(data):
        value = data[key]
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def _rows(entries):
    for entry in entries:
        entry.action_label = action_label(entry.action)
        entry.object_type_label = object_type_label(entry.object_type) if entry.object_type else ""
        entry.data_text = data_text(entry.data)
        yield entry


def _selection(request):
    """(form, filtered entries up to the pinned entry, pinned seq, filter query)."""
    entries = chain_entries(request.partnership)
    form = AuditFilterForm(request.GET or None, entries=entries, auto_id="filter-%s")
    upto = _pinned_seq(request)
    selected = entries.filter(seq__lte=upto)
    if form.is_bound:
        selected = form.filter(selected) if form.is_valid() else selected.none()
    return form, selected.order_by("-seq"), upto, _filter_query(request)


def _render(request, form, query, upto, page=None, status=200):
    page_query = f"{query}&senast={upto}" if query else f"senast={upto}"
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "page_range": (
                page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
                if page is not None
                else []
            ),
            "query": query,
            "page_query": page_query,
            "upto": upto,
            "filtered": bool(query),
        },
        status=status,
    )


def audit_log(request):
    form, entries, upto, query = _selection(request)
    if form.errors:
        # Nothing is shown (and so nothing read): the error summary says what to fix.
        return _render(request, form, query, upto, status=400)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("sida"))
    page.object_list = list(_rows(page.object_list))
    # The read is recorded before the page is sent, after the entries shown were read:
    # the new entry comes after ``upto`` and is not on this page.
    record(
        "audit.view",
        actor=request.user,
        partnership=request.partnership,
        request=request,
        data={
            "filter": form.as_params() if form.is_bound else {},
            "page": page.number,
            "upto": upto,
            "rows": len(page.object_list),
        },
    )
    return _render(request, form, query, upto, page=page)


def _safe_text(value):
    """A text cell a spreadsheet will not evaluate as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_columns():
    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""

    return [
        (_("Nr"), lambda e: e.seq),
        (_("Tidpunkt"), lambda e: local(e.at)),
        (_("Användare"), lambda e: e.actor_label),
        (_("Användar-id"), lambda e: e.actor_id if e.actor_id is not None else ""),
        (_("Organisation"), lambda e: e.organisation_label),
        (_("Organisations-id"), lambda e: e.organisation_id if e.organisation_id else ""),
        (_("Händelse"), lambda e: action_label(e.action)),
        (_("Händelsekod"), lambda e: e.action),
        (_("Objekttyp"), lambda e: e.object_type),
        (_("Objekt-id"), lambda e: e.object_id),
        (_("Från adress"), lambda e: e.ip or ""),
        (
            _("Uppgifter"),
            lambda e: json.dumps(e.data, ensure_ascii=False, sort_keys=True) if e.data else "",
        ),
        (_("HMAC"), lambda e: e.hmac),
    ]


class _Echo:
    def write(self, value):
        return value


def csv_text(entries):
    """The entries as CSV: a BOM, then semicolon-separated lines (Excel in Sweden)."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    columns = csv_columns()
    chunks = ["\ufeff", writer.writerow([header for header, _get in columns])]
    for entry in entries.iterator(chunk_size=2000):
        chunks.append(writer.writerow([_safe_text(str(get(entry))) for _h, get in columns]))
    return "".join(chunks)


def export_csv(request):
    form, entries, upto, query = _selection(request)
    if form.errors:
        return _render(request, form, query, upto, status=400)
    count = entries.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(
            request,
            _(
                "Urvalet har %(count)s poster; en export får ha högst %(max)s. "
                "Välj ett mindre urval."
            )
            % {"count": count, "max": MAX_EXPORT_ROWS},
        )
        return redirect(reverse("audit:log") + (f"?{query}" if query else ""))
    # Recorded before the file is built, in the same request: the export's own entry
    # comes after ``upto`` and is not in the file.
    record(
        "audit.export",
        actor=request.user,
        partnership=request.partnership,
        request=request,
        data={
            "format": "csv",
            "filter": form.as_params() if form.is_bound else {},
            "upto": upto,
            "rows": count,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"granskningslogg-{request.partnership.slug}-{stamp}.csv"
    response = HttpResponse(csv_text(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response

"""The import wizard's steps and the command's, on top of ``parsing`` and
``trygg.incidents.bulk``: upload (parse and redact; the file itself is not kept), column
and category mappings remembered per organisation, dry run, and the write (in the
request, or as a background task for large files)."""

import csv
import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from trygg.audit.services import record
from trygg.core.models import Partnership
from trygg.incidents import bulk
from trygg.incidents.models import Category
from trygg.incidents.redaction import redact

from . import parsing
from .models import CategoryMapping, ColumnMapping, ImportJob

MAX_FILE_BYTES = 30 * 1024 * 1024
# Files with more rows than this are written by a background task.
BACKGROUND_ROWS = 5000


def read_file(data, file_name):
    """Parse an uploaded file's bytes and redact every text cell; returns the Table.
    FileProblem for a file that cannot be read."""
    if len(data) > MAX_FILE_BYTES:
        raise parsing.FileProblem(
            _("Filen är större än %(mb)s MB; dela upp den i flera filer.")
            % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    table = parsing.read_table(data, file_name)
    parsing.redact_table(table, redact)
    return table


def remembered_mapping(organisation, partnership, headers):
    """The mapping used last time (only headings this file has), else a guess."""
    guess = parsing.guess_mapping(headers)
    saved = ColumnMapping.objects.filter(organisation=organisation, partnership=partnership).first()
    if saved:
        for f, heading in saved.mapping.items():
            if heading in headers and f in parsing.FIELDS:
                guess[f] = heading
    return guess


def remember_mapping(organisation, partnership, mapping):
    ColumnMapping.objects.update_or_create(
        organisation=organisation, partnership=partnership, defaults={"mapping": mapping}
    )


def leaf_categories(partnership):
    return list(
        Category.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership),
            is_active=True,
            parent__isnull=False,
        )
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def suggest_categories(organisation, partnership, words):
    """{word: category code or ""}: remembered words first, then exact code or label."""
    remembered = {
        m.their_word.casefold(): m.category.code
        for m in CategoryMapping.objects.filter(
            organisation=organisation, partnership=partnership
        ).select_related("category")
    }
    leaves = leaf_categories(partnership)
    by_key = {}
    for c in leaves:
        by_key[c.code.casefold()] = c.code
        by_key[c.label_sv.casefold()] = c.code
        for part in c.label_sv.split("/"):
            by_key.setdefault(part.strip().casefold(), c.code)
    return {w: remembered.get(w.casefold()) or by_key.get(w.strip().casefold(), "") for w in words}


def remember_categories(organisation, partnership, category_map):
    codes = {c.code: c for c in leaf_categories(partnership)}
    for word, code in category_map.items():
        if code in codes:
            CategoryMapping.objects.update_or_create(
                organisation=organisation,
                partnership=partnership,
                their_word=word[:200],
                defaults={"category": codes[code]},
            )


def create_job(*, user, partnership, organisation, file_name, data):
    """Upload step: parse and redact, keep only the cells. FileProblem if unreadable."""
    bulk.check_importer(user, partnership, organisation)
    table = read_file(data, file_name)
    return ImportJob.objects.create(
        partnership=partnership,
        organisation=organisation,
        user=user,
        file_name=(file_name or "")[:255],
        row_count=len(table.rows),
        table=table.as_json(),
        mapping=remembered_mapping(organisation, partnership, table.headers),
    )


def job_rows(job):
    """The job's rows for the bulk service and the problems found reading them."""
    table = parsing.Table.from_json(job.table)
    return parsing.to_incident_rows(table, job.mapping, job.category_map)


def dry_run(*, actor, partnership, organisation, rows, only_valid=False):
    """What importing ``rows`` would do, without writing anything: the whole import runs
    and is rolled back, so the counts (new, updated, unchanged) are exact."""
    with transaction.atomic():
        result = bulk.import_incidents(
            actor=actor,
            partnership=partnership,
            organisation=organisation,
            rows=rows,
            only_valid=only_valid,
        )
        transaction.set_rollback(True)
    result.written = False
    return result


def check_job(job):
    """Dry run of a job; stores the problems and the counts on it and returns the result."""
    rows, _problems = job_rows(job)
    if not rows:
        job.problems = [p.as_dict() for p in _problems]
        job.result = {}
        job.save(update_fields=["problems", "result", "updated_at"])
        return None
    if job.row_count > BACKGROUND_ROWS:
        # A large file is only validated here (seconds); the full rolled-back write that
        # gives exact new/updated counts would keep the request waiting for minutes.
        bulk.check_importer(job.user, job.partnership, job.organisation)
        cleaned, problems = bulk.validate_rows(
            partnership=job.partnership, organisation=job.organisation, rows=rows
        )
        summary = {"valid": sum(1 for c in cleaned if c["ok"]), "estimated": True}
    else:
        result = dry_run(
            actor=job.user, partnership=job.partnership, organisation=job.organisation, rows=rows
        )
        problems, summary = result.problems, result.summary()
    job.problems = [p.as_dict() for p in problems]
    job.result = {"dry_run": summary}
    job.status = ImportJob.Status.CHECKED
    job.save(update_fields=["problems", "result", "status", "updated_at"])
    return summary


def write_job(job, *, only_valid, request=None):
    """Write the job now (small files) or queue it (large ones); returns the job."""
    job.only_valid = only_valid
    if job.row_count > BACKGROUND_ROWS:
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["only_valid", "status", "updated_at"])
        run_import_job.enqueue(job.pk)
        job.refresh_from_db()
        return job
    _run(job, request=request)
    return job


def _report_progress(job):
    """A callback for ``bulk.import_incidents(check_progress=...)``: stores how many of the
    file's rows are checked on the job, committed at once so that the status page (another
    connection) sees it. ``job.progress == job.row_count`` while the job is running means
    that the checking is done and the incidents are being saved."""
    last = [-1]

    def report(done, total):
        value = job.row_count if done >= total else done * job.row_count // max(total, 1)
        if value != last[0]:
            last[0] = value
            ImportJob.objects.filter(pk=job.pk).update(progress=value, updated_at=timezone.now())

    return report


def _run(job, request=None):
    job.status = ImportJob.Status.RUNNING
    job.progress = 0
    job.save(update_fields=["status", "progress", "updated_at"])
    rows, _problems = job_rows(job)
    try:
        result = bulk.import_incidents(
            actor=job.user,
            partnership=job.partnership,
            organisation=job.organisation,
            rows=rows,
            only_valid=job.only_valid,
            request=request,
            job_id=job.pk,
            check_progress=_report_progress(job),
        )
    except ValidationError as exc:
        job.status = ImportJob.Status.FAILED
        job.result = {"error": " ".join(exc.messages)}
        job.save(update_fields=["status", "result", "updated_at"])
        return None
    job.problems = [p.as_dict() for p in result.problems]
    job.result = {**result.summary(), "created_ids": len(result.created)}
    job.status = ImportJob.Status.DONE if result.written or result.ok else ImportJob.Status.FAILED
    if not result.ok and not job.only_valid:
        job.status = ImportJob.Status.CHECKED
    job.progress = job.row_count
    job.save()
    return result


@task()
def run_import_job(job_id):
    job = ImportJob.objects.select_related("partnership", "organisation", "user").get(pk=job_id)
    result = _run(job)
    return result.summary() if result else None


def rejected_csv(job):
    """The rejected rows as CSV (semicolon, UTF-8 with BOM so Excel opens it): the row
    number, what is wrong, then the row's (redacted) cells."""
    table = parsing.Table.from_json(job.table)
    reasons = {}
    for p in job.problems:
        column = f"{p['column']}: " if p["column"] else ""
        reasons.setdefault(p["row"], []).append(column + p["message"])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Rad"), _("Fel"), *table.headers])
    for number, cells in table.rows:
        if number in reasons:
            writer.writerow([number, " | ".join(reasons[number]), *cells])
    return out.getvalue()


def import_file(
    *,
    actor,
    partnership,
    organisation,
    data,
    file_name,
    mapping=None,
    category_map=None,
    only_valid=False,
    dry=False,
    progress=None,
):
    """The whole import of one file, as the command runs it: parse and redact, map columns
    (given, else remembered, else guessed) and categories (given words first, then the
    remembered and exact matches), then write (or, with ``dry``, check). Returns the
    BulkResult; FileProblem for a file that cannot be read at all."""
    bulk.check_importer(actor, partnership, organisation)
    table = read_file(data, file_name)
    mapping = mapping or remembered_mapping(organisation, partnership, table.headers)
    words = [w for w, _n in parsing.category_words(table, mapping)]
    categories = {
        w: c for w, c in suggest_categories(organisation, partnership, words).items() if c
    }
    categories.update(category_map or {})
    rows, problems = parsing.to_incident_rows(table, mapping, categories)
    if not rows:
        return bulk.BulkResult(problems=problems, rejected_rows=[])
    if dry:
        return dry_run(
            actor=actor,
            partnership=partnership,
            organisation=organisation,
            rows=rows,
            only_valid=only_valid,
        )
    return bulk.import_incidents(
        actor=actor,
        partnership=partnership,
        organisation=organisation,
        rows=rows,
        only_valid=only_valid,
        progress=progress,
    )


def prune_jobs(*, older_than_days=30, now=None):
    """Empty the parsed rows of import jobs older than ``older_than_days`` (the rows are
    redacted, but still the partner's data and no longer needed once the job is done or
    abandoned). The job's summary and result stay. Returns the number of jobs emptied;
    one audit entry per partnership lists them."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=older_than_days)
    busy = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    with transaction.atomic():
        jobs = list(
            ImportJob.objects.select_for_update()
            .filter(updated_at__lt=cutoff)
            .exclude(status__in=busy)
            .exclude(table={})
            .values_list("pk", "partnership_id")
        )
        by_partnership = {}
        for pk, partnership_id in jobs:
            by_partnership.setdefault(partnership_id, []).append(pk)
        ImportJob.objects.filter(pk__in=[pk for pk, _ in jobs]).update(table={})
        for partnership in Partnership.objects.filter(pk__in=by_partnership):
            record(
                "import.prune",
                partnership=partnership,
                data={"jobs": by_partnership[partnership.pk], "older_than_days": older_than_days},
            )
    return len(jobs)

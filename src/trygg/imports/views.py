"""The import wizard: upload -> columns -> categories -> dry run -> confirm -> result.

Each job is visible only to the user who uploaded it (others get 404)."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from trygg.core.models import Organisation
from trygg.incidents.bulk import ON_BEHALF_ROLES

from . import parsing, services
from .forms import FIELD_LABELS, CategoriesForm, ColumnsForm, ConfirmForm, UploadForm
from .models import ImportJob

PROBLEMS_SHOWN = 500
EDITABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED)


def _job(request, pk):
    return get_object_or_404(
        ImportJob.objects.select_related("partnership", "organisation", "user"),
        pk=pk,
        user=request.user,
        partnership=request.partnership,
    )


def _organisations(request):
    if request.membership.role not in ON_BEHALF_ROLES:
        return None
    return (
        Organisation.objects.filter(partnerships=request.partnership)
        .exclude(kind=Organisation.Kind.SYSTEM)
        .order_by("name")
    )


def start(request):
    organisations = _organisations(request)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        organisation = form.cleaned_data.get("organisation") or request.user.organisation
        try:
            data = upload.read()
            job = services.create_job(
                user=request.user,
                partnership=request.partnership,
                organisation=organisation,
                file_name=upload.name,
                data=data,
            )
        except parsing.FileProblem as exc:
            form.add_error("file", exc.message)
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
        else:
            return redirect("imports:columns", pk=job.pk)
        finally:
            upload.close()  # the uploaded file is not kept
    jobs = ImportJob.objects.filter(user=request.user, partnership=request.partnership)[:20]
    return render(request, "imports/start.html", {"form": form, "jobs": jobs})


def columns(request, pk):
    job = _job(request, pk)
    if job.status not in EDITABLE:
        return redirect("imports:status", pk=job.pk)
    table = parsing.Table.from_json(job.table)
    form = ColumnsForm(request.POST or None, headers=table.headers, initial=job.mapping)
    mapping_problems = []
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        mapping_problems = parsing.check_mapping(table, mapping)
        if not mapping_problems:
            job.mapping = mapping
            job.status = ImportJob.Status.UPLOADED
            job.save(update_fields=["mapping", "status", "updated_at"])
            services.remember_mapping(job.organisation, job.partnership, mapping)
            return redirect("imports:categories", pk=job.pk)
    for p in mapping_problems:
        form.add_error(None, p.message)
    preview = table.rows[:5]
    return render(
        request,
        "imports/columns.html",
        {"job": job, "form": form, "table": table, "preview": preview},
    )


def categories(request, pk):
    job = _job(request, pk)
    if job.status not in EDITABLE:
        return redirect("imports:status", pk=job.pk)
    table = parsing.Table.from_json(job.table)
    words = parsing.category_words(table, job.mapping)
    suggestions = services.suggest_categories(
        job.organisation, job.partnership, [w for w, _n in words]
    )
    initial = {
        f"w{i}": job.category_map.get(w) or suggestions.get(w, "")
        for i, (w, _n) in enumerate(words)
    }
    form = CategoriesForm(
        request.POST or None,
        words=words,
        categories=services.leaf_categories(job.partnership),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        job.category_map = form.category_map()
        job.save(update_fields=["category_map", "updated_at"])
        services.remember_categories(job.organisation, job.partnership, job.category_map)
        services.check_job(job)
        return redirect("imports:check", pk=job.pk)
    return render(request, "imports/categories.html", {"job": job, "form": form})


def check(request, pk):
    job = _job(request, pk)
    if job.status not in EDITABLE:
        return redirect("imports:status", pk=job.pk)
    if job.status != ImportJob.Status.CHECKED and not job.problems:
        return redirect("imports:columns", pk=job.pk)
    form = ConfirmForm(request.POST or None, initial={"mode": "all"})
    has_problems = bool(job.problems)
    if request.method == "POST" and form.is_valid():
        only_valid = form.cleaned_data["mode"] == "only_valid"
        if has_problems and not only_valid:
            form.add_error(
                "mode",
                _(
                    "Det finns rader med fel. Rätta filen och ladda upp den igen, eller välj att "
                    "bara importera de felfria raderna."
                ),
            )
        else:
            services.write_job(job, only_valid=only_valid, request=request)
            return redirect("imports:status", pk=job.pk)
    rejected_rows = len({p["row"] for p in job.problems})
    return render(
        request,
        "imports/check.html",
        {
            "job": job,
            "form": form,
            "problems": job.problems[:PROBLEMS_SHOWN],
            "more_problems": max(0, len(job.problems) - PROBLEMS_SHOWN),
            "rejected_rows": rejected_rows,
            "dry_run": job.result.get("dry_run", {}),
            "field_labels": {f: str(label) for f, (label, _hint) in FIELD_LABELS.items()},
        },
    )


def status(request, pk):
    """The job's result, or its progress while it runs. ``?del=framsteg`` gives only the
    progress part of the page, which import.js fetches every other second."""
    job = _job(request, pk)
    running = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    progress = {
        "running": running,
        # the rows are checked first (progress counts them); then the write, one transaction
        "saving": running and job.row_count > 0 and job.progress >= job.row_count,
        "checked": min(job.progress, job.row_count),
    }
    if request.GET.get("del") == "framsteg":
        return render(request, "imports/_progress.html", {"job": job, **progress})
    return render(
        request,
        "imports/status.html",
        {
            **progress,
            "job": job,
            "result": job.result,
            "rejected_rows": len({p["row"] for p in job.problems}),
            "incidents_url": reverse("incidents:list"),
        },
    )


def rejected(request, pk):
    job = _job(request, pk)
    response = HttpResponse(services.rejected_csv(job), content_type="text/csv; charset=utf-8")
    stem = job.file_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-avvisade-rader.csv"'
    return response

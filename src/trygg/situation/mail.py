"""E-mail to subscribers when a lägesbild is approved: the period and a link, never its
contents (the page applies each reader's rules)."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from trygg.incidents.triage import absolute_url

from .models import SituationVersion, Subscription
from .render import period_label


def send_approval_mail(version_id, *, base_url=None):
    """Send one message per subscriber who still has an active role in the partnership;
    returns the number sent."""
    version = SituationVersion.objects.select_related("report__partnership").get(pk=version_id)
    report = version.report
    partnership = report.partnership
    recipients = list(
        Subscription.objects.filter(
            partnership=partnership,
            user__is_active=True,
            user__memberships__partnership=partnership,
            user__memberships__is_active=True,
        )
        .values_list("user__email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    with translation.override("sv"):
        label = period_label({"kind": report.period_kind, "start": report.start, "end": report.end})
        link = absolute_url(
            reverse("situation:page", args=[report.period_key]) + f"?version={version.number}",
            base_url=base_url,
        )
        subject = (
            _("Lägesbild %(period)s fastställd") % {"period": label}
            if version.number == 1
            else _("Lägesbild %(period)s: version %(n)s") % {"period": label, "n": version.number}
        )
        body = _(
            "Lägesbilden för %(period)s i %(partnership)s är fastställd (version %(n)s).\n\n"
            "Läs den här: %(link)s\n\n"
            "Du får det här meddelandet för att du prenumererar på lägesbilden. Du kan "
            "sluta prenumerera längst ner på lägesbildens sida."
        ) % {
            "period": label,
            "partnership": partnership.name,
            "n": version.number,
            "link": link,
        }
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
    return send_mass_mail(messages, fail_silently=False)


@task()
def send_approval_mail_task(version_id):
    """The e-mail as a background task, so a slow or failing mail server never holds up
    or breaks the approval (enqueued when the approval commits)."""
    return send_approval_mail(version_id)

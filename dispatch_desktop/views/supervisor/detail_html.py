"""The review detail as HTML: classification and evidence, recommendation and policy
version, decision and override reason, assignment, outcome and review, side by side."""

from __future__ import annotations

from html import escape

from dispatch_desktop.models.domain import EvidenceSpan
from dispatch_desktop.services.supervision.report import Labels, outcome_label
from dispatch_desktop.services.supervision.review import ReviewDetail
from dispatch_desktop.views import text as words


def highlighted(
    narrative: str, evidence: tuple[EvidenceSpan, ...], indicators: words.Indicators
) -> str:
    """The narrative with each evidence span marked; negated ones struck through."""
    spans = sorted(
        (e for e in evidence if e.source == "narrative" and 0 <= e.start < e.end <= len(narrative)),
        key=lambda e: e.start,
    )
    out, at = [], 0
    for span in spans:
        if span.start < at:
            continue  # overlapping spans: the first one wins
        out.append(escape(narrative[at : span.start]))
        family = words.indicator_family(span.indicator, indicators)
        colour = words.HIGHLIGHTS.get(family, words.HIGHLIGHTS["other"])
        style = f"background:{colour};"
        if span.negated:
            style += "text-decoration:line-through;"
        name = words.indicator_label(span.indicator, indicators)
        title = escape(name + (" (negated)" if span.negated else ""))
        marked = escape(narrative[span.start : span.end])
        out.append(f'<span style="{style}" title="{title}">{marked}</span>')
        at = span.end
    out.append(escape(narrative[at:]))
    return "".join(out)


def _list(items: tuple[str, ...] | list[str]) -> str:
    if not items:
        return "<i>none</i>"
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"


def detail_html(d: ReviewDetail, label: Labels, indicators: words.Indicators) -> str:
    """``label`` names routes and reasons as the agency's policy does; ``indicators`` are
    its lexicon's (`console.indicator_catalogue`)."""
    c, r, dec = d.classification, d.recommendation, d.decision
    left = [f"<h3>Call {escape(d.call_number)}</h3>",
            f"<p>{escape(words.local_time(d.received_at))} · {escape(d.nature)}</p>"]  # fmt: skip
    if c is not None:
        verdict = "BH" if c.label.behavioral_health else "not BH"
        cats = ", ".join(words.category_label(x) for x in c.label.categories) or "—"
        flags = ", ".join(outcome_label(x) for x in c.label.safety_flags) or "none"
        left += [
            f"<p><b>Classification:</b> {verdict} (score {c.score:.2f}); {escape(cats)}<br>"
            f"<b>Safety flags:</b> {escape(flags)}<br>"
            f"<small>lexicon {escape(c.lexicon_version or '?')}</small></p>",
            f"<p>{highlighted(d.narrative, c.evidence, indicators)}</p>",
        ]
    else:
        left.append(f"<p>{escape(d.narrative)}</p>")
    alerts = [f"{a.category.upper()}: {a.reason}" for a in d.premise_alerts]
    left.append("<p><b>Premise alerts</b></p>" + _list(alerts))
    middle = ["<h3>Recommendation</h3>"]
    if r is not None:
        middle += [
            f"<p><b>{escape(label(r.route))}</b><br><small>policy {escape(r.policy_version)}"
            "</small></p>",
            "<p><b>Why</b></p>" + _list(r.reasons),
            "<p><b>Actions</b></p>" + _list(r.actions),
            "<p><b>Ruled out</b></p>"
            + _list([f"{label(route)}: {why}" for route, why in r.alternatives]),
        ]
    else:
        middle.append("<p><i>No recommendation stored.</i></p>")
    right = ["<h3>Decision</h3>"]
    if dec is not None:
        kind = "OVERRIDE" if dec.kind == "override" else "Accepted"
        right.append(
            f"<p><b>{kind}</b>: {escape(label(dec.route))}<br>"
            f"by {escape(dec.username)} at {escape(words.local_time(dec.decided_at))}</p>"
        )
        if dec.kind == "override":
            right.append(
                f"<p><b>Reason:</b> {escape(label(dec.reason_code or 'other'))}<br>"
                f"{escape(dec.reason_text or '')}</p>"
            )
    else:
        right.append("<p><i>No decision yet.</i></p>")
    units = ", ".join(f"{a.call_sign} ({a.assigned_by})" for a in d.assignments) or "none"
    right.append(f"<p><b>Assigned:</b> {escape(units)}</p>")
    right.append("<h3>Outcome</h3>")
    o = d.outcome
    if o is not None:
        extra = f" to {escape(o.referral_to)}" if o.referral_to else ""
        injuries = [w for w, on in (("subject", o.subject_injury),
                                    ("responder", o.responder_injury)) if on]  # fmt: skip
        minutes = f"{o.minutes_on_scene} min" if o.minutes_on_scene is not None else "not known"
        right.append(
            f"<p>{escape(label(o.disposition))}{extra}<br>Force: {escape(label(o.use_of_force))}"
            f"<br>Injuries: {escape(', '.join(injuries) or 'none')}<br>On scene: {minutes}<br>"
            f"<small>recorded by {escape(o.recorded_by)} ({escape(o.source)})</small></p>"
        )
    else:
        right.append("<p><i>Not recorded — press O.</i></p>")
    right.append("<h3>Review</h3>")
    rv = d.review
    if rv is not None:
        verdict = "Appropriate" if rv.appropriate else "NOT appropriate"
        right.append(
            f"<p><b>{verdict}</b> — {escape(rv.reviewer)}, "
            f"{escape(words.local_time(rv.reviewed_at))}<br>{escape(rv.comment or '')}</p>"
        )
        if rv.correction is not None:
            corr = rv.correction
            what = "BH" if corr.behavioral_health else "not BH"
            right.append(
                f"<p><b>Label corrected:</b> {what}; "
                f"{escape(', '.join(corr.categories) or '—')}; flags "
                f"{escape(', '.join(corr.safety_flags) or 'none')}</p>"
            )
    else:
        right.append("<p><i>Not reviewed — A appropriate, N not appropriate.</i></p>")
    cell = '<td valign="top" width="33%" style="padding:4px 10px;">'
    return (
        '<table width="100%"><tr>'
        + cell + "".join(left) + "</td>"
        + cell + "".join(middle) + "</td>"
        + cell + "".join(right) + "</td></tr></table>"
    )  # fmt: skip

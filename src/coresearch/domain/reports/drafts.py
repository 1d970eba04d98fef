"""The five GRIPP2-SF sections drafted from the figures, in plain bokmål or English.

A draft is a starting point the lead edits (`PUT .../text`): it states what the records show and
no more. Evaluation comments are quoted in the report's own list, never attributed.
"""

from __future__ import annotations

from coresearch.domain.reports import schemas as s
from coresearch.domain.reports.labels import KINDS, LEVELS, PHASES, SECTIONS, hours
from coresearch.domain.reports.schemas import Lang

LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS[Lang.en])}


def _join(items: list[str], lang: Lang) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " og " if lang is Lang.nb else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def aim(phases: list[s.PhaseFigures], notes: dict[str, str], lang: Lang) -> str:
    planned = [p for p in phases if p.planned_level is not None]
    names, levels = PHASES[lang], LEVELS[lang]
    if not planned:
        lines = [
            "Det er ikke registrert planlagte nivåer for medvirkning i fasene."
            if lang is Lang.nb
            else "No planned levels of involvement are recorded for the phases."
        ]
    else:
        listed = _join(
            [
                f"{names[p.phase.value].lower()} ({levels[p.planned_level.value]})"
                for p in planned
                if p.planned_level
            ],
            lang,
        )
        lines = [
            f"Prosjektet planla medvirkning i {len(planned)} av {len(phases)} faser: {listed}."
            if lang is Lang.nb
            else f"The project planned involvement in {len(planned)} of {len(phases)} phases: {listed}."
        ]
    lines += [f"{names[phase]}: {note.strip()}" for phase, note in notes.items() if note.strip()]
    return "\n\n".join(lines)


def methods(phases: list[s.PhaseFigures], totals: s.Totals, training: s.TrainingFigures, lang: Lang) -> str:
    names, levels, kinds = PHASES[lang], LEVELS[lang], KINDS[lang]
    if not totals.activities:
        lines = [
            "Ingen aktiviteter med medforskere er registrert i perioden."
            if lang is Lang.nb
            else "No activities with co-researchers are recorded for the period."
        ]
    elif lang is Lang.nb:
        lines = [
            f"I perioden er det registrert {totals.activities} aktiviteter der {totals.coresearchers} "
            f"medforskere deltok, til sammen {hours(totals.minutes, lang)} timer."
        ]
    else:
        lines = [
            f"In the period, {totals.activities} activities are recorded in which {totals.coresearchers} "
            f"co-researchers took part, {hours(totals.minutes, lang)} hours in all."
        ]
    for phase in phases:
        if not phase.activities:
            continue
        kind_counts = {k: getattr(phase.kinds, k) for k in kinds if getattr(phase.kinds, k)}
        level_counts = {k: getattr(phase.levels, k) for k in levels if getattr(phase.levels, k)}
        what = _join([f"{n} {kinds[k]}" for k, n in kind_counts.items()], lang)
        how = _join([f"{n} {levels[k]}" for k, n in level_counts.items()], lang)
        label = "nivå" if lang is Lang.nb else "level"
        lines.append(f"{names[phase.phase.value]}: {what}; {label}: {how}.")
    if training.courses:
        lines.append(
            f"{training.people} medforskere fullførte {training.courses} kurs "
            f"({hours(training.minutes, lang)} timer)."
            if lang is Lang.nb
            else f"{training.people} co-researchers completed {training.courses} courses "
            f"({hours(training.minutes, lang)} hours)."
        )
    return "\n\n".join(lines)


def results(impact_total: int, impact: list[s.ImpactStatement], lang: Lang) -> str:
    if not impact_total:
        return (
            "Ingen aktiviteter i perioden har registrert hva som endret seg."
            if lang is Lang.nb
            else "No activity in the period records what changed."
        )
    lines = [
        f"{impact_total} aktiviteter har registrert hva som endret seg som følge av medvirkningen:"
        if lang is Lang.nb
        else f"{impact_total} activities record what changed because of the involvement:"
    ]
    lines += [
        f"– {statement.what_changed.strip()}" for statement in impact[:10] if statement.what_changed.strip()
    ]
    return "\n".join(lines)


def influence(phases: list[s.PhaseFigures], impact: list[s.ImpactStatement], lang: Lang) -> str:
    planned = [p for p in phases if p.planned_level is not None and p.activities]
    met = [
        p
        for p in planned
        if p.actual_level
        and p.planned_level
        and LEVEL_RANK[p.actual_level.value] >= LEVEL_RANK[p.planned_level.value]
    ]
    if planned:
        lines = [
            f"I {len(met)} av {len(planned)} faser med planlagt nivå og aktiviteter ble det planlagte "
            "nivået nådd."
            if lang is Lang.nb
            else f"In {len(met)} of {len(planned)} phases with a planned level and activities, the "
            "planned level was reached."
        ]
    else:
        lines = []
    reasons = [statement.why_it_matters.strip() for statement in impact if statement.why_it_matters.strip()]
    if reasons:
        lines.append("Hvorfor det betyr noe:" if lang is Lang.nb else "Why it matters:")
        lines.append("\n".join(f"– {reason}" for reason in reasons[:10]))
    return "\n\n".join(lines) or (
        "Registreringene sier ennå ikke noe om påvirkning."
        if lang is Lang.nb
        else "The records do not yet show influence."
    )


def reflections(evaluations: list[s.EvaluationFigures], withheld: int, comments: int, lang: Lang) -> str:
    if not evaluations:
        lines = [
            "Ingen evalueringsrunder med minst 3 svar er avsluttet i perioden."
            if lang is Lang.nb
            else "No evaluation round with at least 3 answers closed in the period."
        ]
    else:
        answers = sum(e.answers for e in evaluations)
        rounds = len(evaluations)
        lines = [
            f"{rounds} {'evalueringsrunde' if rounds == 1 else 'evalueringsrunder'} med til sammen "
            f"{answers} svar er rapportert nedenfor."
            if lang is Lang.nb
            else f"{rounds} evaluation {'round' if rounds == 1 else 'rounds'} with {answers} answers "
            "in all are reported below."
        ]
    if comments:
        lines.append(
            f"Medforskerne ga {comments} kommentarer; de gjengis uten navn."
            if lang is Lang.nb
            else f"The co-researchers gave {comments} comments; they are quoted without names."
        )
    return " ".join(lines)


def headings(lang: Lang) -> dict[s.Section, str]:
    return {section: SECTIONS[lang][section.value] for section in s.Section}

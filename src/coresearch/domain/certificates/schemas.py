"""What the certificates area answers and what its template reads."""

from __future__ import annotations

from enum import Enum

import msgspec


class Language(str, Enum):
    """The language a certificate is written in."""

    nb = "nb"
    en = "en"


class Certificate(msgspec.Struct, frozen=True):
    """A rendered certificate: the PDF and the file name it downloads as."""

    filename: str
    pdf: bytes
    minutes: int


class PhaseRow(msgspec.Struct, frozen=True):
    """One phase's line in the certificate's table, as printed."""

    phase: str
    activities: str
    meetings: str
    tasks: str


class TrainingRow(msgspec.Struct, frozen=True):
    """One completed course, as printed."""

    title: str
    completed_on: str
    duration: str
    provider: str


class CertificateDocument(msgspec.Struct, frozen=True):
    """Everything `certificate.typ` prints, already in the certificate's language: the template
    lays it out and never builds a sentence itself (user text stays data, never Typst source)."""

    lang: str
    title: str
    person: str
    intro: str
    about_role: str
    facts: list[tuple[str, str]]
    contributions_heading: str
    columns: tuple[str, str, str, str]
    phases: list[PhaseRow]
    no_contributions: str
    training_heading: str
    training_columns: tuple[str, str, str, str]
    training: list[TrainingRow]
    no_training: str
    hours_heading: str
    hours: str
    hours_note: str
    closing: str
    issued: str
    signature_name: str
    signature_role: str
    confirmed_by: str
    footer: str

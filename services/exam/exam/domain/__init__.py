"""Exam rules as plain functions (no nameko, no SQLAlchemy): codes, windows, eligibility with work years,
subjects and fees, 属地, the enrollment's states, registration numbers, score files. Sources: domain-rules §6,
manuals 004 §6, 001 and 000 §2.2."""
from . import (codes, eligibility, entered, experience, locality, numbers, scores, states, subjects,  # noqa: F401
               windows)
from .problems import Refused  # noqa: F401

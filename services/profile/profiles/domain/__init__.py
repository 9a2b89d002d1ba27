"""Profile rules as plain functions: collection, changes, transfers, titles, departments.

Nothing here touches the database, nameko or the network. Sources: the national manual
(../shared/seeds/004: 信息采集 §3, 信息变更 §4, 属地关系调转 §5, 职称管理 §7), the Zhejiang
registration guide (seeds/003) and ../shared/docs/domain-rules.md §3, §7, §8.

Checks that look at a whole form return a list of `Problem`s (every problem at once, each
naming its field by a dotted path such as `education.1.end_date`), so a page can show them
next to the fields. Checks of one value (`validate_credit_code`) raise `DomainError`.

The rules live in the modules below; callers import them from here (`from . import domain`,
`domain.check_collection(...)`), so the split is invisible to them:
codes (enumerations), problems (Problem and shared helpers), credit_codes, segments (loading
and dumping), experience (education and work steps), collection (proofs, basic info, the
whole collection), uploads (upload policies), changes, transfers, qualifications, departments.
"""
from ..exceptions import DomainError, RuleViolations
from .codes import (ACCOUNTING_POSTS, ACCOUNTING_POST_LEVELS, ALT_ID_TYPES, ARCHIVE_MODES, CHANGE_KINDS,
                    CHANGE_OPERATIONS, DEGREES, DEGREES_FOR_LEVEL, EDUCATION_LEVELS, EDUCATION_LEVEL_ORDER,
                    EMPLOYER_TYPES, ETHNICITIES, INDUSTRIES, OTHER_QUAL_TYPES, OTHER_QUAL_TYPES_WITH_LEVEL,
                    PENDING_KINDS, POLITICAL_STATUSES, QUAL_LEVELS, QUAL_WAYS, REVIEW_MODES, REVIEW_STATUSES, SCOPES,
                    STUDY_MODES, TITLES, TRANSFER_REASONS)
from .problems import MAX_TEXT, Problem, add_years, merge_problems, parse_date, raise_if
from .credit_codes import (KNOWN_AUTHORITIES, USCC_CHARSET, credit_code_warnings, normalize_credit_code,
                           org_code_check_char, uscc_check_char, validate_credit_code)
from .segments import (EDUCATION_LABELS, POST_LABELS, WORK_LABELS, AccountingPost, EducationSegment, WorkSegment,
                       education_from_dict, to_dict, work_from_dict)
from .experience import (MIN_SCHOOL_AGE, MIN_WORK_AGE, check_education, check_work, education_scope_problems,
                         education_segment_problems, work_scope_problems, work_segment_problems)
from .collection import check_basic, check_collection, needs_identity_proof, required_proofs
from .uploads import (DEFAULT_PHOTO_POLICY, KB, MB, PHOTO_POLICIES, PROOF_POLICY, QUALIFICATION_PROOF_POLICY,
                      TRANSFER_PROOF_POLICY, photo_policy)
from .changes import (OPERATIONS_FOR_KIND, apply_segment_change, change_review_mode, check_change_allowed,
                      check_scope_change, check_segment_change, diff_fields)
from .transfers import (TRANSFER_FIELDS, TRANSFER_LABELS, TRANSFER_PROOF_HINTS, check_transfer, normalize_transfer,
                        transfer_blockers)
from .qualifications import (DEFAULT_TITLES, FIRST_EXAM_DATE, FIRST_TITLE_DATE, TITLES_FOR_LEVEL, WAYS_FOR_LEVEL,
                             check_other_qualification, check_qualification, default_title, normalize_qualification,
                             ACTION_LABELS, OBTAINED_LABELS, ORIGIN_LABELS, is_obtained, row_actions)
from .questions import (MODULES, QUESTION_STATUSES, check_article, check_question, check_reply, question_department,
                        status_after)
from .departments import (MUNICIPALITIES, NO_DEPARTMENT_PROVINCES, abolished_message, abolished_on, department_level,
                          department_name, division_change)

__all__ = [
    "DomainError", "RuleViolations", "merge_problems", "SCOPES", "STUDY_MODES", "EDUCATION_LEVELS", "EDUCATION_LEVEL_ORDER",
    "DEGREES", "DEGREES_FOR_LEVEL", "POLITICAL_STATUSES", "ETHNICITIES", "EMPLOYER_TYPES", "INDUSTRIES",
    "ACCOUNTING_POST_LEVELS", "ACCOUNTING_POSTS", "TITLES", "QUAL_LEVELS", "QUAL_WAYS", "OTHER_QUAL_TYPES",
    "OTHER_QUAL_TYPES_WITH_LEVEL", "TRANSFER_REASONS", "ARCHIVE_MODES", "REVIEW_STATUSES", "REVIEW_MODES",
    "CHANGE_KINDS", "CHANGE_OPERATIONS", "ALT_ID_TYPES", "PENDING_KINDS", "Problem", "raise_if", "MAX_TEXT",
    "add_years", "parse_date", "USCC_CHARSET", "KNOWN_AUTHORITIES", "uscc_check_char", "org_code_check_char",
    "normalize_credit_code", "validate_credit_code", "credit_code_warnings", "EducationSegment",
    "AccountingPost", "WorkSegment", "EDUCATION_LABELS", "WORK_LABELS", "POST_LABELS", "education_from_dict",
    "work_from_dict", "to_dict", "MIN_SCHOOL_AGE", "MIN_WORK_AGE", "education_segment_problems",
    "education_scope_problems", "check_education", "work_segment_problems", "work_scope_problems", "check_work",
    "needs_identity_proof", "required_proofs", "check_basic", "check_collection", "KB", "MB",
    "DEFAULT_PHOTO_POLICY", "PHOTO_POLICIES", "PROOF_POLICY", "TRANSFER_PROOF_POLICY",
    "QUALIFICATION_PROOF_POLICY", "photo_policy", "diff_fields", "change_review_mode", "OPERATIONS_FOR_KIND",
    "check_change_allowed", "apply_segment_change", "check_segment_change", "check_scope_change",
    "TRANSFER_FIELDS", "TRANSFER_LABELS", "TRANSFER_PROOF_HINTS", "transfer_blockers", "normalize_transfer",
    "check_transfer", "DEFAULT_TITLES", "TITLES_FOR_LEVEL", "WAYS_FOR_LEVEL", "FIRST_EXAM_DATE",
    "FIRST_TITLE_DATE", "default_title", "normalize_qualification", "check_qualification",
    "check_other_qualification", "MUNICIPALITIES", "NO_DEPARTMENT_PROVINCES", "department_level",
    "department_name", "ACTION_LABELS", "OBTAINED_LABELS", "ORIGIN_LABELS", "is_obtained", "row_actions",
    "abolished_message", "MODULES", "QUESTION_STATUSES", "check_article", "check_question", "check_reply",
    "question_department", "status_after", "abolished_on", "division_change"
]

"""What the pages choose from and the words they show, in one place: ID types with their labels and number
placeholders, the nationalities of foreign passport holders, the password policy."""
from . import domain, nationalities


def identity_options() -> dict:
    return {
        "id_types": [{"code": code, "label": domain.ID_TYPE_LABELS[code],
                      "placeholder": domain.ID_NUMBER_PLACEHOLDERS[code],
                      "needs_nationality": code in domain.NEEDS_NATIONALITY} for code in domain.ID_TYPES],
        "nationalities": list(nationalities.nationalities()),
        "nationality_source": nationalities.SOURCE,
        "password_policy": domain.PASSWORD_POLICY_TEXT,
    }

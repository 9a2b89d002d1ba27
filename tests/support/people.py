"""Valid, unique test identities (computed, not hard-coded)."""
import itertools
import random
from datetime import date, timedelta

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_seq = itertools.count(random.Random().randrange(50, 450))


def mainland_id(region="330102", birth=None, male=True) -> str:
    """Unique in this process: after 500 numbers of one birth date the default birth date moves on a day. Sequence
    digits 98 and 99 are left to the tests that ask the qualification-library sandbox for its special answers."""
    n = next(_seq)
    while (n * 2) % 1000 >= 980:
        n = next(_seq)
    seq = (n * 2 + (1 if male else 0)) % 1000    # 17th digit odd = male
    birth = birth or (date(1990, 3, 15) + timedelta(days=n // 500)).strftime("%Y%m%d")
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def phone() -> str:
    return "139" + f"{random.randrange(10**8):08d}"


PASSWORD = "Kuaiji#2025"

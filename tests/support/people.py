"""Valid, unique test identities (computed, not hard-coded)."""
import itertools
import random

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_seq = itertools.count(random.Random().randrange(50, 450))


def mainland_id(region="330102", birth="19900315", male=True) -> str:
    seq = (next(_seq) * 2 + (1 if male else 0)) % 1000    # 17th digit odd = male
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def phone() -> str:
    return "139" + f"{random.randrange(10**8):08d}"


PASSWORD = "Kuaiji#2025"

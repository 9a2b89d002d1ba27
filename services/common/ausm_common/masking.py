"""Masking of personal data for pages, API answers and logs (architecture §5).

张三丰 → 张**, 11010519491231002X → 110*****002X, 13800138000 → 138****8000."""


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    if len(number) <= 7:
        return number[0] + "*" * (len(number) - 1)
    return number[:3] + "*****" + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "*" * len(phone)

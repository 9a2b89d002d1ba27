"""Staff accounts: each belongs to one management department, with roles."""
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import Conflict, Forbidden, ValidationFailed

from . import domain
from .models import StaffAccount

# One reviewer per region of the manuals' exam table (004 §6.1), plus the national level.
SEED_REGIONS = ["000000", "110000", "120000", "130000", "140000", "150000", "210000", "210200", "220000",
                "230000", "310000", "320000", "330000",
                "330100", "330102"]   # a city and a county department, for the profile reviews below a province
SEED_PASSWORD = "Review@2025"


def department_name(code: str) -> str:
    if code == divisions.NATIONAL:
        return "财政部会计财务评价中心"
    name = divisions.department_name(code)
    if not name:
        raise ValidationFailed("DEPARTMENT_INVALID", "管理部门代码不存在", {"department_code": "管理部门代码不存在"})
    return name


def create(session, hasher, creator: dict, data: dict) -> StaffAccount:
    if not divisions.within(data["department_code"], creator["department_code"]):
        raise Forbidden("FORBIDDEN", "只能为本部门及下级部门创建工作人员账号")
    domain.check_password(data["password"])
    if session.scalar(select(StaffAccount.id).where(StaffAccount.username == data["username"])):
        raise Conflict("USERNAME_TAKEN", "该用户名已存在", {"username": "该用户名已存在"})
    staff = StaffAccount(username=data["username"], name=data["name"], department_code=data["department_code"],
                         department_name=department_name(data["department_code"]),
                         level=divisions.level_of(data["department_code"]), roles=data["roles"],
                         password_hash=hasher.hash(data["password"]))
    session.add(staff)
    session.flush()
    return staff


def seed_username(code: str) -> str:
    return "reviewer" if code == divisions.NATIONAL else f"reviewer{code}"


def ensure_seed_staff(session, hasher) -> list[dict]:
    """Idempotent: running it twice neither duplicates nor resets anything."""
    created = []
    for code in SEED_REGIONS:
        username = seed_username(code)
        staff = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
        if staff is None:
            roles = (["realname_reviewer"] if divisions.level_of(code) in ("national", "province")
                     or code in divisions.SEPARATE_PLAN_CITIES else []) + ["reviewer"] \
                + (["admin"] if code == divisions.NATIONAL else [])
            staff = StaffAccount(username=username, name=f"{department_name(code)}审核员", department_code=code,
                                 department_name=department_name(code), level=divisions.level_of(code),
                                 roles=roles, password_hash=hasher.hash(SEED_PASSWORD))
            session.add(staff)
        created.append({"username": username, "department": staff.department_name})
    return created


# Finance officers (缴费与对账) of the national level and two provinces, for the payment service's staff pages.
FINANCE_REGIONS = ["000000", "110000", "330000"]


def ensure_finance_staff(session, hasher) -> list[dict]:
    """Idempotent, like ensure_seed_staff."""
    created = []
    for code in FINANCE_REGIONS:
        username = "finance" if code == divisions.NATIONAL else f"finance{code}"
        staff = session.scalars(select(StaffAccount).where(StaffAccount.username == username)).first()
        if staff is None:
            staff = StaffAccount(username=username, name=f"{department_name(code)}财务人员", department_code=code,
                                 department_name=department_name(code), level=divisions.level_of(code),
                                 roles=["finance"], password_hash=hasher.hash(SEED_PASSWORD))
            session.add(staff)
        created.append({"username": username, "department": staff.department_name})
    return created

"""The one list of services (services.yml beside this file), for scripts, tests, the gateway and deploy checks.

    python -m ausm_common.registry names           identity profile
    python -m ausm_common.registry packages        identity profiles
    python -m ausm_common.registry table           identity identity IDENTITY_DATABASE_URL ausm_identity
"""
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REGISTRY = Path(__file__).with_name("services.yml")


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    package: str

    @property
    def directory(self) -> str:
        return f"services/{self.name}"

    @property
    def database_env(self) -> str:
        return f"{self.name.upper()}_DATABASE_URL"

    @property
    def database_name(self) -> str:
        return f"ausm_{self.name}"

    @property
    def module(self) -> str:
        """What `nameko run` starts."""
        return f"{self.package}.service"

    @property
    def config(self) -> str:
        return f"{self.directory}/config.yml"


@lru_cache(maxsize=None)
def services(path: str | None = None) -> tuple[ServiceEntry, ...]:
    data = yaml.safe_load(Path(path or REGISTRY).read_text(encoding="utf-8"))
    return tuple(ServiceEntry(**entry) for entry in data["services"])


def names() -> tuple[str, ...]:
    return tuple(entry.name for entry in services())


def get(name: str) -> ServiceEntry:
    for entry in services():
        if entry.name == name:
            return entry
    raise KeyError(name)


def main(argv: list[str]) -> int:
    what = argv[1] if len(argv) > 1 else "names"
    if what == "names":
        print(" ".join(names()))
    elif what == "packages":
        print(" ".join(e.package for e in services()))
    elif what == "table":
        for e in services():
            print(e.name, e.package, e.database_env, e.database_name)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

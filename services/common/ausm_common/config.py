"""Configuration from environment variables with working local defaults."""
import os

TRUTHY = {"1", "true", "yes", "on"}
DEV_SECRET = "dev-only-secret-change-me"      # sandbox mode only: refused in production


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in TRUTHY


def amqp_uri() -> str:
    return env("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")


def sandbox_enabled() -> bool:
    """Sandbox providers and /sandbox routes; off unless asked for."""
    return env_bool("SANDBOX", False)


def s3_settings() -> dict:
    return {
        "endpoint": env("S3_ENDPOINT", "127.0.0.1:9000"),
        "access_key": env("S3_ACCESS_KEY", "S3RVER"),
        "secret_key": env("S3_SECRET_KEY", "S3RVER"),
        "bucket": env("S3_BUCKET", "ausm"),
        "secure": env_bool("S3_SECURE", False),
        "region": env("S3_REGION", "us-east-1"),
    }


def secret_key() -> bytes:
    """The platform's signing secret, the same in the gateway and every service."""
    return env("SECRET_KEY", DEV_SECRET).encode()


def file_link_secret() -> bytes:
    return env("FILE_LINK_SECRET", env("SECRET_KEY", DEV_SECRET)).encode()


def redis_url() -> str:
    return env("REDIS_URL", "redis://127.0.0.1:6379/0")


# --- secrets in production --------------------------------------------------------------------

SECRET_NAMES = ("SECRET_KEY", "FILE_LINK_SECRET")
MIN_SECRET_BYTES = 32
# Values that are public: the built-in development default and the placeholders of deploy/ examples.
PUBLIC_SECRETS = {DEV_SECRET, "change-me", "changeme", "secret"}


class InsecureConfiguration(RuntimeError):
    """Production mode with secrets anyone can know: the process must not start."""


def secret_problems(values: dict) -> list[str]:
    """What is wrong with each signing secret, in words an operator can act on."""
    problems = []
    for name in SECRET_NAMES:
        value = values.get(name)
        value = "" if value is None else str(value)
        if not value.strip():
            problems.append(f"{name} is not set")
        elif value.strip().lower() in PUBLIC_SECRETS or "change-me" in value.lower():
            problems.append(f"{name} is a published default or placeholder")
        elif len(value.encode()) < MIN_SECRET_BYTES:
            problems.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
    return problems


def production_secrets(config: dict | None = None) -> dict:
    """The secrets this process signs with: its own config (nameko's config.yml, Flask's config) first,
    then the environment, without the development fallback."""
    config = config or {}
    return {name: config.get(name) if config.get(name) not in (None, "") else env(name) for name in SECRET_NAMES}


def require_production_secrets(sandbox: bool, config: dict | None = None) -> None:
    """Outside sandbox mode, refuse to start with a missing, default or short SECRET_KEY or FILE_LINK_SECRET.

    Called at start-up by the gateway's create_app and by every service (the kit's Caller provider)."""
    if sandbox:
        return
    problems = secret_problems(production_secrets(config))
    if problems:
        raise InsecureConfiguration(
            "refusing to start in production mode (SANDBOX=false): " + "; ".join(problems) + ". Set SECRET_KEY "
            f"and FILE_LINK_SECRET to random values of at least {MIN_SECRET_BYTES} bytes, the same in the gateway "
            "and every service (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))'), "
            "or set SANDBOX=true for local development.")

"""Configuration from environment variables with working local defaults."""
import os

TRUTHY = {"1", "true", "yes", "on"}


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


DEV_SECRET = "dev-only-secret-change-me"


def secret_key() -> bytes:
    """The platform's signing secret, the same in the gateway and every service."""
    return env("SECRET_KEY", DEV_SECRET).encode()


def file_link_secret() -> bytes:
    return env("FILE_LINK_SECRET", env("SECRET_KEY", DEV_SECRET)).encode()


def redis_url() -> str:
    return env("REDIS_URL", "redis://127.0.0.1:6379/0")

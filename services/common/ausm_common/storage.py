"""Object storage (S3 API; MinIO in deployment) behind a narrow wrapper."""
import io
import uuid

from minio import Minio
from minio.error import S3Error
from nameko.extensions import DependencyProvider

from .config import s3_settings

MISSING = ("NoSuchKey", "NoSuchObject", "NotFound")


class ObjectMissing(LookupError):
    """The object is not (or no longer) stored: replaced or deleted."""


class ObjectStore:
    def __init__(self, endpoint, access_key, secret_key, bucket, secure=False, region="us-east-1"):
        self.bucket = bucket
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key,
                            secure=secure, region=region)

    @classmethod
    def from_env(cls, **overrides):
        return cls(**{**s3_settings(), **overrides})

    def ensure_bucket(self):
        if not self.client.bucket_exists(self.bucket):
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as exc:  # another instance made it first
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    @staticmethod
    def new_key(prefix: str) -> str:
        """Object keys are random: they say nothing about the person."""
        return f"{prefix.strip('/')}/{uuid.uuid4().hex}"

    def put(self, key: str, data: bytes, content_type: str = "application/octet-stream"):
        self.client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in MISSING:
                raise ObjectMissing(key) from exc
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def stat(self, key: str):
        return self.client.stat_object(self.bucket, key)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
            return True
        except S3Error as exc:
            if exc.code in MISSING:
                return False
            raise

    def delete(self, key: str):
        self.client.remove_object(self.bucket, key)

    def keys(self, prefix: str = "") -> list[str]:
        return [o.object_name for o in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)]


class Storage(DependencyProvider):
    """Injects an ObjectStore built once per container."""

    def setup(self):
        config = self.container.config
        settings = {**s3_settings(), **config.get("S3", {})}
        self.store = ObjectStore(**settings)

    def start(self):
        self.store.ensure_bucket()

    def get_dependency(self, worker_ctx):
        return self.store

"""Reference data of the payment service: none is needed (orders come from payers); prints what is offered.
Idempotent, run by `make run` and the test stack like every service's seed."""
import json
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from .domain import CHANNEL_LABELS  # noqa: E402


def main():
    print(json.dumps({"channels": CHANNEL_LABELS}, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""python -m payment.sandbox [--host 127.0.0.1] [--port 8790] [--time-scale 60] [--base-url URL]

Serves the three channel sandboxes on one port. --time-scale N runs the channels' notification retry schedules
N times faster than the real ones (1 = real time)."""
import argparse
import logging
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from werkzeug.serving import make_server  # noqa: E402

from .app import create_app  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m payment.sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--time-scale", type=float, default=60.0)
    parser.add_argument("--base-url", default=None, help="the address the payer's browser reaches (QR codes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    base_url = (args.base_url or f"http://{args.host}:{args.port}").rstrip("/")
    server = make_server(args.host, args.port, create_app(base_url, args.time_scale), threaded=True)
    logging.getLogger(__name__).info("payment channel sandbox on %s (time scale %s)", base_url, args.time_scale)
    server.serve_forever()


if __name__ == "__main__":
    main()

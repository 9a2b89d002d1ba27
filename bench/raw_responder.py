"""The raw baseline of `make bench`'s RPC figure: a plain kombu request/reply responder doing `SELECT 1`.

    python bench/raw_responder.py AMQP_URI POSTGRES_DSN QUEUE

No nameko, no eventlet, no SQLAlchemy: one thread consumes QUEUE on the default exchange, runs `SELECT 1` on one
psycopg2 connection (autocommit: one round trip) and publishes `{"result": 1, "error": null}` to the request's
`reply_to` with its `correlation_id`, then acks (as nameko does: reply first, then ack). Prints `ready` once
consuming.
"""
import sys

import psycopg2
from kombu import Connection, Queue


def main(amqp_uri: str, dsn: str, queue_name: str):
    db = psycopg2.connect(dsn)
    db.autocommit = True
    cursor = db.cursor()
    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        queue = Queue(queue_name, durable=False, auto_delete=True)

        def on_request(body, message):
            cursor.execute("SELECT 1")
            result = cursor.fetchone()[0]
            producer.publish({"result": result, "error": None}, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"], delivery_mode=1,
                             retry=False)
            message.ack()

        with conn.Consumer(queue, callbacks=[on_request], accept=["json"], prefetch_count=64):
            print("ready", flush=True)
            while True:
                conn.drain_events()


if __name__ == "__main__":
    main(*sys.argv[1:4])

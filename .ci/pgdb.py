"""Create, drop or ping a PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth)."""
import sys

import psycopg2

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def main(command: str, name: str | None = None) -> int:
    try:
        conn = psycopg2.connect(ADMIN)
    except psycopg2.OperationalError:
        return 1
    conn.autocommit = True
    with conn.cursor() as cur:
        if command == "create":
            cur.execute(f'CREATE DATABASE "{name}"')
        elif command == "drop":
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

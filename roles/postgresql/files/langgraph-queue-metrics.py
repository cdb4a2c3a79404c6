"""Prometheus metrics of the LangGraph run queue in each deployment's database.

    python3 langgraph-queue-metrics.py --address ADDRESS --port PORT --pg-port PG_PORT DATABASE...

Serves GET /metrics on ADDRESS:PORT. Each scrape asks every DATABASE, through
the local socket as this process's own system user (peer authentication), for
langgraph_queue_stats() (made by the postgresql role; it returns counts and
ages only) and prints how many runs are pending and running, how long the
oldest of each has waited or run, and whether the database answered.
"""

from __future__ import annotations

import argparse
import http.server
import socket

import psycopg2

HEADER = """\
# HELP langgraph_queue_up Whether the database answered for its run queue (1) or not (0).
# TYPE langgraph_queue_up gauge
# HELP langgraph_runs Runs in the queue by status: pending (waiting for a worker) or running.
# TYPE langgraph_runs gauge
# HELP langgraph_runs_oldest_seconds How long the oldest pending run has waited, or the oldest running run has run.
# TYPE langgraph_runs_oldest_seconds gauge
"""


def scrape(databases: list[str], pg_port: int) -> str:
    lines = [HEADER]
    for database in databases:
        label = f'database="{database}"'
        try:
            connection = psycopg2.connect(dbname=database, host="/run/postgresql", port=pg_port, connect_timeout=2,
                                          options="-c statement_timeout=2000")
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT status, runs, oldest_seconds FROM public.langgraph_queue_stats()")
                    rows = cursor.fetchall()
            finally:
                connection.close()
        except psycopg2.Error:
            lines.append(f"langgraph_queue_up{{{label}}} 0\n")
            continue
        lines.append(f"langgraph_queue_up{{{label}}} 1\n")
        for status, runs, oldest in rows:
            lines.append(f'langgraph_runs{{{label},status="{status}"}} {runs}\n')
            lines.append(f'langgraph_runs_oldest_seconds{{{label},status="{status}"}} {oldest:.3f}\n')
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pg-port", type=int, default=5432)
    parser.add_argument("databases", nargs="+")
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        # A client that connects and sends nothing is dropped, not waited for.
        timeout = 10

        def do_GET(self):  # noqa: N802 (the http.server name)
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = scrape(args.databases, args.pg_port).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    # One thread per request: a slow scrape does not hold up the next.
    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in args.address else socket.AF_INET

    Server((args.address, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

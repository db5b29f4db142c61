"""The HTTP path: gunicorn exactly as the Procfile's `web:` line runs it, over the demo's data, and 8
keep-alive clients in a closed loop (each sends its next request when the last one is answered).

For /api/v1/health, GET /api/v1/purchase-orders/{id}, the first list page of 50 and POST
/api/v1/purchase-orders: requests per second and p50/p99 latency, then each one's throughput as a
ratio of /health's (what the app adds to the server's own cost). Clients are processes (one
connection each, http.client), so the client side is not one GIL; they share the machine's cores
with the server, as `--clients` says. The last line:
`http_get_ratio=<x> http_list_ratio=<y> http_get_p99_ms=<z>`.

    .venv/bin/python bench/http.py [--seconds 8] [--clients 8] [--database-url postgresql://…]

Targets (issue 12): a PO read ≥ 0.5× /health's throughput, the list of 50 ≥ 0.25×, p99 of each ≤ 25 ms.
"""
import importlib.util
import os
import sys

if __name__ == "__main__":
    from _http_bench import main  # beside this file

    main()
else:
    # This file sits first on the path of every script in bench/ and is named like the standard
    # library's http package, so a bench script importing http (requests does) lands here: hand it
    # the real package instead.
    _stdlib = os.path.join(os.path.dirname(os.__file__), "http")
    _spec = importlib.util.spec_from_file_location("http", os.path.join(_stdlib, "__init__.py"), submodule_search_locations=[_stdlib])
    _real = importlib.util.module_from_spec(_spec)
    sys.modules["http"] = _real
    _spec.loader.exec_module(_real)

"""``govcheck serve``: the inspection office's console in the browser.

Modules: ``app`` (the pages and forms, on Starlette with Jinja2), ``security`` (CSP and other
headers, the login gate off loopback, CSRF tokens), ``users`` (the users file with argon2
hashes), ``server`` (starting it with uvicorn).
"""

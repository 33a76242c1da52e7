"""The demo and the replica servers it and the tests crawl: none of it is the product.

- :mod:`govcheck_demo.replica`: the local web server (saved pages, faults on purpose, routes);
- :mod:`govcheck_demo.replicas`: the platforms' endpoints (WeChat, Weibo, Douyin), Splash, the
  replica register of Weinan's 51 websites and 470 accounts, and target rows for tests;
- :mod:`govcheck_demo.weinan_round`: ``govcheck demo``, Weinan's 2024 round 1 replayed end to end.

This package imports the product (``govcheck``); the product never imports it, except the
``demo`` command, which does so when it runs (tests/test_layout.py pins both).
"""

"""Namespaces that point the conformance suite at other implementations of
Chainer's training API (``--impl=implementations.<name>``); see README.md."""

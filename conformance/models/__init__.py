"""Models of Chainer 7.8.1's rules: what Chainer does, computed
independently of any implementation.

A property runs a scenario on the implementation (``conformance.runners``),
asks a model what Chainer does in that scenario, and compares the two
(``conformance.diff``).  Each rule is modelled once, here, and every
property that needs it uses that model; ``tests/test_models.py`` checks the
models against values recorded from Chainer 7.8.1.

- ``triggers``: when ``IntervalTrigger``, ``ManualScheduleTrigger`` and a
  trigger loaded from an older snapshot fire;
- ``extensions``: what ``Trainer.extend`` decides (trigger, priority, name);
- ``trainer``: the event log of ``Trainer.run``;
- ``iterator``: how ``SerialIterator`` (and the updater over it) walks a
  dataset;
- ``updater``: what ``StandardUpdater`` keeps and hands the loss;
- ``shifts``: the values the shift extensions set;
- ``update_rules``: the update rules and optimizer hooks (float64 closed
  forms with the scales ``tolerances`` turns into bounds);
- ``loss_scaling``: the loss scale schedule;
- ``serialization``: the layout of a trainer snapshot and the rules of
  loading.
"""

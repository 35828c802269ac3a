"""Dataset helpers (``chainer.dataset``): the iterator base and converters."""
from reference.dataset.convert import Converter  # NOQA
from reference.dataset.convert import concat_examples  # NOQA
from reference.dataset.convert import converter  # NOQA
from reference.dataset.convert import to_device  # NOQA
from reference.dataset.iterator import Iterator  # NOQA

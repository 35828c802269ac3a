"""Broken: PrintReport saves how many rows it printed, so after a resume it
skips the rows of the restored log (its header still goes out)."""
import reference
from reference import *  # NOQA

_PrintReport = reference.training.extensions.PrintReport
_serialize = _PrintReport.serialize


def serialize(self, serializer):
    _serialize(self, serializer)
    self._log_len = int(serializer('_log_len', self._log_len))


_PrintReport.serialize = serialize

def __getattr__(name):
    return getattr(reference, name)

"""Broken: LogReport makes its temporary directory in the system's temporary
directory, not inside ``out`` (the move into ``out`` may then cross file
systems and is no longer atomic)."""
import json
import os
import shutil
import tempfile

import reference
from reference import *  # NOQA

_LogReport = reference.training.extensions.LogReport


def _write(self, out, log_name):
    tempdir = tempfile.mkdtemp(prefix=log_name)
    try:
        path = os.path.join(tempdir, 'log.json')
        with open(path, 'w') as f:
            json.dump(self._log, f, indent=4)
        shutil.move(path, os.path.join(out, log_name))
    finally:
        shutil.rmtree(tempdir)


_LogReport._write = _write


def __getattr__(name):
    return getattr(reference, name)

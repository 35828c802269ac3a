"""Broken: ``NpzDeserializer.__getitem__`` builds the child deserializer
without ``ignore_names``, so keys below the top level are never ignored."""
import reference
from reference import *  # NOQA
from reference.serializers import npz


def _child(self, key):
    return npz.NpzDeserializer(self.npz, self.path + key.strip('/') + '/', strict=self.strict)


npz.NpzDeserializer.__getitem__ = _child


def __getattr__(name):
    return getattr(reference, name)

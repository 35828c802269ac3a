"""The one place that compares what an implementation did with what was
expected, and says how they differ.

Runners return plain traces; models compute what Chainer does; a property
hands both to a function here and raises what it words:

- ``traces``: two traces of one scenario (two implementations, or a trace
  and a recorded one), their first divergence side by side
  (``side_by_side``);
- ``values``: values bit for bit (``bitwise_difference``, ``assert_same``)
  and serialized content key by key (``content_differences``,
  ``assert_same_content``);
- ``logs``: a sequence against the model's (``model_mismatch``,
  ``records_mismatch``) and the first differing event or call;
- ``resume``: a resumed run against uninterrupted training
  (``explain_resume_difference``) and a failed load
  (``explain_load_failure``).

Every name is importable from ``conformance.diff`` itself.
"""
from conformance.diff.logs import (
    first_call_difference, first_event_difference, model_mismatch, records_mismatch)
from conformance.diff.resume import (
    explain_load_failure, explain_resume_difference, hyper_differences, scalar_type_changes)
from conformance.diff.traces import (
    WIDTH, Divergence, describe, first_divergence, side_by_side)
from conformance.diff.values import (
    assert_same, assert_same_content, bitwise_difference, content_differences,
    describe_content, plain_differences, same_content)

__all__ = [
    'first_call_difference', 'first_event_difference', 'model_mismatch', 'records_mismatch',
    'explain_load_failure', 'explain_resume_difference', 'hyper_differences',
    'scalar_type_changes', 'WIDTH', 'Divergence', 'describe', 'first_divergence',
    'side_by_side', 'assert_same', 'assert_same_content', 'bitwise_difference',
    'content_differences', 'describe_content', 'plain_differences', 'same_content']

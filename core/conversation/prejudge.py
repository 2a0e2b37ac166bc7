"""Concerns classified before their turn: the writer is never held while the classifier cuts.

Cutting a concern into words takes jieba about a millisecond for a sentence and up to half a
second for 3,000 characters of unusual text: inside a turn that holds the database's writer, on
the event loop, every chat would wait. So before a turn opens its unit of work, the service
reads the chat's conversation as last committed (a chat's updates are handled one after
another, so it is what the turn will find), asks the conversation which texts the turn may have
to classify, and has the classifier judge them: a short text right here, a long one away from
the event loop (`Service.offload`). The turn then finds the verdicts ready; a text nobody foresaw
is judged during the turn, as before, so a wrong guess costs time, never a wrong verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial

from core import states
from core.conversation import intake
from core.engines import Classifier, Offload, SimilarCases
from core.messages import Inbound
from core.models import Classification
from core.ports import DialogReader

log = logging.getLogger(__name__)

# A text this short is classified right here, before the turn, in well under a millisecond:
# handing it to a thread and back would cost the event loop more than that.
CLASSIFY_HERE = 200


class Prejudged:
    """A classifier that answers from the verdicts reached before the turn."""

    def __init__(self, classifier: Classifier, verdicts: Mapping[str, Classification]) -> None:
        self.classifier = classifier
        self.verdicts = verdicts

    def classify(self, text: str) -> Classification:
        """The verdict reached before the turn; a text not foreseen is classified now."""
        verdict = self.verdicts.get(text)
        if verdict is None:
            log.info("classifying %d characters during a turn: not foreseen", len(text))
            verdict = self.classifier.classify(text)
        return verdict


async def judge_ahead(
    inbound: Inbound,
    dialogs: DialogReader | None,
    classifier: Classifier,
    offload: Offload,
    similar: SimilarCases | None = None,
) -> dict[str, Classification]:
    """Classify, before the turn and away from the event loop, what this input may make the
    conversation classify; the similarity engine prepares the same texts for its lookup."""
    typed = inbound.text is not None or inbound.contact_phone is not None
    if dialogs is None or not inbound.private or inbound.command is not None or not typed:
        return {}
    state = await dialogs.get(inbound.channel, inbound.chat_id)
    verdicts = {}
    texts = list(intake.texts_ahead(states.load(state), inbound))
    for text in texts:
        if len(text) <= CLASSIFY_HERE:
            verdicts[text] = classifier.classify(text)
        else:
            verdicts[text] = await offload(partial(classifier.classify, text))
    if similar is not None and texts:
        await similar.prepare(texts, offload)
    return verdicts

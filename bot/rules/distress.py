"""Words that suggest someone is struggling, so the bot answers with care at once.

The list errs on the side of care: a false alarm costs a kind message and a note to the
team; a miss can cost far more. Matching ignores case, punctuation and apostrophes, and finds
the words inside longer messages (a support needs note, a question). Review it with the
team: add the words your volunteers use; remove none without a reason.
"""

from __future__ import annotations

from bot.rules.words import contains_phrase

DISTRESS_PHRASES: tuple[str, ...] = (
    # coping
    "can't cope", "cannot cope", "not coping", "can't go on", "can't take it anymore",
    "can't take any more", "breaking point", "falling apart", "breaking down",
    # mood
    "hopeless", "feeling really low", "feel really low", "feeling so low", "really low tonight",
    "so depressed", "desperate", "no way out", "no point in anything", "no point living",
    # self-harm and suicide
    "suicidal", "suicide", "kill myself", "killing myself", "end it all", "ending it all",
    "end my life", "take my life", "take my own life", "self harm", "self-harm", "selfharm",
    "harm myself", "hurt myself", "hurting myself", "cutting myself", "overdose",
    "want to die", "wanna die", "wish i was dead", "wish i were dead", "better off dead",
    "better off without me", "don't want to be here", "don't want to live", "no reason to live",
    # asking for urgent help
    "crisis", "emergency", "i'm not safe", "not safe tonight",
)  # fmt: skip


def suggests_distress(text: str) -> bool:
    return any(contains_phrase(text, phrase) for phrase in DISTRESS_PHRASES)

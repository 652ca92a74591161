"""A person's state now told in plain words, and a word that only names a place or a thing
(issue #15, round seven), each rule on invented wording beside a look-alike that must come
out the other way.

The rules are structural:
- speech that will not stop ("talking nonstop"): weak, so a chatty person alone is not BH,
  but beside nights without sleep it is mania;
- a thing of nature or the built world speaking to the person (the creek, the power
  lines), and the body or a ladder melting, as the person perceives it;
- a body laid across the rails, and walking into deep water of any name: positions with no
  ordinary explanation, imminent on their own;
- intent with a method told as a thought or a past wish ("thinking about jumping", "wanted
  to drown"), where talk about jumping for fun and "jumping ship" are not;
- falls told with a count ("fell twice"): weak, so with a drink named it is intoxication
  that needs help, and an older person's falls alone are not BH;
- a BH word that names an object by what it treats ("a box of naloxone kits", "the Narcan
  dispenser"), where the same word used on a person ("gave him naloxone") still counts.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from tests.unit.test_classifier_beliefs import LEXICON, indicators
from tests.unit.test_classifier_plain_reports import classify

# Each rule's report and look-alike are pairs in `test_classifier_plain_reports.PAIRS`
# (`ROUND_SEVEN`); here are what the pairs do not show: flags, objects, evidence.


@pytest.mark.parametrize(
    "text",
    [
        "Engineer: a man lay down across the tracks ahead of us, got up, then did it again.",
        "Neighbour says she walked straight into the bay in her coat and kept going past buoys.",
    ],
)
def test_a_body_on_the_rails_or_walking_into_deep_water_is_imminent(text: str) -> None:
    assert SafetyFlag.IMMINENT_SELF_HARM in classify(text).safety_flags, text


def test_an_object_named_by_what_it_treats_is_not_the_call() -> None:
    kit = classify("School secretary says the Narcan kit was taken from the front office.")
    assert not kit.behavioral_health, indicators(kit)
    used = classify("School secretary used the Narcan on a student who collapsed in the hall.")
    assert used.behavioral_health, indicators(used)
    # A cabinet is not such a name: a weapon taken out of it is still at hand.
    gun = classify("He broke open the gun cabinet and is walking around with the rifle.")
    assert SafetyFlag.WEAPON in gun.safety_flags, indicators(gun)


def test_the_app_shows_the_rule_as_evidence() -> None:
    # Through the app's own lexicon, model on: the new rule's span is on screen.
    text = "Daughter says her father keeps saying the power lines are talking to him."
    result = classify(text, lexicon=LEXICON)
    spans = [s for s in result.evidence if s.indicator == "hallucinations"]
    assert spans and spans[0].text == "power lines are talking to him", result.evidence

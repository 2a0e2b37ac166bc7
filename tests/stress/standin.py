"""`bot.py run` with a rule classifier: a stand-in while the nlp package is not there yet."""

from __future__ import annotations

import sys

import bot
from tests.support import RULES, RuleClassifier


def main() -> int:
    """Run bot.py's command line with the rule classifier instead of nlp's."""
    bot.build_classifier = lambda district, backend: RuleClassifier(RULES)
    return bot.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

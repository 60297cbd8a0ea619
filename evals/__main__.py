"""`python -m evals QA.jsonl ...`: the same as `assistant eval`."""

import sys

from .cli import main

sys.exit(main())

"""``python -m lrs.cli``: the same as the ``lrs`` console script."""

from lrs.cli.root import main

raise SystemExit(main())

"""`python -m policies.gate`: gate a plan document or a directory of Kubernetes manifests."""

import sys

from policies.gate.cli import main

sys.exit(main())

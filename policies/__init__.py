"""Policy as code: Rego packs, the engines that evaluate them, and the gate.

regopy is imported before anything else on purpose. When its native library is loaded after other
native extensions (regorus, pyarrow, ...), regopy 1.5.2's memory grows by about 85 KB with every
evaluation and a 5,000-resource gate run is killed for memory; loaded first, it stays flat
(measured: bench/gate/bench_engines.py peaks at 344 MB instead of 4.6 GB).
"""

import regopy  # noqa: F401

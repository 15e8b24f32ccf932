"""Policy Q&A: condense -> retrieve -> refusal check -> numbered context -> answer -> verify.

`QAChain` (chain.py) is the use case; the other modules are its small, separately tested steps.
"""

from assistant.qa.chain import QAChain

__all__ = ["QAChain"]

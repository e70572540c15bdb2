"""Metamorphic evaluation: the five plans rewritten by other hands, and the same questions asked of them."""

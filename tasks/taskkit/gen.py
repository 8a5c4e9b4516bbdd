"""Random inputs for task families: small, printable, deterministic for a given rng."""
import random
import string
from typing import List

# Our own word pool (common English words), for strings that read like text.
WORDS = ("apple river stone cloud green table quiet light paper music garden window yellow "
         "silver orange market rocket planet forest winter summer bridge castle dragon pencil "
         "butter candle circle danger engine finger golden hammer island jacket kitten ladder "
         "mirror needle ocean pepper rabbit saddle tunnel violet wagon zebra anchor basket "
         "copper desert eleven feather ginger harbor ink jungle kettle lemon meadow noble "
         "olive pillow quartz ribbon shadow thunder umbrella velvet walnut").split()


def int_list(rng: random.Random, lo: int = -20, hi: int = 20, min_len: int = 0, max_len: int = 10) -> List[int]:
    return [rng.randint(lo, hi) for _ in range(rng.randint(min_len, max_len))]


def word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def words(rng: random.Random, min_n: int = 1, max_n: int = 6) -> List[str]:
    return [word(rng) for _ in range(rng.randint(min_n, max_n))]


def sentence(rng: random.Random, min_n: int = 1, max_n: int = 8) -> str:
    return " ".join(words(rng, min_n, max_n))


def letters(rng: random.Random, min_len: int = 0, max_len: int = 12, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(min_len, max_len)))


def name(rng: random.Random, *choices: str) -> str:
    """One of several equivalent function names, so instances of a family differ in naming."""
    return rng.choice(choices)

#!/usr/bin/env python3
"""Writes number_words.jsonl: English number words -> digits for 1..999, e.g.
{"prompt": "three hundred forty-two =", "completion": " 342"}, in a fixed shuffled order.
A compositional mapping a small model can learn from some numbers and apply to others, so
the held-out split measures generalisation. Run: python3 make_number_words.py > number_words.jsonl"""
import json
import random

ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n):
    parts = []
    if n >= 100:
        parts.append(ONES[n // 100] + " hundred")
        n %= 100
    if n >= 20:
        parts.append(TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else ""))
    elif n > 0:
        parts.append(ONES[n])
    return " ".join(parts)


numbers = list(range(1, 1000))
random.Random(0).shuffle(numbers)
for n in numbers:
    print(json.dumps({"prompt": words(n) + " =", "completion": " " + str(n)}))

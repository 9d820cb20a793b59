"""The nesting bound finds the brackets with a regular expression instead of walking every
character: it must give exactly the answers of the character-by-character walk it replaced."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.nesting import MAX_BLOCK_DEPTH, MAX_BRACKET_DEPTH, _block_depth, nesting_problem


def walked(body: str) -> tuple[int, str] | None:
    """The first implementation, one character at a time."""
    square = round_ = 0
    for offset, line in enumerate(body.split("\n")):
        if not line.strip():
            square = round_ = 0
            continue
        if _block_depth(line) > MAX_BLOCK_DEPTH:
            return offset, f"nests lists or quotes more than {MAX_BLOCK_DEPTH} levels deep"
        for ch in line:
            if ch == "[":
                square += 1
            elif ch == "]":
                square = max(0, square - 1)
            elif ch == "(":
                round_ += 1
            elif ch == ")":
                round_ = max(0, round_ - 1)
            else:
                continue
            if square > MAX_BRACKET_DEPTH or round_ > MAX_BRACKET_DEPTH:
                return offset, f"has more than {MAX_BRACKET_DEPTH} brackets open at once"
    return None


_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "[" * 20,
        "(" * 20,
        "]" * 5,
        "\n",
        "\n\n",
        " ",
        "a",
        "- ",
        "> ",
        "1. ",
        "    ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=120).map("".join))
def test_the_fast_walk_answers_as_the_character_walk(body):
    assert nesting_problem(body) == walked(body)


def test_edge_cases_agree():
    cases = [
        "[" * MAX_BRACKET_DEPTH,
        "[" * (MAX_BRACKET_DEPTH + 1),
        "(" * MAX_BRACKET_DEPTH + "\n" + "(",
        "(" * MAX_BRACKET_DEPTH + "\n\n" + "(",
        "]" * 50 + "[" * MAX_BRACKET_DEPTH,
        "]" * 5 + "[" * (MAX_BRACKET_DEPTH + 1),
        ")" * 5 + "(" * (MAX_BRACKET_DEPTH + 1),
        "[a](" * 40,
        "- " * (MAX_BLOCK_DEPTH + 1),
        "- " * MAX_BLOCK_DEPTH,
        "text\n" + "1. " * (MAX_BLOCK_DEPTH + 1) + "item",
        "> " * (MAX_BLOCK_DEPTH + 1),
        "\t" * (4 * MAX_BLOCK_DEPTH + 4) + "deep",
        " " * (4 * MAX_BLOCK_DEPTH + 3) + "not quite",
        " " * 40 + "- item",
        "- " * MAX_BLOCK_DEPTH + "-",  # the shortest line past the bound: 21 characters
        ">" + " >" * MAX_BLOCK_DEPTH,
        "plain text\nwith (one) [link](x)\n",
    ]
    for body in cases:
        assert nesting_problem(body) == walked(body), body
    assert nesting_problem("[" * (MAX_BRACKET_DEPTH + 1)) is not None
    assert nesting_problem("- " * MAX_BLOCK_DEPTH + "-") is not None

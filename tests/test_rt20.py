"""Stop 51's red team L: each test is a route it found, and fails on the commit before its fix.
The sample site is fictional."""

from __future__ import annotations

import pytest
import yaml
from helpers import copy_sample, site_texts
from test_rt18 import withheld  # noqa: F401  (the fixture: the sample with a-racing-heart withheld)

from generator.cli import main
from generator.leaks import quoted_traces

# Twelve words and more of a-racing-heart's text, its title and its pull quote, each with
# footnote markers typed in as an editor footnotes a quotation.
PASSAGE = ("Out of nowhere my heart started racing{m} and fluttering, like a bird trapped{m} in my chest."
           " I was not in pain,{m} but I felt dizzy and{m} out of breath.")


@pytest.mark.parametrize("marker", [
    "<sup>1</sup>", "\u00b9", " [1]", "1", "<sub>2</sub>", "<kbd>1</kbd>", " [sic]", "<sup>[12]</sup>",
    '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>',  # as pymdownx's footnotes write it
])  # fmt: skip
@pytest.mark.parametrize("text", [
    "<p>" + PASSAGE + "</p>",
    "<h2>A racing heart,{m} and a steady plan</h2>",  # the title
    "<blockquote>A steady plan{m} beats a racing heart.</blockquote>",  # the pull quote
])  # fmt: skip
def test_a_quotation_with_footnote_markers_in_it_is_a_quotation(withheld, text, marker):  # noqa: F811
    """A marker in every tenth word left no run of twelve words, nor the title whole: a guide
    showed a withheld story's title, pull quote and passages with exit 0, and a revoked story's
    after the revocation. A reader reads past the markers; the check now does too."""
    _, _, quoted = withheld
    assert quoted_traces(text.format(m=marker), quoted)


@pytest.mark.parametrize("marker", ["\u00b9", " [1]", "1", " [sic]"])
def test_an_attribute_quoting_with_footnote_markers_is_a_quotation(withheld, marker):  # noqa: F811
    _, _, quoted = withheld
    page = f'<img src="x.png" alt="Out of nowhere my heart started racing{marker} and fluttering, like a bird trapped in my chest.">'
    assert quoted_traces(page, quoted)


@pytest.mark.parametrize("text", [
    "<p>Out of nowhere my heart started racing. Call us if you feel dizzy and out of breath.</p>",
    "<h2>A steady plan for 2026</h2><p>See note 1. A racing heart is common.</p>",
    "<p>Take 1 tablet twice a day, and a steady plan with 2 checks a week beats worry.</p>",
])  # fmt: skip
def test_numbers_and_words_read_past_make_no_quotation_of_their_own(withheld, text):  # noqa: F811
    """The reading past markers finds only the story's words in its order: a guide's own
    sentences with numbers in them, sharing a few of the story's words, are no quotation."""
    _, _, quoted = withheld
    assert not quoted_traces(text, quoted)


def test_a_story_s_own_numbers_are_read_so_too(withheld):  # noqa: F811
    """A story's "911", dropped from the page read past its markers, is dropped from the story's
    runs read so too: the passage around it, footnoted, is still a quotation."""
    _, _, quoted = withheld
    page = "<p>After my heart attack,<sup>1</sup> I was not taking any chances. My wife called 911 again.</p>"
    assert quoted_traces(page, quoted)


def test_a_revocation_withdraws_a_guide_quoting_the_story_with_footnotes(tmp_path, capsys):
    """Red team L's route A: a guide quoting a published story with footnote markers in every
    few words; the story is revoked; the next build said the story was withheld and exited 0,
    and the guide still showed its title, summary, pull quote and a paragraph, in its page and
    in the search index."""
    sample = copy_sample(tmp_path)
    (sample / "content/guides/cardiology/living-well-notes.md").write_text(
        "---\ntitle: \"Living well with heart failure: notes\"\nsummary: \"Notes from our evening talk.\"\nservice_line: cardiology\ntopic: heart-failure\n"
        "stage: learn\nreviewed_by: \"A. Example, MD\"\nreviewed_on: 2026-09-01\n---\n"
        "> Learning to live<sup>1</sup> with heart failure\n>\n"
        "> How a morning scale<sup>2</sup> and a good team keep me out of the hospital.\n>\n"
        "> My scale is<sup>3</sup> my early warning system.\n>\n"
        "> The change that mattered most was the simplest.<sup>4</sup> Every morning I weigh myself before"
        " breakfast and write it down<sup>5</sup> on the calendar by the fridge. Twice, my weight jumped in"
        " a<sup>6</sup> couple of days. My ankles were puffy and I was short<sup>7</sup> of breath on the stairs.\n")
    assert main(["build", "--root", str(sample), "--as-of", "2026-11-22"]) == 0
    record = sample / "consent/C-2026-012.yml"
    data = yaml.safe_load(record.read_text())
    data["revoked_on"] = "2026-11-20"
    record.write_text(yaml.safe_dump(data, sort_keys=False))
    capsys.readouterr()
    assert main(["build", "--root", str(sample), "--as-of", "2026-11-22"]) == 1
    assert "living-well-notes.md quotes a withheld story" in capsys.readouterr().err
    markers = ("Learning to live", "early warning system", "calendar by the fridge", "short<sup>7</sup> of breath")
    assert [path for path, text in site_texts(sample / "site").items() if any(m in text for m in markers)] == []


PASSAGE_LETTERS = ("<p>One evening, a few months{a} after I finished cardiac rehab, I was sitting{b} on the couch"
                   " watching a ball{c} game. Out of nowhere my heart started{d} racing and fluttering, like a"
                   " bird{e} trapped in my chest.</p>")


@pytest.mark.parametrize("page", [
    PASSAGE_LETTERS.format(**{k: f"<sup>{k}</sup>" for k in "abcde"}),
    PASSAGE_LETTERS.format(**{k: f'<a href="#n{k}">{k}</a>' for k in "abcde"}),
    PASSAGE_LETTERS.format(**{k: "\u1d43" for k in "abcde"}),  # a superscript letter, no markup
    "<h2>A racing heart<sup>a</sup>, and a steady plan</h2>",
    "<blockquote>A steady plan beats\u00aa a racing heart.</blockquote>",
    "<h2>Back to the workshop<sup>1</sup></h2>",  # a short title, shown whole but for its marker
    "<h2>Back to the workshop\u00b9</h2>",
    "<h2>Back to the workshop [1]</h2>",
    "<p>Thanks to Priya Kumar<sup>1</sup> for testing this guide.</p>",  # a champion no published story credits
    "<p>Thanks to Priya<sup>a</sup> Kumar for testing this guide.</p>",
    "<p>Thanks to Priya Kumar1 for testing this guide.</p>",
    # A marker and a word cut by hidden markup, each read past alone, together
    ('<p>One evening, a few mo<span hidden>zq</span>nths after I finished cardiac<sup>1</sup> rehab, I was'
     ' si<span hidden>zq</span>tting on the couch watching<sup>1</sup> a ball game. Out of no<span hidden>zq</span>where'
     ' my heart started racing<sup>1</sup> and fluttering.</p>'),
    '<h2>A ra<span hidden>zq</span>cing heart<sup>1</sup>, and a steady plan</h2>',
])  # fmt: skip
def test_a_marker_in_markup_or_typed_onto_a_word_is_read_past(withheld, page):  # noqa: F811
    """Stop 51's red team M, against the first fix (which read past digits and words no story
    uses): a letter in `<sup>`, a footnote link or a superscript letter typed onto a word made it
    another word; a short title with a marker after it was not shown whole; a champion's name
    with one was not the name; and a marker beside a word cut by hidden markup hid both."""
    _, _, quoted = withheld
    assert quoted_traces(page, quoted)


@pytest.mark.parametrize("page", [
    "<h2>Living with atrial fibrillation and a daily blood thinner</h2>",
    "<h2>Living with atrial fibrillation and a 5 mg blood thinner</h2>",
    "<p>Most people take apixaban 5 mg twice a day, about 12 hours apart.</p>",
    ("<p>For many people, one simple blood test changed everything: a TSH result above 4.5 mIU/L is checked"
     " again in 6 to 8 weeks.</p>"),
    "<p>A steady treatment plan beats a racing heart.</p>",
    "<h2>Tired for years, and it was my overactive thyroid</h2>",
    "<p>See note [1]. Step (2) is to take 1 tablet.<sup>3</sup></p>",
])  # fmt: skip
def test_a_guide_s_own_sentence_near_a_story_s_words_is_no_quotation(withheld, page):  # noqa: F811
    """Stop 51's red team M: the first fix also dropped a word no story uses between two that
    are, in titles too, and a guide's own title or sentence, one word or a dose away from a
    withheld story's title or pull quote, stopped the build of the whole site. Only runs of
    twelve words are read so now."""
    _, _, quoted = withheld
    assert not quoted_traces(page, quoted)


@pytest.mark.parametrize("page", [
    "<p>Years of tiredness, one blood test, and a small 50 mcg pill every morning.</p>",
    "<p>How I went back to carpentry after 6 months of back pain</p>",
])  # fmt: skip
def test_a_story_s_summary_with_a_number_put_in_is_still_its_summary(withheld, page):  # noqa: F811
    """Red team M counted these as false refusals; they are the withheld stories' summaries word
    for word with a dose or a number put in, which the check cannot tell from a footnote's
    number: the guide is to say it in its own words."""
    _, _, quoted = withheld
    assert quoted_traces(page, quoted)


@pytest.mark.parametrize("page", [
    "<h2>Back to the<br>workshop</h2>",
    "<blockquote><strong>Back to<br>the workshop</strong></blockquote>",
    '<h2>Back to the <img src="x.png" alt=""> workshop</h2>',
    '<p>Back to the <input type="checkbox"> workshop</p>',
])  # fmt: skip
def test_a_short_title_cut_by_a_line_break_or_an_image_is_shown_whole(withheld, page):  # noqa: F811
    """Stop 51's red team M: a withheld story's short title, too short to be looked for in
    running text, is looked for where the page shows it as a whole; a `<br>` (or an empty image,
    a control) between its words ended that text, and the heading showed it with exit 0."""
    _, _, quoted = withheld
    assert quoted_traces(page, quoted)


def test_a_line_break_after_a_short_title_in_running_text_is_no_quotation(withheld):  # noqa: F811
    _, _, quoted = withheld
    assert not quoted_traces("<p>We talked about getting back to the<br>workshop schedule after surgery.</p>", quoted)


def test_a_marker_in_a_reading_of_decoded_text_is_read_past_too(withheld):  # noqa: F811
    """Every reading of a page is read past markers where it is compared (`leaks._quotes`), not
    only the four readings the fix first named: a link's percent-encoded query, shown decoded
    by the status bar, held a title with `[1]` in it (`%5B1%5D`), which no reading read past."""
    _, _, quoted = withheld
    page = '<a href="/search/?q=A%20racing%20heart%5B1%5D%2C%20and%20a%20steady%20plan">search</a>'
    assert quoted_traces(page, quoted)


@pytest.mark.parametrize("marker", ["&#x1d43;", "&#7491;", "&ordf;", "&#X2082"])
def test_a_superscript_marker_typed_as_a_character_reference_is_read_past(withheld, marker):  # noqa: F811
    """Found in the final read: a superscript letter typed onto a word as a character reference
    (`racing&#x1d43;`) is the letter `racingᵃ` is once decoded, and was read as one word with it."""
    _, _, quoted = withheld
    assert quoted_traces(f"<h2>A racing heart{marker}, and a steady plan</h2>", quoted)


def test_character_references_that_are_no_markers_are_kept(withheld):  # noqa: F811
    _, _, quoted = withheld
    assert not quoted_traces("<p>A racing&#x2d;car &amp; a steady&#160;hand &#169; 2026</p>", quoted)

"""Build the PDF corpus for the hand reader vs pypdf comparison (bench/pdfcmp/README.md).

Writes each case to OUT/<kind>__<name>.pdf and OUT/expect.json: what each case plants
("pos": a withheld name or title a viewer shows; "neg": nothing withheld; "unreadable": the
tests expect "cannot be checked"). Every name is fictional (the tests' sample site).
"""
from __future__ import annotations

import io
import json
import os
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/s42/pdfcmp_corpus")
OUT.mkdir(parents=True, exist_ok=True)

import test_rt10  # noqa: E402
import test_rt11  # noqa: E402
from helpers import pdf  # noqa: E402

TITLE, NAME = "A racing heart, and a steady plan", "Priya Kumar"
expect: dict[str, str] = {}


def put(kind: str, name: str, data: bytes, want: str) -> None:
    path = OUT / f"{kind}__{name}.pdf"
    path.write_bytes(data)
    expect[path.name] = want


def params(func):
    mark = func.pytestmark[0]
    return list(zip(mark.kwargs["ids"], mark.args[1]))


# --- the tests' own PDFs ---------------------------------------------------------------
for ident, data in params(test_rt10.test_a_pdf_whose_metadata_names_a_withheld_champion_is_left_out):
    put("test", f"rt10-{ident}", data, "pos")
put("test", "rt10-names-no-one", test_rt10._pdf(
    test_rt10._CATALOG, test_rt10._PAGES,
    (b"<</Type /Metadata /Subtype /XML>>", test_rt10._XMP.replace(b"Priya Kumar", b"Anna Walker")),
    (b"<</Type /ObjStm /N 1 /First 5>>", b"5 0 <</Author (Anna Walker) /Producer (Writer)>>"), info=b"/Info 5 0 R"), "neg")
for ident, data in params(test_rt11.test_a_pdf_whose_metadata_is_packed_another_way_is_read):
    put("test", f"rt11-{ident}", data, "pos")
T = test_rt11
put("test", "rt11-jbig2-metadata", T._pdf(T._CATALOG, T._PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /JBIG2Decode>>", T._XMP)),
    "unreadable")
put("test", "rt11-encrypted-rc4", T._encrypted_pdf(TITLE.encode(), NAME.encode()), "pos")
put("test", "rt11-lzw-names-no-one", T._pdf(T._CATALOG, T._PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /LZWDecode>>",
                                                                   T._lzw(T._XMP.replace(b"Priya Kumar", b"Anna Walker")))), "neg")
mark = T.test_a_pdf_whose_page_shows_a_withheld_story_is_left_out.pytestmark[0]
for ident, (content, font, to_unicode) in zip(mark.kwargs["ids"], mark.args[1]):
    put("test", f"rt11-page-{ident}", T._page_pdf(content, font, to_unicode), "pos")
put("test", "rt11-page-names-no-one", T._page_pdf(
    b"BT /F1 12 Tf 72 700 Td " + T._glyphs(b"What to expect at cardiac rehab, by Anna Walker") + b" Tj ET",
    b"<</Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Arial /Encoding /Identity-H>>", T._CMAP), "neg")
docx = T._office("word/document.xml", '<w:document xmlns:w="urn:w"><w:body><w:p><w:r><w:t>A racing heart, and a steady plan'
                 '</w:t></w:r></w:p></w:body></w:document>')
put("test", "rt11-attached-docx", T._pdf(T._CATALOG, T._PAGES, (
    b"<</Type /EmbeddedFile /Subtype /application#2Fvnd.openxmlformats /Filter /FlateDecode>>", zlib.compress(docx))), "pos")
inner = T._pdf(T._CATALOG, T._PAGES, (b"<</Type /Metadata /Subtype /XML>>", b"<x/>"))
for _ in range(100):
    inner = T._pdf(T._CATALOG, T._PAGES, (b"<</Type /EmbeddedFile>>", zlib.compress(inner)))
put("test", "rt11-attached-to-itself-100", inner.replace(b"/Type /EmbeddedFile>>", b"/Type /EmbeddedFile /Filter /FlateDecode>>"),
    "unreadable")
put("test", "rt7-stub", b"%PDF-1.4\n\0 a fictional printable story", "neg")

# --- ordinary PDFs made by PDF tools -------------------------------------------------------
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
try:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))

    def rl(name, draw, want, **kw):
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=letter, **kw)
        draw(c)
        c.save()
        put("tool", f"reportlab-{name}", buf.getvalue(), want)

    def page_text(font):
        def draw(c):
            c.setFont(font, 12)
            c.drawString(72, 700, "Cardiac rehab handout, page one.")
            c.drawString(72, 680, "Told by " + NAME + ": " + TITLE + ".")
            c.showPage()
        return draw
    rl("page-helvetica", page_text("Helvetica"), "pos")
    rl("page-ttf-subset", page_text("DejaVu"), "pos")  # subset font, glyph codes, ToUnicode

    def meta(c):
        c.setAuthor(NAME)
        c.setTitle("Clinic handout")
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "What to expect at cardiac rehab.")
        c.showPage()
    rl("info-author", meta, "pos")

    def outline(c):
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "What to expect at cardiac rehab.")
        c.bookmarkPage("p1")
        c.addOutlineEntry(TITLE, "p1", level=0)
        c.showPage()
    rl("outline-title", outline, "pos")

    def annot(c):
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "What to expect at cardiac rehab.")
        c.textAnnotation("Reviewed with " + NAME, Rect=(72, 600, 200, 650))
        c.showPage()
    rl("annotation-note", annot, "pos")

    def form(c):
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "Patient:")
        c.acroForm.textfield(name="patient", value=NAME, x=140, y=690, width=200, height=20)
        c.showPage()
    rl("form-field", form, "pos")

    def clean(c):
        c.setFont("DejaVu", 12)
        c.drawString(72, 700, "What to expect at cardiac rehab, by Anna Walker.")
        c.showPage()
    rl("names-no-one", clean, "neg")
except ImportError as error:
    print("reportlab missing:", error)

try:
    from fpdf import FPDF

    f = FPDF()
    f.add_page()
    f.add_font("DejaVu", "", FONT)
    f.set_font("DejaVu", size=12)
    f.multi_cell(0, 8, "Cardiac rehab handout. " + TITLE + ", told by " + NAME + ".")
    f.set_author("Clinic")
    put("tool", "fpdf2-page-ttf", bytes(f.output()), "pos")
except ImportError as error:
    print("fpdf2 missing:", error)

try:
    import pikepdf
    from pypdf import PdfReader, PdfWriter

    base = OUT / "tool__reportlab-page-ttf-subset.pdf"
    with pikepdf.open(base) as p:  # object streams and a packed xref (PDF 1.5, what Acrobat writes)
        buf = io.BytesIO()
        p.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        put("tool", "qpdf-object-streams", buf.getvalue(), "pos")
    with pikepdf.open(OUT / "tool__reportlab-info-author.pdf") as p:
        buf = io.BytesIO()
        p.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        put("tool", "qpdf-info-in-object-stream", buf.getvalue(), "pos")
    for name, enc in [("aes256", pikepdf.Encryption(user="", owner="owner-secret", R=6)),
                      ("rc4-128", pikepdf.Encryption(user="", owner="owner-secret", R=4, aes=False, metadata=False))]:
        with pikepdf.open(base) as p:
            buf = io.BytesIO()
            p.save(buf, encryption=enc)
            put("hostile", f"encrypted-empty-user-{name}", buf.getvalue(), "pos")

    w = PdfWriter(clone_from=str(OUT / "tool__reportlab-names-no-one.pdf"))
    w.add_attachment("notes.txt", ("Notes for the handout: " + TITLE + ", told by Daniel.").encode())
    buf = io.BytesIO(); w.write(buf)
    put("tool", "pypdf-attachment", buf.getvalue(), "pos")
    w = PdfWriter(clone_from=str(OUT / "tool__reportlab-names-no-one.pdf"))
    w.add_metadata({"/Subject": TITLE})
    w.compress_identical_objects()
    buf = io.BytesIO(); w.write(buf)
    put("tool", "pypdf-subject", buf.getvalue(), "pos")
except ImportError as error:
    print("pikepdf/pypdf missing:", error)

# --- hostile --------------------------------------------------------------------------------
CAT = (b"<</Type /Catalog /Pages 2 0 R>>", None)
PAGES1 = (b"<</Type /Pages /Kids [3 0 R] /Count 1>>", None)
PAGE = (b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>", None)
FONT1 = (b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>", None)
SHOW = b"BT /F1 12 Tf 72 700 Td (told by Priya Kumar) Tj ET"


def bomb(size: int) -> bytes:
    pack, block, out = zlib.compressobj(9), bytes(1 << 20), []
    for _ in range(size >> 20):
        out.append(pack.compress(block))
    out.append(pack.flush())
    return b"".join(out)


GB = bomb(1 << 30)
put("hostile", "bomb-1gb-page-content", pdf(CAT, PAGES1, PAGE, (b"<</Filter /FlateDecode>>", GB), FONT1,
                                              (b"<</Author (Priya Kumar)>>", None), trailer=b"/Info 6 0 R"), "pos")
put("hostile", "bomb-1gb-metadata", pdf(CAT, (b"<</Type /Pages /Kids [] /Count 0>>", None),
                                         (b"<</Type /Metadata /Subtype /XML /Filter /FlateDecode>>", GB),
                                         (b"<</Author (Priya Kumar)>>", None), trailer=b"/Info 4 0 R"), "pos")
page_then = b"BT /F1 12 Tf 72 700 Td (told by Priya Kumar) Tj ET\n" + b" " * (1 << 30)
put("hostile", "bomb-1gb-after-text", pdf(CAT, PAGES1, PAGE, (b"<</Filter /FlateDecode>>", zlib.compress(page_then, 9)), FONT1), "pos")
del page_then
N = 100_000
put("hostile", "deep-array-100k", pdf(CAT, (b"<</Type /Pages /Kids [] /Count 0>>", None),
                                       (b"<</Author (Priya Kumar) /Keywords " + b"[" * N + b"]" * N + b">>", None),
                                       trailer=b"/Info 3 0 R"), "pos")
put("hostile", "deep-dict-100k", pdf(CAT, (b"<</Type /Pages /Kids [] /Count 0>>", None),
                                      (b"<</Author (Priya Kumar) /X " + b"<</A " * N + b"1" + b">>" * N + b">>", None),
                                      trailer=b"/Info 3 0 R"), "pos")
good = pdf(CAT, PAGES1, PAGE, (b"<</Filter /FlateDecode>>", zlib.compress(SHOW)), FONT1)
put("hostile", "broken-xref-offsets", good.replace(b" 00000 n ", b" 00000 n ").replace(b"0000000015 00000 n", b"0000099999 00000 n")
    .replace(b"startxref\n", b"startxref\n9"), "pos")
put("hostile", "no-xref-at-all", good.split(b"xref\n", 1)[0] + b"trailer\n<</Root 1 0 R>>\n%%EOF\n", "pos")
put("hostile", "truncated-half", good[: len(good) // 2 + 60], "pos")
objstm_loop = pdf(CAT, (b"<</Type /Pages /Kids [] /Count 0>>", None),
                  (b"<</Type /ObjStm /N 1 /First 5 /Extends 3 0 R>>", b"4 0 <</Author 4 0 R /Title (Priya Kumar)>>"),
                  trailer=b"/Info 4 0 R")
put("hostile", "objstm-extends-itself", objstm_loop.replace(b"1.4", b"1.5", 1), "pos")
put("hostile", "page-tree-loop", pdf(CAT, (b"<</Type /Pages /Kids [2 0 R 3 0 R] /Count 2>>", None), PAGE[:0] + (
    b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>", None),
    (b"<</Filter /FlateDecode>>", zlib.compress(SHOW)), FONT1), "pos")
ref_loop = pdf(CAT, PAGES1, (b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 6 0 R /Contents 4 0 R>>", None),
               (b"<</Filter /FlateDecode>>", zlib.compress(SHOW)), FONT1, (b"<</Font <</F1 5 0 R>> /Self 6 0 R /Next 7 0 R>>", None),
               (b"<</Back 6 0 R /Me 7 0 R>>", None))
put("hostile", "reference-loop", ref_loop, "pos")
# huge: a 50 MB picture (random bytes), the author after it
rand = os.urandom(50 << 20)
put("hostile", "huge-50mb", pdf(CAT, PAGES1, PAGE, (b"<</Filter /FlateDecode>>", zlib.compress(SHOW)), FONT1,
                                (b"<</Type /XObject /Subtype /Image /Width 4096 /Height 4266 /ColorSpace /DeviceRGB /BitsPerComponent 8>>", rand),
                                (b"<</Author (Priya Kumar)>>", None), trailer=b"/Info 7 0 R"), "pos")
put("hostile", "huge-70mb", pdf(CAT, PAGES1, PAGE, (b"<</Filter /FlateDecode>>", zlib.compress(SHOW)), FONT1,
                                (b"<</Type /XObject /Subtype /Image /Width 4096 /Height 4266 /ColorSpace /DeviceRGB /BitsPerComponent 8>>",
                                 rand + rand[: 20 << 20]), (b"<</Author (Priya Kumar)>>", None), trailer=b"/Info 7 0 R"), "pos")
(OUT / "expect.json").write_text(json.dumps(expect, indent=1))
print(len(expect), "files in", OUT)

# --- the tests' PDFs built inline (test_rt11: XFA, a lone CR, escaped names, nested parentheses) -------
xfa = (b'<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data><form><champion>Priya Kumar'
       b'</champion></form></xfa:data></xfa:datasets>')
put("test", "rt11-xfa-datasets", T._pdf((b"<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [] /XFA [(datasets) 3 0 R]>>>>", None),
                                        T._PAGES, (b"<</Filter /FlateDecode>>", zlib.compress(xfa))), "pos")
packed = zlib.compress(T._XMP)
put("test", "rt11-stream-after-lone-cr", T._pdf(T._CATALOG, T._PAGES, (b"<</Type /Metadata /Subtype /XML /Filter /FlateDecode>>", packed))
    .replace(b"stream\n" + packed, b"stream\r" + packed), "pos")
for ident, head in (("type", b"<</Type /ObjSt#6d /N 1 /First 5 /Filter /FlateDecode>>"),
                    ("filter", b"<</Type /ObjStm /N 1 /First 5 /Filter /Flat#65Decode>>")):
    put("test", f"rt11-escaped-name-{ident}", T._pdf(T._CATALOG, T._PAGES, (head, zlib.compress(
        b"5 0 <</Author (Priya Kumar) /Producer (Writer)>>")), trailer=b"/Info 5 0 R"), "pos")
put("test", "rt11-nested-parentheses", T._pdf(T._CATALOG, T._PAGES, (b"<</Author (\\120riya Kumar (champion)) /Producer (Writer)>>", None),
                                              trailer=b"/Info 3 0 R"), "pos")
(OUT / "expect.json").write_text(json.dumps(expect, indent=1))
print(len(expect), "files in", OUT)

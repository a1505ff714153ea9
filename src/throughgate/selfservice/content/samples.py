"""Small, valid media files made in code, for the demo library and the tests: a one-page PDF with text, a WAV tone
and a WebVTT caption file. Nothing large is kept in the repository."""

from __future__ import annotations

import io
import math
import struct
import wave


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace").decode()


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF showing a title and some lines of text (Helvetica), with a correct cross-reference table."""
    text = ["BT", "/F1 20 Tf", "60 780 Td", f"({_pdf_text(title)}) Tj", "/F1 12 Tf", "0 -32 Td"]
    for line in lines:
        text += [f"({_pdf_text(line)}) Tj", "0 -18 Td"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def tone_wav(*, seconds: float = 2.0, frequency: float = 440.0, rate: int = 8000) -> bytes:
    """A quiet sine tone, 8-bit mono: a real WAV any player opens (about 8 KB a second)."""
    frames = int(seconds * rate)
    fade = max(1, rate // 20)
    samples = bytearray()
    for n in range(frames):
        envelope = min(1.0, n / fade, (frames - n) / fade)
        samples.append(128 + int(60 * envelope * math.sin(2 * math.pi * frequency * n / rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(rate)
        wav.writeframes(bytes(samples))
    return out.getvalue()


def _stamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours:02d}:{minutes:02d}:{rest:06.3f}"


def webvtt(cues: list[tuple[float, float, str]]) -> str:
    """A WebVTT caption file: each cue is (start seconds, end seconds, text)."""
    lines = ["WEBVTT", ""]
    for number, (start, end, text) in enumerate(cues, start=1):
        lines += [str(number), f"{_stamp(start)} --> {_stamp(end)}", text, ""]
    return "\n".join(lines)


def webm_header() -> bytes:
    """The first bytes of a WebM file (an EBML header naming the webm document type). Enough for the type check;
    not a playable video, which cannot be made here without an encoder."""
    doctype = b"\x42\x82\x84webm"
    body = b"\x42\x86\x81\x01" + b"\x42\xf7\x81\x01" + doctype
    return b"\x1a\x45\xdf\xa3" + struct.pack("B", 0x80 | len(body)) + body + b"\x00" * 32

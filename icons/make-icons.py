#!/usr/bin/env python3
"""Generates callpop's app icon and tray state icons (SVG sources and RGBA PNGs).

Run from anywhere: `python3 icons/make-icons.py` (needs rsvg-convert from librsvg2-bin).
The handset glyph is Material Design's "call" icon (Apache License 2.0).
Each tray state differs in colour AND shape, so it reads at 16 px and for colour-blind users:
idle = slate, ringing = amber with sound waves, in call = green, on hold = blue with a pause
badge, offline = grey with a slash.
"""
import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
HANDSET = ("M6.62 10.79c1.44 2.83 3.76 5.14 6.59 6.59l2.2-2.2c.27-.27.67-.36 1.02-.24 "
           "1.12.37 2.33.57 3.57.57.55 0 1 .45 1 1V20c0 .55-.45 1-1 1-9.39 0-17-7.61-17-17 "
           "0-.55.45-1 1-1h3.5c.55 0 1 .45 1 1 0 1.25.2 2.45.57 3.57.11.35.03.74-.25 1.02l-2.2 2.2z")


def svg(bg: str, extra: str = "", handset_scale: float = 1.0) -> str:
    s = 1.9 * handset_scale
    off = (64 - 24 * s) / 2
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <circle cx="32" cy="32" r="30" fill="{bg}"/>
  <g transform="translate({off:.2f} {off:.2f}) scale({s:.3f})"><path fill="#fff" d="{HANDSET}"/></g>
  {extra}
</svg>
"""


WAVES = ('<path d="M38 14a14 14 0 0 1 12 12" stroke="#fff" stroke-width="4" fill="none" '
         'stroke-linecap="round"/><path d="M38 5a22 22 0 0 1 21 21" stroke="#fff" '
         'stroke-width="4" fill="none" stroke-linecap="round"/>')
PAUSE = ('<circle cx="47" cy="47" r="14" fill="#0D47A1" stroke="#fff" stroke-width="3"/>'
         '<rect x="41" y="40" width="4" height="14" fill="#fff"/>'
         '<rect x="49" y="40" width="4" height="14" fill="#fff"/>')
SLASH = '<line x1="12" y1="12" x2="52" y2="52" stroke="#fff" stroke-width="6" stroke-linecap="round"/>'

ICONS = {
    "tray-idle": svg("#37474F"),
    "tray-ringing": svg("#E65100", WAVES, 0.9),
    "tray-in-call": svg("#2E7D32"),
    "tray-on-hold": svg("#1565C0", PAUSE, 0.9),
    "tray-offline": svg("#757575", SLASH),
    "icon": svg("#00796B"),
}

for name, text in ICONS.items():
    src = HERE / f"{name}.svg"
    src.write_text(text)
    size = 512 if name == "icon" else 64
    subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-o",
                    str(HERE / f"{name}.png"), str(src)], check=True)
    if name == "icon":
        for px in (32, 128):
            subprocess.run(["rsvg-convert", "-w", str(px), "-h", str(px), "-o",
                            str(HERE / f"{px}x{px}.png"), str(src)], check=True)
print("icons written to", HERE)

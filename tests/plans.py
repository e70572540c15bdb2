"""The five bundled plans, named once for every test: their folder and file names."""

from __future__ import annotations

from pathlib import Path

PLANS = Path(__file__).resolve().parents[1] / "data" / "plans"
AN_GIANG = "an-giang_KH-TU.txt"
DAK_DOA = "dak-doa-gia-lai_KH-DU_2026.txt"
DONG_NAI = "dong-nai_646-KH-TU_2026-01-09.txt"
HUE = "hue_KH-UBND.txt"
NINH_BINH = "ninh-binh_KH-UBND_2026-01.txt"

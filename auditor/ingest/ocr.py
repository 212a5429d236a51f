"""Scanned pages: OCR with RapidOCR (PP-OCR models on ONNX Runtime, shipped inside the
``rapidocr`` wheel, so nothing is downloaded at run time) into the same ``Document`` blocks
the text-layer reader gives: text lines, and ruled tables as grids of cells whose numbers
keep how sure the recogniser was of each digit.

A page is rasterised with pdfium, turned upright (0/90/180/270) and deskewed; ruled tables
come from ``scan_tables``; every box is mapped back to PDF points on the page as displayed,
so the UI boxes the right spot of the scan. Pages that cannot be read (blank, a picture or
chart, too low a resolution, over the time bound) get a Chinese reason each; the rest of the
report is still read.

Install with ``pip install 'auditor[ocr]'``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import math
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine, union_bbox
from auditor.ingest.errors import InputError
from auditor.model import BBox, Location

OCR_MODES = ("auto", "always", "never")
DPI = 200  # pages are rasterised at this resolution, whatever the scan's own
MIN_DPI = 100  # scans below this are not read: digits blur into each other
PAGE_SECONDS = 60.0  # time bound per page
DETECT_SIDE = 1280  # text boxes are detected on the page scaled to this longest side
MAX_PIXELS = 40_000_000  # memory bound per page: a larger page is rasterised at a lower dpi
REC_BATCH = int(os.environ.get("AUDITOR_OCR_REC_BATCH", "16"))  # crops per recogniser call
REC_MIN_RATIO = float(os.environ.get("AUDITOR_OCR_REC_MIN", "2.0"))  # narrowest recogniser input (width / height)
ALT_BELOW = 0.98  # a character read with less confidence keeps the recogniser's next best reading
_NUMERIC = re.compile(r"^[-−–]?[\d,，.．\s]+%?$")

ProgressFunc = Callable[[int, int, float, str], None]  # page number, pages to read, seconds, reason


def mode_from_env(mode: str | None = None) -> str:
    """The OCR mode: the given one, else ``AUDITOR_OCR``, else auto."""
    chosen = (mode or os.environ.get("AUDITOR_OCR") or "auto").lower()
    return chosen if chosen in OCR_MODES else "auto"


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _need_engine() -> None:
    if not available():
        raise InputError("扫描件，无文本层：PDF 只有图片；读取扫描件需要安装 OCR 组件（pip install 'auditor[ocr]'）",
                         kind="scanned")


# ---- the recogniser ---------------------------------------------------------------------------

@dataclass
class Recognised:
    text: str
    confidences: list[float]  # one per character of text
    # for a character read with less than ALT_BELOW confidence: (its index, the recogniser's
    # next best character there, that character's probability)
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)
    positions: list[float] = field(default_factory=list)  # each character's middle, x in crop pixels

    @property
    def score(self) -> float:
        return float(np.mean(self.confidences)) if self.confidences else 0.0


class Engine:
    """RapidOCR's detector, direction classifier and recogniser, used step by step so that
    the recogniser's per-character probabilities are kept (RapidOCR only gives a line mean)."""

    _lock = threading.Lock()
    _shared: Engine | None = None

    def __init__(self) -> None:
        import logging

        from rapidocr import RapidOCR

        ocr = RapidOCR(params={"Global.log_level": "error"})
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self.det = ocr._load_det_model()
        self.cls = ocr._load_cls_model()
        self.rec = ocr._load_rec_model()
        for model in (self.det, self.cls, self.rec):
            _tune_session(model.session)
        pre = getattr(self.det, "preprocess_op", None)
        if pre is not None and hasattr(pre, "mean"):  # normalise in float32, not float64
            pre.mean = np.asarray(pre.mean, dtype=np.float32)
            pre.std = np.asarray(pre.std, dtype=np.float32)
            pre.scale = np.float32(pre.scale)
        self.characters: list[str] = list(self.rec.postprocess_op.character)

    @classmethod
    def shared(cls) -> Engine:
        with cls._lock:
            if cls._shared is None:
                cls._shared = Engine()
            return cls._shared

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Text boxes (4×2 corner arrays) in ``image`` (3-channel)."""
        result = self.det(image)
        if result.boxes is None:
            return []
        return [np.asarray(b, dtype=np.float32) for b in result.boxes]

    def upside_down(self, crops: list[np.ndarray]) -> float:
        """The share of crops the direction classifier sees as turned 180°."""
        if not crops:
            return 0.0
        out = self.cls(crops)
        votes = [label == "180" and score > 0.8 for label, score in (out.cls_res or [])]
        return sum(votes) / max(1, len(votes))

    def recognise(self, crops: list[np.ndarray], deadline: float | None = None,
                  in_cells: list[bool] | None = None) -> list[Recognised]:
        """Read each crop. Crops from table cells (``in_cells``) are padded only to their own
        width (a short number would otherwise be mostly padding: the recogniser's cost grows
        with the input width); other text keeps the model's nominal 320 px minimum, which
        large-print titles need."""
        results: list[Recognised] = [Recognised("", []) for _ in crops]
        if not crops:
            return results
        _, img_h, img_w = self.rec.rec_image_shape[:3]
        nominal = img_w / img_h
        cells = in_cells or [False] * len(crops)
        ratios = [max(REC_MIN_RATIO if cell else nominal, c.shape[1] / max(1, c.shape[0]) + 0.25)
                  for c, cell in zip(crops, cells)]
        order = [int(i) for i in np.argsort(ratios)]
        # batches of similar widths; long lines in small batches (memory grows with batch × width)
        chunks: list[list[int]] = []
        for i in order:
            if chunks and len(chunks[-1]) < REC_BATCH and (len(chunks[-1]) + 1) * ratios[i] <= 96:
                chunks[-1].append(i)
            else:
                chunks.append([i])
        for chunk in chunks:
            if deadline is not None and time.monotonic() > deadline:
                raise _PageTimeout()
            widest = max(ratios[i] for i in chunk)
            norm = np.concatenate([self.rec.resize_norm_img(crops[i], widest)[np.newaxis, :] for i in chunk])
            preds = self.rec.session(norm.astype(np.float32))
            best = preds.argmax(axis=2)
            prob = preds.max(axis=2)
            step = norm.shape[-1] / max(1, preds.shape[1])  # input pixels per time step
            for row, index in enumerate(chunk):
                text: list[str] = []
                confs: list[float] = []
                steps: list[list[int]] = []  # each character's first and last frame
                frames: list[int] = []  # the frame each character was read surest in
                previous = -1
                for t, k in enumerate(best[row]):
                    k = int(k)
                    if k != 0 and k == previous and confs:
                        steps[-1][1] = t
                        if float(prob[row, t]) > confs[-1]:
                            confs[-1], frames[-1] = float(prob[row, t]), t
                    elif k != 0 and k < len(self.characters):
                        text.append(self.characters[k])
                        confs.append(float(prob[row, t]))
                        frames.append(t)
                        steps.append([t, t])
                    previous = k
                alternatives = []
                for i, (conf, t) in enumerate(zip(confs, frames)):
                    if conf < ALT_BELOW:
                        ranked = np.argsort(preds[row, t])[::-1][:3]
                        other = next((int(o) for o in ranked if int(o) != int(best[row, t]) and 0 < int(o) < len(self.characters)), None)
                        if other is not None:
                            alternatives.append((i, self.characters[other], float(preds[row, t, other])))
                # time steps -> crop pixels (the crop was resized to the model's height)
                h, w = crops[index].shape[:2]
                resized = min(norm.shape[-1], math.ceil(norm.shape[-2] * w / max(1, h)))
                factor = step * w / max(1, resized)
                results[index] = Recognised("".join(text), confs, alternatives,
                                            [(a + b + 1) / 2 * factor for a, b in steps])
        return results


def _tune_session(wrapper: Any) -> None:
    """Rebuild a RapidOCR ONNX Runtime session with options suited to a small shared CPU:
    one intra-op thread per core, no busy-waiting of idle threads (spinning burns CPU that
    other processes need and shows up as our CPU time), full graph optimisation; no memory
    arena (with the recogniser's many input widths it holds ~350 MB more at no speed gain)."""
    import onnxruntime as ort

    session = getattr(wrapper, "session", None)
    path = getattr(session, "_model_path", None)
    if session is None or not path:
        return
    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.enable_cpu_mem_arena = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        wrapper.session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception:  # noqa: BLE001 - keep RapidOCR's own session if these options are refused
        return


class _PageTimeout(Exception):
    pass


# ---- page geometry ------------------------------------------------------------------------------

def _to_bgr(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _box_rect(quad: np.ndarray) -> tuple[float, float, float, float]:
    return (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))


def _quad_shape(quad: np.ndarray) -> tuple[float, float, float]:
    """(length along the first edge, length across, angle of the first edge in degrees)."""
    p0, p1, _, p3 = quad[0], quad[1], quad[2], quad[3]
    along = float(np.hypot(*(p1 - p0)))
    across = float(np.hypot(*(p3 - p0)))
    angle = math.degrees(math.atan2(float(p1[1] - p0[1]), float(p1[0] - p0[0])))
    return along, across, angle


def _crop(gray: np.ndarray, rect: tuple[float, float, float, float], pad: int = 3) -> np.ndarray:
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = rect
    a, b = max(0, int(x0) - pad), min(w, int(math.ceil(x1)) + pad)
    c, d = max(0, int(y0) - pad), min(h, int(math.ceil(y1)) + pad)
    return _to_bgr(np.ascontiguousarray(gray[c:d, a:b]))


@dataclass
class _Upright:
    gray: np.ndarray  # the page upright and deskewed
    clean: np.ndarray  # the same with the ruling lines erased
    matrix: np.ndarray  # 3×3: rendered pixel -> upright pixel
    rotation: int  # 0 / 90 / 180 / 270 degrees turned
    skew: float  # degrees corrected
    grids: list[Any]  # ruled tables (scan_tables.Grid)
    quads: list[np.ndarray]  # text boxes, in upright pixels


def _rotate_quarter(gray: np.ndarray, quarters: int) -> tuple[np.ndarray, np.ndarray]:
    """Turn the image clockwise by quarters × 90°, with the pixel map."""
    h, w = gray.shape[:2]
    quarters %= 4
    if quarters == 0:
        return gray, np.eye(3)
    import cv2

    if quarters == 1:
        m = np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=float)
        return cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE), m
    if quarters == 2:
        m = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=float)
        return cv2.rotate(gray, cv2.ROTATE_180), m
    m = np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=float)
    return cv2.rotate(gray, cv2.ROTATE_90_COUNTERCLOCKWISE), m


def _small(gray: np.ndarray, side: int = 1280) -> tuple[np.ndarray, float]:
    import cv2

    scale = min(1.0, side / max(gray.shape[:2]))
    if scale >= 1.0:
        return gray, 1.0
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def _straighten(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The page deskewed, the pixel map, the angle."""
    import cv2

    skew = _skew(gray)
    if abs(skew) < 0.1:
        return gray, np.eye(3), skew
    h, w = gray.shape[:2]
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    turned = cv2.warpAffine(gray, rot, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return turned, np.vstack([rot, [0, 0, 1]]), skew


def _map_quads(quads: list[np.ndarray], matrix: np.ndarray) -> list[np.ndarray]:
    result = []
    for q in quads:
        points = np.hstack([q, np.ones((len(q), 1))]) @ matrix.T
        result.append((points[:, :2] / points[:, 2:3]).astype(np.float32))
    return result


def _make_upright(engine: Engine, gray: np.ndarray) -> _Upright | None:
    """Turn the page so its text reads left to right, top to bottom, straighten it, find its
    ruled tables and its text boxes. Text is detected once, on the straightened page with its
    rules erased (a quarter-turned page, rare, is detected again). None when no text is found."""
    import cv2

    from auditor.ingest.scan_tables import find_grids, keystone

    rotation = 0
    matrix = np.eye(3)
    turned = gray
    while True:
        straight, deskew, skew = _straighten(turned)
        square = keystone(straight)
        if square is not None:
            straight = cv2.warpPerspective(straight, square, (straight.shape[1], straight.shape[0]),
                                           flags=cv2.INTER_LINEAR, borderValue=255)
            deskew = square @ deskew
        grids, rules = find_grids(straight)
        clean = straight.copy()
        # text boxes then stop at the rules; a pixel's margin too, so that no grey rim of a rule
        # (blur, JPEG) is read as a digit's last stroke
        clean[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
        small, scale = _small(clean, DETECT_SIDE)
        quads = engine.detect(_to_bgr(small))
        if not quads:
            return None
        shapes = [_quad_shape(q) for q in quads]
        wide = sum(1 for a, c, _ in shapes if a > c * 1.5)
        tall = sum(1 for a, c, _ in shapes if c > a * 1.5)
        if tall > wide and rotation == 0:
            turned, quarter = _rotate_quarter(gray, 1)
            matrix, rotation = quarter, 90
            continue
        break
    matrix = deskew @ matrix
    quads = [q / scale for q in quads]
    # upside down? ask the direction classifier about the longest lines
    from rapidocr.utils.process_img import get_rotate_crop_image

    lines = sorted(range(len(quads)), key=lambda i: -shapes[i][0])[:15]
    small_bgr = _to_bgr(small)
    crops = [get_rotate_crop_image(small_bgr, (quads[i] * scale).copy()) for i in lines
             if shapes[i][0] > shapes[i][1] * 1.5]
    if engine.upside_down(crops) > 0.5:
        straight, half = _rotate_quarter(straight, 2)
        clean, _ = _rotate_quarter(clean, 2)
        grids, _ = find_grids(straight)
        quads = _map_quads(quads, half)
        matrix, rotation = half @ matrix, (rotation + 180) % 360
    return _Upright(gray=straight, clean=clean, matrix=matrix, rotation=rotation, skew=skew, grids=grids, quads=quads)


def _skew(gray: np.ndarray, limit: float = 3.0) -> float:
    """The angle (degrees, as cv2 rotates) that makes the lines of print horizontal: the one
    whose row profile of ink is sharpest (text lines and rules give tall narrow peaks)."""
    import cv2

    small, _ = _small(gray, 1000)
    ink = np.where(small < 160, 255, 0).astype(np.uint8)
    h, w = ink.shape[:2]

    def sharpness(angle: float) -> float:
        rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        turned = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = cv2.reduce(turned, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32F).ravel()
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(best - 0.45, best + 0.451, 0.05), key=sharpness)
    return float(round(fine, 2))


class _ToPoints:
    """Upright-image pixels -> PDF points on the page as displayed."""

    def __init__(self, matrix: np.ndarray, dpi: float, page_size: tuple[float, float]) -> None:
        self.inverse = np.linalg.inv(matrix)
        self.scale = 72.0 / dpi
        self.width, self.height = page_size

    def bbox(self, rect: tuple[float, float, float, float]) -> BBox:
        x0, y0, x1, y1 = rect
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=float).T
        mapped = self.inverse @ corners
        mapped = mapped[:2] / mapped[2] * self.scale  # a perspective map (keystone) is projective
        xs, ys = mapped[0], mapped[1]
        return (
            round(max(0.0, float(xs.min())), 2),
            round(max(0.0, float(ys.min())), 2),
            round(min(self.width, float(xs.max())), 2),
            round(min(self.height, float(ys.max())), 2),
        )


# ---- one page -----------------------------------------------------------------------------------

@dataclass
class PageResult:
    number: int
    blocks: list[Block] = field(default_factory=list)
    reason: str = ""  # why the page was not (fully) read, in Chinese
    seconds: float = 0.0
    rotation: int = 0
    skew: float = 0.0


def _image_dpi(page: Any, page_size: tuple[float, float]) -> float | None:
    """The resolution of the largest image on the page (pixels per inch as placed)."""
    import pypdfium2.raw as pdfium_c

    best: tuple[float, float] | None = None
    try:
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
            bounds = obj.get_bounds() if hasattr(obj, "get_bounds") else obj.get_pos()  # pypdfium2 5 / 4
            left, bottom, right, top = bounds
            width_pt, height_pt = abs(right - left), abs(top - bottom)
            if width_pt < 1 or height_pt < 1:
                continue
            px_w, px_h = obj.get_px_size()
            area = width_pt * height_pt
            # a quarter-turned image has its pixel axes swapped against the placed box
            if (px_w > px_h) != (width_pt > height_pt):
                px_w, px_h = px_h, px_w
            dpi = min(px_w / (width_pt / 72.0), px_h / (height_pt / 72.0))
            if best is None or area > best[0]:
                best = (area, dpi)
    except Exception:  # noqa: BLE001 - an odd image object: judge the page by its pixels instead
        return None
    if best is None or best[0] < page_size[0] * page_size[1] * 0.3:
        return None
    return best[1]


def _render_gray(page: Any, dpi: float) -> np.ndarray:
    """The page at ``dpi`` as 8-bit gray, taking the lightest channel so that a red or blue
    stamp over black print fades away."""
    return _render_both(page, dpi)[0]


def _render_both(page: Any, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """(lightest channel, darkest channel) of the page at ``dpi``: the first for reading (a
    coloured stamp fades away), the second for finding coloured areas (charts, pictures)."""
    bitmap = page.render(scale=dpi / 72.0)
    array = bitmap.to_numpy()
    if array.ndim == 2:
        gray = np.ascontiguousarray(array)
        return gray, gray
    a, b, c = array[:, :, 0], array[:, :, 1], array[:, :, 2]  # element-wise: ~10x faster than a reduce over axis 2
    return np.maximum(np.maximum(a, b), c), np.minimum(np.minimum(a, b), c)


# ---- pages that are not clean scans of print ----------------------------------------------------

PICTURE_SHARE = 0.03  # solid areas (bars, pie slices, photographs) over this share of the page: a chart or picture


def _pictures(dark: np.ndarray) -> tuple[list[tuple[int, int, int, int]], float]:
    """Solid dark or coloured areas of the page (charts' bars and slices, photographs): not
    print, whose strokes are thin. Boxes in page pixels, and their share of the page."""
    import cv2

    small, scale = _small(dark, 800)
    solid = cv2.morphologyEx((small < 170).astype(np.uint8), cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    area = float(small.shape[0] * small.shape[1])
    boxes = []
    total = 0
    for i in range(1, count):
        x, y, w, h, n = (int(v) for v in stats[i])
        if n < area * 0.002:
            continue
        if x <= 2 or y <= 2 or x + w >= small.shape[1] - 2 or y + h >= small.shape[0] - 2:
            continue  # touching the edge: the desk around a photographed sheet, a scanner's border
        total += n
        boxes.append((int(x / scale), int(y / scale), int((x + w) / scale), int((y + h) / scale)))
    return boxes, total / area


def _photo(gray: np.ndarray, pictures: list[tuple[int, int, int, int]]) -> str:
    """Why the page looks photographed rather than scanned ("" when it does not): a dark
    surround (the desk around the sheet) or paper lit unevenly."""
    import cv2

    small, scale = _small(gray, 400)
    h, w = small.shape[:2]
    band = max(2, int(min(h, w) * 0.03))
    sides = [small[:band, :], small[-band:, :], small[:, :band], small[:, -band:]]
    dark_sides = sum(1 for side in sides if float(np.median(side)) < 150)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))  # the paper without print
    keep = np.ones_like(small, dtype=bool)
    keep[:band, :] = keep[-band:, :] = keep[:, :band] = keep[:, -band:] = False
    for x0, y0, x1, y1 in pictures:
        keep[int(y0 * scale):int(y1 * scale) + 1, int(x0 * scale):int(x1 * scale) + 1] = False
    paper = background[keep]
    spread = float(np.percentile(paper, 97) - np.percentile(paper, 3)) if paper.size else 0.0
    if dark_sides >= 3:
        return "本页像是拍摄的照片（纸张四周有深色背景）"
    if spread > 45:
        return f"本页像是拍摄的照片（纸面明暗不均，亮度相差 {spread:.0f} 级）"
    return ""


def _even_light(gray: np.ndarray, surround: bool) -> np.ndarray:
    """Divide out uneven lighting: the page over its paper brightness (print stays dark); with
    a dark ``surround``, everything outside the sheet turned white."""
    import cv2

    small, scale = _small(gray, 400)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    background = cv2.GaussianBlur(background, (0, 0), 5)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = gray.astype(np.float32) * 255.0 / np.maximum(background.astype(np.float32), 40.0)
    out = np.clip(out, 0, 255).astype(np.uint8)
    # the sheet: the largest bright region; the desk around it (and the sheet's edge, which
    # would read as a table's border) turned white
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if surround and contours:
        sheet = max(contours, key=cv2.contourArea)
        if cv2.contourArea(sheet) > small.shape[0] * small.shape[1] * 0.3:
            mask = np.zeros_like(small)
            cv2.drawContours(mask, [cv2.convexHull(sheet)], -1, 255, thickness=-1)
            mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
            mask = cv2.resize(mask, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST)
            out[mask == 0] = 255
    return out


def read_page(engine: Engine | None, page: Any, number: int, dpi: float = DPI, seconds: float = PAGE_SECONDS,
              carry: Any = None) -> PageResult:
    """One page read by OCR, or taken from the page cache (``engine`` None: the shared engine,
    loaded only when a page is not in the cache); ``carry`` (``borderless.Carry``): a table with
    no vertical rules left open at the previous page's foot, its columns (updated for the next page)."""
    started = time.monotonic()
    deadline = started + seconds
    result = PageResult(number=number)
    width, height = (float(v) for v in page.get_size())
    native = _image_dpi(page, (width, height))
    if native is not None and native < MIN_DPI:
        result.reason = f"扫描分辨率过低（约 {native:.0f} dpi，低于 {MIN_DPI} dpi），数字无法可靠识别，本页未读取"
        return result
    pixels = (width * dpi / 72.0) * (height * dpi / 72.0)
    if pixels > MAX_PIXELS:
        dpi = dpi * math.sqrt(MAX_PIXELS / pixels)
    gray, dark = _render_both(page, dpi)
    # ink: well darker than the paper (small print blurred at a low resolution stays grey)
    paper = float(np.median(gray))
    ink = float((gray < paper - 80).mean())
    if ink < 0.0005 and float((dark < paper - 80).mean()) < 0.0005:
        result.reason = "空白页（没有可识别的内容）"
        return result
    cache = PageCache.default()
    key = cache.key(gray, dark, dpi) if cache is not None else ""
    seen = cache.load(key) if cache is not None else None
    if seen is None:
        seen = _see(engine or Engine.shared(), gray, dark, deadline, seconds)
        if cache is not None and not seen.timed_out:  # a timeout depends on the machine's load, not the page
            cache.save(key, seen)
    remarks = list(seen.remarks)
    result.rotation, result.skew = seen.rotation, seen.skew
    if seen.matrix is not None:
        to_points = _ToPoints(seen.matrix, dpi, (width, height))
        result.blocks = _assemble(seen.grids, seen.pieces, number, to_points, carry, seen.height)
    if not result.blocks:
        remarks.append(seen.no_text)
    result.reason = "；".join(dict.fromkeys(remarks))
    result.seconds = time.monotonic() - started
    return result


@dataclass
class _Seen:
    """What OCR saw on a page before it is assembled into blocks: the text boxes as the
    recogniser read them (raw text, per-character confidences), the ruled grids, how the page
    was turned; what the page cache keeps."""

    remarks: list[str] = field(default_factory=list)
    no_text: str = ""  # the reason given when nothing is read from the page
    matrix: np.ndarray | None = None  # rendered pixel -> upright pixel (None: no text found)
    rotation: int = 0
    skew: float = 0.0
    grids: list[Any] = field(default_factory=list)
    pieces: list[_Piece] = field(default_factory=list)
    timed_out: bool = False
    height: int = 0  # the upright page's height in pixels (where a table left open runs off the page)


def _see(engine: Engine, gray: np.ndarray, dark: np.ndarray, deadline: float, seconds: float) -> _Seen:
    """Detect and recognise the text of a rendered page (the costly part of reading it)."""
    seen = _Seen()
    pictures, share = _pictures(dark)
    photo = _photo(gray, pictures)
    if photo:
        gray = _even_light(gray, surround="深色背景" in photo)
        seen.remarks.append(photo + "，已尽量识别，数字请对照原件核实")
    seen.no_text = _no_text_reason(gray, share)
    try:
        upright = _make_upright(engine, gray)
        if upright is None:
            return seen
        seen.rotation, seen.skew = upright.rotation, upright.skew
        if upright.rotation:
            seen.remarks.append(f"本页扫描{'倒置' if upright.rotation == 180 else '横置'}，已旋转 {upright.rotation}° 后识别")
        hidden = [] if share < PICTURE_SHARE else pictures
        if hidden:
            seen.remarks.append(f"本页含图表或图片（约占页面 {share * 100:.0f}%），图中的内容未作为文字或表格读取")
        seen.pieces = _recognise_pieces(engine, upright, deadline, hidden)
        seen.matrix, seen.grids, seen.height = upright.matrix, upright.grids, int(upright.gray.shape[0])
    except _PageTimeout:
        seen.pieces, seen.matrix, seen.grids, seen.timed_out = [], None, [], True
        seen.remarks.append(f"本页识别超过时间上限（{seconds:g} 秒），未读取")
    return seen


# ---- the page cache -----------------------------------------------------------------------------

CACHE_FORMAT = "3"  # bump when what a cache file holds changes
CACHE_STATS = {"hits": 0, "misses": 0}  # pages of this process read from / missing in the cache
DEFAULT_CACHE_MB = 256.0
# the code that decides what OCR sees on a page (its text boxes and their reading); a change to
# any of it (or to scan_tables.py, or another RapidOCR) makes new cache keys. Assembling the
# blocks (_assemble, _normalise, _text_lines, ...) runs on every read, cached or not.
# (rendering is not: the key is the rendered pixels themselves)
_SEEING = ("Engine", "_tune_session", "_to_bgr", "_box_rect", "_quad_shape", "_crop", "_rotate_quarter", "_small",
           "_straighten", "_map_quads", "_make_upright", "_skew", "_pictures", "_photo",
           "_even_light", "_no_text_reason", "_see", "_recognise_pieces", "_split_by_cells",
           "_second_look", "_well_formed", "_normalise", "_digit_confidences")  # which figures get a second look


class PageCache:
    """What OCR saw on each page, on disk (JSON, one file per page), keyed by the SHA-256 of the
    rendered page's pixels, the resolution and the version of the OCR code and models: opening
    the same scan again, or a report that differs from one read before on a few pages, costs
    no OCR for the pages seen before. Under ``auditor.cache.cache_root() / "ocr"``, bounded by
    ``AUDITOR_OCR_CACHE_MB`` (least recently used pages go first); ``AUDITOR_OCR_CACHE=0``
    turns it off. A damaged or foreign file is a miss, never an error."""

    def __init__(self, directory: Path, limit: int) -> None:
        self.directory = directory
        self.limit = limit

    @classmethod
    def default(cls) -> PageCache | None:
        if os.environ.get("AUDITOR_OCR_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
            return None
        from auditor.cache import cache_root, limit_bytes

        return cls(cache_root() / "ocr", limit_bytes("AUDITOR_OCR_CACHE_MB", DEFAULT_CACHE_MB))

    @staticmethod
    def key(gray: np.ndarray, dark: np.ndarray, dpi: float) -> str:
        digest = hashlib.sha256(f"{_cache_version()}|{dpi:.4f}|{gray.shape}|{dark.shape}".encode())
        digest.update(np.ascontiguousarray(gray).tobytes())
        digest.update(np.ascontiguousarray(dark).tobytes())
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / f"{key[:40]}.json"

    def load(self, key: str) -> _Seen | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != key or data.get("version") != _cache_version():
                raise ValueError("another page or version")
            seen = _seen_from_json(data)
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            # absent, damaged, foreign or stale: the page is read again (and the file rewritten)
            CACHE_STATS["misses"] += 1
            return None
        from auditor.cache import touch

        touch(path)
        CACHE_STATS["hits"] += 1
        return seen

    def save(self, key: str, seen: _Seen) -> None:
        import tempfile

        from auditor.cache import trim_cache

        path = self._path(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            payload = {"key": key, "version": _cache_version(), **_seen_to_json(seen)}
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):  # a cache that cannot be written only costs time next time
            return
        trim_cache(self.directory, self.limit, keep=path, pattern="*.json")


_VERSION: str | None = None


def _cache_version() -> str:
    """The format, RapidOCR's version (its models ship in its wheel) and the source of the code
    that decides what is seen."""
    global _VERSION
    if _VERSION is None:
        import inspect
        from importlib import metadata

        from auditor.ingest import scan_tables

        digest = hashlib.sha256(CACHE_FORMAT.encode())
        try:
            digest.update(metadata.version("rapidocr").encode())
        except metadata.PackageNotFoundError:
            pass
        digest.update(f"{DETECT_SIDE}|{REC_BATCH}|{REC_MIN_RATIO}|{PICTURE_SHARE}|{ALT_BELOW}|{CHECKED}|{SURE}|{DOUBTFUL}|{STRETCH}|{SECOND_LOOK_RATIO}".encode())
        module = sys.modules[__name__]
        for name in _SEEING:
            try:
                digest.update(inspect.getsource(getattr(module, name)).encode())
            except (OSError, TypeError):
                digest.update(name.encode())
        digest.update(Path(scan_tables.__file__).read_bytes())
        _VERSION = digest.hexdigest()[:16]
    return _VERSION


def _seen_to_json(seen: _Seen) -> dict[str, Any]:
    return {
        "remarks": list(seen.remarks),
        "no_text": seen.no_text,
        "matrix": None if seen.matrix is None else [[float(v) for v in row] for row in np.asarray(seen.matrix)],
        "rotation": int(seen.rotation),
        "skew": float(seen.skew),
        "grids": [{"xs": [int(x) for x in g.xs], "ys": [int(y) for y in g.ys],
                   "cells": [[int(c.row), int(c.col), [int(v) for v in c.box], [int(v) for v in c.owner]]
                             for c in g.cells.values()]} for g in seen.grids],
        "pieces": [[[float(v) for v in p.rect], None if p.owner is None else [int(v) for v in p.owner],
                    p.text, [float(c) for c in p.confidences], [[int(i), ch, float(q)] for i, ch, q in p.alternatives],
                    [[[float(v) for v in r], t, [float(c) for c in cs]] for r, t, cs in p.parts]]
                   for p in seen.pieces],
        "height": int(seen.height),
    }


def _seen_from_json(data: dict[str, Any]) -> _Seen:
    from auditor.ingest.scan_tables import Grid, GridCell

    matrix = None if data["matrix"] is None else np.asarray(data["matrix"], dtype=float)
    if matrix is not None and matrix.shape != (3, 3):
        raise ValueError("matrix")
    grids = []
    for g in data["grids"]:
        cells = {}
        for row, col, box, owner in g["cells"]:
            cells[(int(row), int(col))] = GridCell(int(row), int(col), tuple(int(v) for v in box),  # type: ignore[arg-type]
                                                   (int(owner[0]), int(owner[1])))
        grids.append(Grid([int(x) for x in g["xs"]], [int(y) for y in g["ys"]], cells))
    pieces = []
    for rect, owner, text, confidences, alternatives, parts in data["pieces"]:
        if len(rect) != 4 or not isinstance(text, str):
            raise ValueError("piece")
        pieces.append(_Piece(tuple(float(v) for v in rect), None if owner is None else tuple(int(v) for v in owner),  # type: ignore[arg-type]
                             text, [float(c) for c in confidences],
                             [(int(i), str(ch), float(q)) for i, ch, q in alternatives],
                             [(tuple(float(v) for v in r), str(t), [float(c) for c in cs]) for r, t, cs in parts]))  # type: ignore[misc]
    return _Seen(remarks=[str(r) for r in data["remarks"]], no_text=str(data["no_text"]), matrix=matrix,
                 rotation=int(data["rotation"]), skew=float(data["skew"]), grids=grids, pieces=pieces,
                 height=int(data["height"]))


def _no_text_reason(gray: np.ndarray, picture_share: float = 0.0) -> str:
    mid = float(((gray > 60) & (gray < 200)).mean())
    if picture_share >= PICTURE_SHARE:
        return f"本页是图表或图片（约占页面 {picture_share * 100:.0f}%），未识别到成行的文字，未读取"
    if mid > 0.25:
        return "本页像是照片或图表，未识别到成行的文字，未读取"
    return "本页未识别到文字（可能是图片、图表或印章页），未读取"


@dataclass
class _Piece:
    rect: tuple[float, float, float, float]
    owner: tuple[int, int, int] | None  # (grid, row, col) or None outside tables
    text: str = ""
    confidences: list[float] = field(default_factory=list)
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)  # as in Recognised
    # outside ruled tables: the box cut at wide blanks (two cells of a table with no vertical
    # rules read as one box), each part's rect, recognised text and confidences
    parts: list[tuple[tuple[float, float, float, float], str, list[float]]] = field(default_factory=list)


def _recognise_pieces(engine: Engine, upright: _Upright, deadline: float,
                      hidden: list[tuple[int, int, int, int]] | None = None) -> list[_Piece]:
    """The page's text boxes (cut at column rules) read by the recogniser, as read (not yet
    normalised), those outside ruled tables also cut at wide blanks; boxes inside ``hidden``
    areas (charts, pictures; in rendered-page pixels) are left out."""
    grids, clean = upright.grids, upright.clean
    if time.monotonic() > deadline:
        raise _PageTimeout()
    back = np.linalg.inv(upright.matrix)
    pieces: list[_Piece] = []
    for quad in upright.quads:
        rect = _box_rect(quad)
        if hidden:
            cx, cy, w = back @ np.array([(rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2, 1.0])
            cx, cy = cx / w, cy / w
            if any(x0 - 20 <= cx <= x1 + 20 and y0 - 20 <= cy <= y1 + 20 for x0, y0, x1, y1 in hidden):
                continue
        pieces.extend(_split_by_cells(rect, grids))
    crops = [_crop(clean, p.rect) for p in pieces]
    from auditor.ingest.scan_tables import cut_at_blanks  # tables with no vertical rules

    for piece, crop, read in zip(pieces, crops, engine.recognise(crops, deadline, [p.owner is not None for p in pieces])):
        piece.text, piece.confidences, piece.alternatives = read.text, read.confidences, read.alternatives
        if piece.owner is None:
            piece.parts = cut_at_blanks(crop, piece.rect, read.text, read.confidences, read.positions)
    _second_look(engine, pieces, crops, deadline)
    return pieces


def _assemble(grids: list[Any], read: list[_Piece], number: int, to_points: _ToPoints, carry: Any = None,
              height: int = 0) -> list[Block]:
    """The page's blocks from its recognised pieces: ruled tables, tables without vertical
    rules (``carry``: one left open at the previous page's foot), text lines, in reading order."""
    from auditor.ingest.scan_tables import borderless_tables, map_boxes

    pieces = []
    for raw in read:
        text, confidences = _normalise(*_correct_words(raw.text, list(raw.confidences), raw.alternatives))
        if text and np.mean(confidences) >= 0.3:
            pieces.append(_Piece(raw.rect, raw.owner, text, confidences, parts=raw.parts))
    items: list[tuple[float, Block]] = []
    for g_index, grid in enumerate(grids):
        table = _raw_table(grid, g_index, [p for p in pieces if p.owner and p.owner[0] == g_index], number, to_points)
        if table is not None:
            items.append((float(grid.ys[0]), table))
    outside = [p for p in pieces if p.owner is None]
    # read in the straightened page's points (columns line up there; the page as displayed
    # may be turned by the scan's skew), the cells' boxes then mapped to the page as displayed
    scale = to_points.scale
    words, whose = [], []
    for i, p in enumerate(outside):
        for rect, text, confidences in p.parts or [(p.rect, p.text, p.confidences)]:
            text, confidences = _normalise(text, confidences) if p.parts else (text, confidences)
            if text:
                whose.append(i)
                words.append({"text": text, **dict(zip(("x0", "top", "x1", "bottom"), (v * scale for v in rect))),
                              "digits": _digit_confidences(text, confidences)})
    found, took = borderless_tables(words, number, [g.box[1] * scale for g in grids], carry, height * scale)
    taken = {whose[k] for k in took}
    items += [(float(t.location.bbox[1]) / scale if t.location.bbox else 0.0,
               map_boxes(t, lambda box: to_points.bbox((box[0] / scale, box[1] / scale, box[2] / scale, box[3] / scale))))
              for t in found]
    outside = [p for i, p in enumerate(outside) if i not in taken]
    for line in _text_lines(outside, number, to_points):
        items.append((line[0], line[1]))
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


STRETCH = 1.25  # a figure read again from its crop widened by this much
SECOND_LOOK_RATIO = 12.0  # crops wider than this many times their height are not read again


def _second_look(engine: Engine, pieces: list[_Piece], crops: list[np.ndarray], deadline: float) -> None:
    """Figures read less than CHECKED sure of a digit are read again from the crop widened,
    which gives the recogniser more time steps per character (a narrow crop loses a point or
    a digit, or doubles one). A figure read malformed (a digit at most DOUBTFUL sure: "7,00.00")
    takes the second reading when that one is well formed, sure of every digit, and keeps
    every digit of the first, in order (it only adds what was lost). Two well-formed readings
    that differ keep the surer one, and the digits where they differ become unsure: which is
    right, the image does not tell, so a check failing on them is "可能为识别误差". The pieces
    hold what the recogniser read; a figure changed here holds its normalised reading (which
    ``_normalise`` leaves as it is when the page is assembled)."""
    import cv2

    from auditor.ingest.scan_tables import cut_at_blanks

    views = {i: _normalise(p.text, p.confidences) for i, p in enumerate(pieces) if p.text and p.confidences}
    # (one figure: a line of several, read as one box, would be a long input of its own)
    again = [i for i, (text, confidences) in views.items() if _NUMERIC.match(text)
             and crops[i].shape[1] <= SECOND_LOOK_RATIO * crops[i].shape[0]
             and (digits := _digit_confidences(text, confidences)) and min(digits) < CHECKED]
    if not again:
        return
    wide = [cv2.resize(crops[i], None, fx=STRETCH, fy=1.0, interpolation=cv2.INTER_CUBIC) for i in again]
    for i, read in zip(again, engine.recognise(wide, deadline, [True] * len(again))):
        piece = pieces[i]
        before, before_sure = views[i]
        text, confidences = _normalise(read.text, read.confidences)
        digits = _digit_confidences(text, confidences)
        if text == before or not digits:
            continue
        old = [ch for ch in before if ch.isdigit()]
        new = [ch for ch in text if ch.isdigit()]
        rest = iter(new)
        kept = all(ch in rest for ch in old)  # the first reading's digits, in order, within the second's
        formed = _well_formed(text)
        first = _digit_confidences(before, before_sure)
        repaired = min(first) <= DOUBTFUL  # the first reading was malformed
        take = formed and min(digits) >= SURE and (kept if repaired else min(digits) > min(first))
        differ = {k for k in range(max(len(old), len(new)))
                  if len(old) != len(new) or old[len(old) - 1 - k] != new[len(new) - 1 - k]}
        if take and not repaired:
            # two readings disagree: the digits where they differ (from the right) are unsure
            count = len(new)
            confidences = [min(c, DOUBTFUL) if ch.isdigit() and (count := count - 1) in differ else c
                           for ch, c in zip(text, confidences)]
        elif formed and not repaired and _well_formed(before) and not take:
            count = len(old)
            marked = [min(c, DOUBTFUL) if ch.isdigit() and (count := count - 1) in differ else c
                      for ch, c in zip(before, before_sure)]
            piece.text, piece.confidences, piece.alternatives = before, marked, []
            if len(piece.parts) == 1:
                piece.parts = [(piece.parts[0][0], before, marked)]
            continue
        if not take:
            continue
        piece.text, piece.confidences, piece.alternatives = text, confidences, []
        if piece.owner is None:
            piece.parts = cut_at_blanks(crops[i], piece.rect, read.text, read.confidences,
                                        [x / STRETCH for x in read.positions])
            if piece.parts and len(piece.parts) == 1:  # the unsure digits as the figure has them now
                piece.parts = [(piece.parts[0][0], text, confidences)]


def _well_formed(text: str) -> bool:
    return bool(_GROUPED.match(text)) or ("," not in text and bool(re.match(r"^[-−–]?\d+(?:\.\d+)?%?$", text)))


def _split_by_cells(rect: tuple[float, float, float, float], grids: list[Any]) -> list[_Piece]:
    """A text box inside a table, cut where it crosses a column rule (a detector box may run
    over a rule erased from the image), each part owned by the cell holding its centre."""
    x0, y0, x1, y1 = rect
    cy = (y0 + y1) / 2
    for g_index, grid in enumerate(grids):
        cell = grid.cell_at((x0 + x1) / 2, cy)
        if cell is None:
            continue
        cuts = [x0]
        for x in grid.xs[1:-1]:
            if x0 + 4 < x < x1 - 4:
                here = grid.cell_at(x - 3, cy)
                there = grid.cell_at(x + 3, cy)
                if here is not None and there is not None and here.owner != there.owner:
                    cuts.append(float(x))
        cuts.append(x1)
        result = []
        for a, b in zip(cuts, cuts[1:]):
            if b - a < 4:
                continue
            owner = grid.cell_at((a + b) / 2, cy)
            if owner is None:
                continue
            result.append(_Piece((a + (2 if a != x0 else 0), y0, b - (2 if b != x1 else 0), y1),
                                 (g_index, owner.row, owner.col)))
        return result
    return [_Piece(rect, None)]


_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－", "0123456789,.-")
# the recogniser's alphabet holds traditional forms too and sometimes picks one for a simplified
# character in print: the traditional forms of the characters of report titles, headers and
# row names, mapped to the simplified ones these reports are printed in
_TRADITIONAL = str.maketrans(
    "決預財撥總經費資產項數額計門單萬國庫結餘轉費補稅務險業發購買會議車輛應類與華營運標價質據實際調劑",
    "决预财拨总经费资产项数额计门单万国库结余转费补税务险业发购买会议车辆应类与华营运标价质据实际调剂")


# a comma before the last two digits cannot group thousands: a decimal point read as a comma
_COMMA_POINT = re.compile(r"^[-−–]?\d[\d,]*,\d{2}%?$")
# a figure with thousands separators grouped right (any other grouping is a misread figure)
_GROUPED = re.compile(r"^[-−–]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?$")
# thousands separators read as points ("63.814.92"): a figure has one point, the last
_POINT_GROUPS = re.compile(r"^[-−–]?\d{1,3}(?:[.,]\d{3})+\.\d{2}%?$")
# thousands grouped, then five digits and no point: the point before the last two was not seen
_LOST_POINT = re.compile(r"^[-−–]?\d{1,3}(?:,\d{3})*,\d{5}%?$")
DOUBTFUL = 0.5  # the confidence given to digits whose reading was repaired (checks treat them as unsure)
SURE = 0.90  # a digit read at least this sure is not doubted by the checks (checks/ocr_doubt.py)
CHECKED = 0.98  # a figure with a digit read less sure than this is read a second time


WORD_GAIN = 3.0  # how much likelier (natural log) the text must become to take the next best reading
ALT_MIN = 0.02  # the least probability a next best reading must have to be considered


def _is_han(ch: str) -> bool:
    return len(ch) == 1 and "\u4e00" <= ch <= "\u9fff"


_LANGUAGE: Any = None


def _language() -> Any:
    """jieba's word list (a dependency of the package: its dictionary ships inside it)."""
    global _LANGUAGE
    if _LANGUAGE is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.dt.check_initialized()
        _LANGUAGE = jieba.dt
    return _LANGUAGE


def _plausibility(text: str) -> float:
    """The log probability of the likeliest segmentation of ``text`` into words."""
    words = _language()
    route: dict[int, tuple[float, int]] = {}
    words.calc(text, words.get_DAG(text), route)
    return float(route[0][0])


def _correct_words(text: str, confidences: list[float], alternatives: list[tuple[int, str, float]]) -> tuple[str, list[float]]:
    """A Chinese character the recogniser was unsure of, replaced by its next best reading when
    that makes the words around it far likelier (a noisy channel: the word list's probability
    of the text times the recogniser's probability of the character; 部内决算 with 门 as the
    next best reading of 内 becomes 部门决算). Only a Chinese character for a Chinese character:
    digits are never changed here (an unsure digit stays unsure, for the checks to weigh)."""
    if not alternatives or len(confidences) != len(text):
        return text, confidences
    chars = list(text.translate(_TRADITIONAL))  # 部門 is 部门 before any word is weighed
    for index, other, probability in alternatives:
        if not 0 <= index < len(chars) or probability < ALT_MIN:
            continue
        other = other.translate(_TRADITIONAL)
        if not (_is_han(chars[index]) and _is_han(other)) or other == chars[index]:
            continue
        start, end = max(0, index - 4), min(len(chars), index + 5)
        before = "".join(chars[start:end])
        after = "".join(chars[start:index]) + other + "".join(chars[index + 1:end])
        try:
            gain = _plausibility(after) - _plausibility(before)
        except Exception:  # noqa: BLE001 - no word list: keep what was read
            return "".join(chars), confidences
        gain += math.log(probability) - math.log(max(confidences[index], 1e-6))
        if gain >= WORD_GAIN:
            chars[index] = other
            confidences[index] = probability
    return "".join(chars), confidences


def _normalise(text: str, confidences: list[float]) -> tuple[str, list[float]]:
    """Full-width digits to ASCII; spaces inside a number dropped (with their confidences); a
    point misread as a comma ("301,05") put back, its decimals marked unsure."""
    text = text.translate(_FULLWIDTH).translate(_TRADITIONAL)
    if _NUMERIC.match(text) and " " in text:
        kept = [(ch, c) for ch, c in zip(text, confidences) if ch != " "]
        text, confidences = "".join(ch for ch, _ in kept), [c for _, c in kept]
    if _COMMA_POINT.match(text.strip()) and "." not in text:
        at = text.rindex(",")
        text = text[:at] + "." + text[at + 1:]
        confidences = [min(c, DOUBTFUL) if i > at else c for i, c in enumerate(confidences)]
    if text.count(".") >= 2 and _POINT_GROUPS.match(text.strip()):
        last = text.rindex(".")
        text = text[:last].replace(".", ",") + text[last:]
    if _LOST_POINT.match(text.strip()):
        at = len(text.rstrip().rstrip("%")) - 2
        text = text[:at] + "." + text[at:]
        confidences = [min(c, DOUBTFUL) if i >= at - 1 else c for i, c in enumerate(confidences[:at])] + [DOUBTFUL] + \
            [min(c, DOUBTFUL) for c in confidences[at:]]
    if "," in text and _NUMERIC.match(text.strip()) and not _GROUPED.match(text.strip()):
        # "7,00.00", "10,447,4000": a digit or the point was lost or added; which, the figure
        # cannot tell: every digit unsure
        confidences = [min(c, DOUBTFUL) for c in confidences]
    stripped = text.strip()
    if stripped != text:
        start = len(text) - len(text.lstrip())
        confidences = confidences[start:start + len(stripped)]
    return stripped, confidences


def _aligned(text: str, confidences: list[float]) -> list[float | None]:
    """One confidence per character of ``text`` (rounded as the cells' are; None where the
    recogniser gave none)."""
    sure: list[float | None] = [round(float(c), 4) for c in confidences[:len(text)]]
    return sure + [None] * (len(text) - len(sure))


def _digit_confidences(text: str, confidences: list[float]) -> tuple[float, ...]:
    return tuple(round(c, 4) for ch, c in zip(text, confidences) if ch.isdigit())


def _raw_table(grid: Any, g_index: int, pieces: list[_Piece], number: int, to_points: _ToPoints) -> RawTable | None:
    by_cell: dict[tuple[int, int], list[_Piece]] = {}
    for p in pieces:
        assert p.owner is not None
        by_cell.setdefault((p.owner[1], p.owner[2]), []).append(p)
    rows: list[list[RawCell]] = []
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    for r in range(n_rows):
        row: list[RawCell] = []
        for c in range(n_cols):
            cell = grid.cells[(r, c)]
            if not cell.is_owner:
                row.append(RawCell(text="", location=Location(page=number, bbox=None)))
                continue
            inside = by_cell.get((r, c), [])
            text, confidences = _join_pieces(inside)
            digits = _digit_confidences(text, confidences)
            raw = RawCell(text=text, location=Location(page=number, bbox=to_points.bbox(grid.merged_box((r, c)))))
            if digits:
                raw.confidence = min(digits)
                raw.digit_confidence = digits
            row.append(raw)
        rows.append(row)
    if not any(c.text for row in rows for c in row):
        return None
    return RawTable(rows=rows, location=Location(page=number, bbox=to_points.bbox(grid.box)))


def _join_pieces(pieces: list[_Piece]) -> tuple[str, list[float]]:
    """The text of a cell: pieces on one line joined left to right, lines joined by newlines."""
    lines = _group_lines(pieces)
    text = ""
    confidences: list[float] = []
    for i, line in enumerate(lines):
        if i:
            text += "\n"
            confidences.append(1.0)
        for p in line:
            text += p.text
            confidences.extend(p.confidences)
    return text, confidences


def _group_lines(pieces: list[_Piece]) -> list[list[_Piece]]:
    lines: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: (p.rect[1] + p.rect[3]) / 2):
        centre = (p.rect[1] + p.rect[3]) / 2
        if lines:
            last = lines[-1]
            top = min(q.rect[1] for q in last)
            bottom = max(q.rect[3] for q in last)
            if top <= centre <= bottom:
                last.append(p)
                continue
        lines.append([p])
    return [sorted(line, key=lambda p: p.rect[0]) for line in lines]


def _title_vocabulary() -> tuple[list[str], set[str]]:
    """The standard table titles (phrases ending in 表) and every character of any title word."""
    from auditor.ingest.recognize import BUDGET_RULES, OTHER_TITLE_WORDS, TITLE_RULES

    words = [w for rule in TITLE_RULES for w in rule.all_of] + list(OTHER_TITLE_WORDS)
    words += [w for _, groups, _ in BUDGET_RULES for group in groups for w in ([group] if isinstance(group, str) else group)]
    titles = sorted({w for w in words if w.endswith("表") and len(w) >= 4}, key=len, reverse=True)
    return titles, {ch for w in words for ch in w}


def _fix_title(text: str) -> str:
    """A table title with one misread character put right: in a short line holding 表, a run one
    character away from a standard title, where the character read belongs to no title word
    at all (so 收入预算表 is never made 收入决算表, but 攻入决算表 becomes 收入决算表)."""
    if len(text) > 30 or "表" not in text:
        return text
    titles, alphabet = _title_vocabulary()
    for title in titles:
        if title in text:
            return text
        n = len(title)
        for start in range(0, len(text) - n + 1):
            window = text[start:start + n]
            wrong = [i for i in range(n) if window[i] != title[i]]
            if len(wrong) != 1 or window[wrong[0]] in alphabet:
                continue
            if wrong[0] == n - 1 and "表" in text[start + n:]:
                continue  # the title goes on past the window (…决算明细表 is not …决算表 misread)
            return text[:start] + title + text[start + n:]
    return text


# a line that starts a heading, a numbered item or a table's 部门 / 单位 line never continues the
# line above (as in the text-layer reader)
_STARTS_HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}、"
                             r"|(?:编制)?(?:部门|单位)(?:名称)?\s*[:：])")
_HAN = "\u4e00-\u9fff"
# half-width marks the recogniser reads for the full-width ones of Chinese print: a comma or
# colon not between two digits (1,234.00 and 10:30 keep theirs), a semicolon, brackets in a
# line of Chinese, a full stop after a Chinese character and not before a digit
_PUNCTUATION = (
    (re.compile(r"(?<!\d),|,(?!\d)"), "，"),
    (re.compile(r"(?<!\d):|:(?!\d)"), "："),
    (re.compile(r";"), "；"),
    (re.compile(rf"(?<=[{_HAN}])\.(?!\d)"), "。"),
)


def _punctuate(text: str) -> str:
    """A line of Chinese text with the half-width marks the recogniser read put back to the
    full-width ones print uses (digits and their confidences are untouched: the text keeps its
    length, each mark is replaced by one mark)."""
    if not re.search(f"[{_HAN}]", text):
        return text
    for pattern, mark in _PUNCTUATION:
        text = pattern.sub(mark, text)
    return text.replace("(", "（").replace(")", "）")


def _left_margin(lefts: list[float], tolerance: float) -> float | None:
    """The body's left edge: the smallest left shared (within ``tolerance``) by at least two
    lines (a lone line further left is an outlier); None when no two lines share one (a cover,
    centred lines: no body to wrap in)."""
    for x in sorted(lefts):
        if sum(1 for other in lefts if abs(other - x) <= tolerance) >= 2:
            return x
    return None


def _text_lines(pieces: list[_Piece], number: int, to_points: _ToPoints) -> list[tuple[float, TextLine]]:
    """Lines of text outside tables, wrapped lines of a paragraph joined (as the text-layer
    reader does: a line starting at the left margin, where paragraphs' first lines are
    indented, continues one that ran most of the way to the right)."""
    lines = _group_lines(pieces)
    if not lines:
        return []
    rows = []
    for line in lines:
        height = float(np.median([p.rect[3] - p.rect[1] for p in line]))
        text = ""
        sure: list[float | None] = []  # each character's confidence, aligned with text
        for i, p in enumerate(line):
            if i and p.rect[0] - line[i - 1].rect[2] > height * 1.2:
                text += " "
                sure.append(None)
            text += p.text
            sure += _aligned(p.text, p.confidences)
        rect = (min(p.rect[0] for p in line), min(p.rect[1] for p in line),
                max(p.rect[2] for p in line), max(p.rect[3] for p in line))
        fixed = _fix_title(_punctuate(text))  # both keep the text's length
        if len(fixed) != len(text):
            sure = [None] * len(fixed)
        rows.append((fixed, rect, height, sure))
    char = float(np.median([r[2] for r in rows])) or 20.0
    margin = _left_margin([r[1][0] for r in rows], char * 0.4)
    right = max(r[1][2] for r in rows)
    result: list[tuple[float, TextLine]] = []
    boxes: list[list[BBox | None]] = []
    previous: tuple[str, tuple[float, float, float, float], float] | None = None
    for text, rect, height, sure in rows:
        joins = (
            previous is not None
            and margin is not None
            and not _STARTS_HEADING.match(text)
            and abs(rect[0] - margin) <= char * 0.8
            and previous[1][2] >= right - char * 5
            # the line before began a paragraph (at the margin or its first-line indent), not a
            # centred title ("…预算表（经济科目）" over "公开表六")
            and previous[1][0] - margin <= char * 2.6
            and rect[1] - previous[1][3] <= char * 1.2
            # about the same size of print (the box of a line of a character or two, "出。", is
            # no measure of it)
            and (len(text) <= 3 or 0.7 <= height / max(previous[2], 1.0) <= 1.45)
        )
        box = to_points.bbox(rect)
        if joins and result:
            result[-1][1].text += text
            if result[-1][1].char_confidence is not None:
                result[-1][1].char_confidence += sure
            boxes[-1].append(box)
            result[-1][1].location = Location(page=number, bbox=union_bbox(boxes[-1]))
        else:
            result.append((rect[1], TextLine(text=text, location=Location(page=number, bbox=box),
                                             char_confidence=list(sure))))
            boxes.append([box])
        previous = (text, rect, height)
    return result


# ---- whole files ----------------------------------------------------------------------------------

PROGRESS_FILE: contextvars.ContextVar[str | None] = contextvars.ContextVar("auditor_ocr_progress", default=None)


def progress_line(done: int, total: int, number: int, seconds: float, reason: str) -> str:
    """The Chinese progress line for one page read (CLI, UI)."""
    tail = f"：{reason}" if reason else ""
    return f"OCR 识别 {done}/{total}：第 {number} 页，用时 {seconds:.1f} 秒{tail}"


def _sinks(progress: ProgressFunc | None) -> list[Callable[[int, int, int, float, str], None]]:
    """Where per-page progress goes: the caller's function; stderr when AUDITOR_OCR_PROGRESS=1
    (the CLI); a JSON-lines file when PROGRESS_FILE is set (the UI, across the bounded child
    process)."""
    sinks: list[Callable[[int, int, int, float, str], None]] = []
    if progress is not None:
        sinks.append(lambda _done, total, number, seconds, reason: progress(number, total, seconds, reason))
    if os.environ.get("AUDITOR_OCR_PROGRESS") == "1":
        sinks.append(lambda done, total, number, seconds, reason: print(
            progress_line(done, total, number, seconds, reason), file=sys.stderr, flush=True))
    target = PROGRESS_FILE.get()
    if target:
        def to_file(done: int, total: int, number: int, seconds: float, reason: str) -> None:
            try:
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps({"done": done, "total": total, "page": number,
                                             "seconds": round(seconds, 2), "reason": reason}, ensure_ascii=False) + "\n")
            except OSError:
                pass  # progress is a courtesy: never stop reading for it

        sinks.append(to_file)
    return sinks


def load_with_progress(path: Any, max_pages: int | None, progress_file: str) -> Any:
    """``load_report`` with OCR progress appended to ``progress_file`` (JSON lines); importable,
    so it also runs in a spawned bounded child."""
    from auditor.ingest import load_report

    token = PROGRESS_FILE.set(progress_file)
    try:
        return load_report(path, max_pages=max_pages)
    finally:
        PROGRESS_FILE.reset(token)


def read_progress(progress_file: Path | str) -> list[dict[str, Any]]:
    """The progress rows written so far (a torn last line is skipped)."""
    rows = []
    try:
        text = Path(progress_file).read_text(encoding="utf-8")
    except OSError:
        return []
    for line in text.splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows


def ocr_pages(path: Path, numbers: Iterable[int], dpi: float = DPI, progress: ProgressFunc | None = None,
              seconds: float = PAGE_SECONDS) -> list[PageResult]:
    """OCR the given 1-based pages of a PDF."""
    import pypdfium2 as pdfium

    _need_engine()
    sinks = _sinks(progress)
    wanted = list(numbers)
    results: list[PageResult] = []
    pdf = pdfium.PdfDocument(str(path))
    from auditor.ingest.borderless import Carry

    carry = Carry()  # a table with no vertical rules going on over the next page
    try:
        for number in wanted:
            if results and number != results[-1].number + 1:
                carry = Carry()
            page = pdf[number - 1]
            try:
                result = read_page(None, page, number, dpi=dpi, seconds=seconds, carry=carry)  # the model loads on a cache miss
            finally:
                page.close()
            results.append(result)
            if not result.blocks:
                carry = Carry()
            for sink in sinks:
                sink(len(results), len(wanted), number, result.seconds, result.reason)
    finally:
        pdf.close()
    return results


def read_scanned_pdf(path: Path | str, max_pages: int | None = None, dpi: float = DPI,
                     progress: ProgressFunc | None = None) -> Document:
    """A PDF read by OCR, every page (image-only files, or ``--ocr always``)."""
    import pypdfium2 as pdfium

    from auditor.ingest.pdf import DEFAULT_MAX_PAGES

    path = Path(path)
    _need_engine()
    data = path.read_bytes()
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # noqa: BLE001 - pdfium raises its own error kinds
        raise InputError(f"PDF 文件已损坏或不完整，无法打开（{type(exc).__name__}）", kind="corrupt") from exc
    try:
        count = len(pdf)
        sizes = {i + 1: tuple(float(v) for v in pdf[i].get_size()) for i in range(count)}
    finally:
        pdf.close()
    limit = max_pages or DEFAULT_MAX_PAGES
    if count > limit:
        raise InputError(f"PDF 共 {count} 页，超过上限 {limit} 页（可用 --max-pages 调整）", kind="too_large")
    results = ocr_pages(path, range(1, count + 1), dpi=dpi, progress=progress)
    blocks = [b for r in results for b in r.blocks]
    if not blocks:
        reasons = "；".join(f"第 {r.number} 页{r.reason}" for r in results if r.reason)[:300]
        raise InputError(f"扫描件，无文本层，OCR 也未识别出文字（{reasons}）", kind="scanned")
    return Document(
        blocks=blocks,
        source=str(path),
        source_kind="pdf",
        page_count=count,
        sha256=hashlib.sha256(data).hexdigest(),
        page_sizes={k: (v[0], v[1]) for k, v in sizes.items()},
        page_notes={r.number: r.reason for r in results if r.reason},
        ocr_pages=[r.number for r in results if r.blocks],
    )


def add_scanned_pages(path: Path, blocks: list[Block], numbers: list[int]) -> tuple[list[Block], dict[int, str]]:
    """A mixed file: OCR the pages without a text layer and put their blocks in page order.
    Returns the blocks and the per-page reasons (an empty dict when every page was read)."""
    if not available():
        return blocks, {n: "扫描页（无文本层），未安装 OCR 组件（pip install 'auditor[ocr]'），未读取" for n in numbers}
    results = ocr_pages(path, numbers)
    merged = list(blocks) + [b for r in results for b in r.blocks]
    merged.sort(key=lambda b: b.location.page or 0)  # stable: each page keeps its reading order
    return merged, {r.number: r.reason for r in results if r.reason}


def attach_confidence(report: Any, doc: Document) -> None:
    """Copy each OCR'd cell's confidence onto the report's cells (matched by location)."""
    known: dict[Location, RawCell] = {}
    for block in doc.blocks:
        if isinstance(block, RawTable):
            for row in block.rows:
                for cell in row:
                    if cell.confidence is not None and cell.location.bbox is not None:
                        known[cell.location] = cell
    if not known:
        return
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells.values():
                raw = known.get(cell.location)
                if raw is not None:
                    cell.confidence = raw.confidence
                    cell.digit_confidence = raw.digit_confidence
        for grid_row in table.grid or []:
            for index, grid_cell in enumerate(grid_row):
                raw = known.get(grid_cell.location)
                if raw is not None:
                    grid_row[index] = replace(grid_cell, confidence=raw.confidence)

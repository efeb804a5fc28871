"""A place's media: images, video and audio files, and YouTube or Vimeo videos.

An upload is known by its content, never its name: the first bytes must be a container's
signature (MP4's ``ftyp``, WebM's EBML header, ``OggS``, MP3's ``ID3`` or frame sync,
``RIFF....WAVE``) or an image's, which Pillow then reads. Each kind has its own size limit,
checked before anything is decoded. SVG is refused (it can carry script), and so is any
address but http(s). A YouTube or Vimeo link is kept as the editor gave it, but only the video
id parsed from it reaches a page: the player's address is built from that id, on the
privacy-enhanced hosts (``youtube-nocookie.com``, ``player.vimeo.com``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import warnings
from dataclasses import asdict, dataclass
from typing import Iterable
from urllib.parse import parse_qs, urlsplit

IMAGE, VIDEO, AUDIO, LINK = "image", "video", "audio", "link"
MEDIA_KINDS = (IMAGE, VIDEO, AUDIO, LINK)
MEDIA_KIND_LABELS = {IMAGE: "Image", VIDEO: "Video file (MP4, WebM, Ogg)",
                     AUDIO: "Audio file (MP3, WAV, Ogg, M4A)", LINK: "YouTube or Vimeo video"}
MB = 1024 * 1024
MAX_BYTES = {IMAGE: 10 * MB, AUDIO: 20 * MB, VIDEO: 40 * MB}
"""An upload's largest size by kind: a photograph, a few minutes of speech, a short clip."""
MAX_UPLOAD_BYTES = max(MAX_BYTES.values())
INLINED = "inlined:"
"""What a page names an upload by when it carries the upload once, elsewhere in the page (an exported
file: export.InlineUploads)."""
MAX_ITEMS = 4
"""A short ordered list per place, as StoryMapJS and ArcGIS authors expect: more is a gallery."""
MAX_CAPTION, MAX_CREDIT, MAX_ALT = 500, 200, 300
MAX_IMAGE_PIXELS = 40_000_000
"""An image decoded is width x height x 4 bytes: 40 megapixels is 160 MB, ample for a photograph."""
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "video/mp4": "mp4", "video/webm": "webm", "video/ogg": "ogv", "audio/mpeg": "mp3",
              "audio/wav": "wav", "audio/ogg": "ogg", "audio/mp4": "m4a"}
"""Every type an upload may be stored as, with the file name ending the app serves it under."""


@dataclass(frozen=True)
class Media:
    """One of a place's media: its address (``https://...`` or ``media:<sha256>``), what it is,
    and what readers are told of it (the alt text stands in for an image that cannot be seen)."""

    url: str
    caption: str = ""
    credit: str = ""
    alt: str = ""
    kind: str = IMAGE

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "Media":
        return cls(**{k: values.get(k, "") for k in ("url", "caption", "credit", "alt")},
                   kind=values.get("kind", IMAGE))


def legacy_media(url: str, caption: str, credit: str, name: str) -> list[dict]:
    """A place's one image as Storymap stored it before lists of media (story files of version 1,
    the store before migration 0004): the caption served as its alt text, else the place's name."""
    if not url:
        return []
    return [Media(url, caption, credit, (caption or f"Image of {name}")[:MAX_ALT]).to_dict()]


def kind_of(mime: str) -> str:
    """The kind of media an upload's type is ("audio/mpeg" -> audio)."""
    return mime.split("/", 1)[0]


# --- uploads, by content ---

_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_STILL_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis")
_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ")
FORMATS_NAMED = "images (PNG, JPEG, GIF, WebP), video (MP4, WebM, Ogg) or audio (MP3, WAV, Ogg, M4A)"


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 set bits, a layer, a bitrate and a sample rate that exist."""
    return (len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0
            and head[1] & 0x18 != 0x08 and head[2] >> 4 not in (0, 15) and head[2] & 0x0C != 0x0C)


def _signature(data: bytes) -> str:
    """The MIME type the first bytes announce (``image/`` for any image, which Pillow then names);
    ValueError for what Storymap does not show."""
    head = data[:64]
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in (b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe"):
        raise ValueError("The file is a program, not an image, a video or an audio file.")
    if head.startswith(_IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image/"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _STILL_BRANDS:
            raise ValueError("HEIC and AVIF images are not shown by every browser; save it as JPEG or PNG.")
        if brand == b"qt  ":
            raise ValueError("QuickTime (.mov) files do not play in every browser; export it as MP4.")
        return "audio/mp4" if brand in _AUDIO_BRANDS else "video/mp4"
    if head.startswith(b"\x1aE\xdf\xa3"):
        if b"webm" not in data[:64]:
            raise ValueError("Matroska (.mkv) files do not play in every browser; save it as WebM or MP4.")
        return "video/webm"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"\x80theora" in data[:512] else "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or _mp3_frame(head):
        return "audio/mpeg"
    if b"<svg" in data[:1024].lower():  # only now: an image's metadata may quote markup, and is no SVG
        raise ValueError("SVG images are refused: they can carry script. Upload a PNG or JPEG instead.")
    raise ValueError(f"The file is not one Storymap can show: {FORMATS_NAMED}.")


def _image_type(data: bytes) -> str:
    """An image's MIME type once Pillow has read its header and checked its data (the pixel count
    first, so a small file claiming to be enormous, a decompression bomb, costs nothing)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValueError(f"The image is {width:,} x {height:,} pixels; the limit is "
                                     f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels.")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(f"The image claims more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels.") from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValueError("The file is not an image Storymap can read (PNG, JPEG, GIF or WebP).") from None
    if kind not in IMAGE_TYPES:
        raise ValueError(f"Images must be PNG, JPEG, GIF or WebP, not {kind}.")
    return IMAGE_TYPES[kind]


def check_upload(data: bytes) -> str:
    """The upload's MIME type, or ValueError saying why it is refused. Sizes are checked before
    anything is decoded: the largest of any kind first, then the kind's own."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(f"The file is {len(data) / MB:.1f} MB; uploads are at most {MAX_UPLOAD_BYTES // MB} MB "
                         f"(images {MAX_BYTES[IMAGE] // MB} MB, audio {MAX_BYTES[AUDIO] // MB} MB, "
                         f"video {MAX_BYTES[VIDEO] // MB} MB).")
    if not data:
        raise ValueError("The file is empty.")
    mime = _signature(data)
    kind = kind_of(mime)
    if len(data) > MAX_BYTES[kind]:
        raise ValueError(f"The {kind} is {len(data) / MB:.1f} MB; {kind} files are at most {MAX_BYTES[kind] // MB} MB.")
    return _image_type(data) if kind == IMAGE else mime


# --- uploads in a story file ---

def packed(uploads: Iterable[tuple[str, str, bytes]]) -> dict[str, dict[str, str]]:
    """Uploads as a story file carries them: under their sha256, their type and their bytes in base64."""
    return {digest: {"mime": mime, "data": base64.b64encode(data).decode("ascii")} for digest, mime, data in uploads}


def unpacked(uploads: dict[str, dict[str, str]]) -> list[tuple[str, str, bytes]]:
    """A story file's uploads as (sha256, type, bytes), each checked as an upload is: a file edited by
    hand or cut short is refused, and a type is what the content says, not what the file claims."""
    found = []
    for digest, item in uploads.items():
        try:
            data = base64.b64decode(item["data"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"The upload {digest[:12]}… in this file is not base64 data.") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"The upload {digest[:12]}… does not match its address: the file was changed or cut short.")
        try:
            found.append((digest, check_upload(data), data))
        except ValueError as exc:
            raise ValueError(f"The upload {digest[:12]}… in this file is refused: {exc}") from None
    return found


# --- YouTube and Vimeo ---

@dataclass(frozen=True)
class VideoLink:
    """A video on YouTube or Vimeo, known by its id alone."""

    provider: str  # "YouTube" or "Vimeo"
    id: str

    @property
    def player(self) -> str:
        """The embedded player's address, on the provider's privacy-enhanced host."""
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.id}"
        return f"https://player.vimeo.com/video/{self.id}?dnt=1"

    @property
    def page(self) -> str:
        """The video's own page, for readers offline or who prefer it."""
        if self.provider == "YouTube":
            return f"https://www.youtube.com/watch?v={self.id}"
        return f"https://vimeo.com/{self.id}"


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def video_link(url: str) -> VideoLink:
    """The YouTube or Vimeo video an address names; ValueError for any other address."""
    parts = urlsplit(str(url).strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError("A video link is an https:// address of a YouTube or Vimeo video.")
    path = [p for p in parts.path.split("/") if p]
    if host == "youtu.be" or host in _YOUTUBE_HOSTS:
        if host == "youtu.be":
            candidate = path[0] if path else ""
        elif path[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        else:
            candidate = path[1] if len(path) >= 2 and path[0] in ("embed", "shorts", "live", "v") else ""
        if _YOUTUBE_ID.fullmatch(candidate):
            return VideoLink("YouTube", candidate)
        raise ValueError("That YouTube address names no video (a video's address has watch?v=… or youtu.be/…).")
    if host in _VIMEO_HOSTS:
        candidate = path[1] if host == "player.vimeo.com" and path[:1] == ["video"] and len(path) > 1 else \
            (path[0] if len(path) == 1 or (len(path) == 2 and _VIMEO_ID.fullmatch(path[0])) else "")
        if _VIMEO_ID.fullmatch(candidate):
            return VideoLink("Vimeo", candidate)
        raise ValueError("That Vimeo address names no video (a video's address is vimeo.com/ and its number).")
    raise ValueError("Only YouTube and Vimeo videos are shown as players; link other videos as video files.")


def check_item(item: dict) -> None:
    """What the story schema cannot say of one media item: ValueError in words for an editor."""
    kind, url = item.get("kind", IMAGE), str(item.get("url", ""))
    if kind == LINK:
        if url.startswith("media:"):
            raise ValueError("A YouTube or Vimeo video is given by its address, not uploaded.")
        video_link(url)
    if kind == IMAGE and not str(item.get("alt", "")).strip():
        raise ValueError("An image needs alt text: a sentence saying what it shows, for readers who cannot see it.")

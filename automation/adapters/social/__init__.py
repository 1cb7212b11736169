"""One adapter per platform; each implements `automation.ports.Platform`.

Build them with `automation.publisher.build_platform(name, config)`.
"""

from __future__ import annotations

from automation.adapters.social.base import Adapter
from automation.adapters.social.facebook import FacebookPlatform
from automation.adapters.social.instagram import InstagramPlatform
from automation.adapters.social.tiktok import TikTokPlatform
from automation.adapters.social.x import XPlatform
from automation.adapters.social.youtube import YouTubePlatform

ADAPTERS: dict[str, type[Adapter]] = {
    "instagram": InstagramPlatform,
    "facebook": FacebookPlatform,
    "x": XPlatform,
    "youtube": YouTubePlatform,
    "tiktok": TikTokPlatform,
}

__all__ = ["ADAPTERS", "FacebookPlatform", "InstagramPlatform", "TikTokPlatform", "XPlatform", "YouTubePlatform"]

"""One adapter per platform; each implements `automation.publisher.Platform`.

Build them with `automation.publisher.build_platform(name, config)`.
"""

from __future__ import annotations

from automation.adapters.social.facebook import FacebookPlatform
from automation.adapters.social.instagram import InstagramPlatform
from automation.adapters.social.tiktok import TikTokPlatform
from automation.adapters.social.x import XPlatform
from automation.adapters.social.youtube import YouTubePlatform
from automation.publisher import Adapter

ADAPTERS: dict[str, type[Adapter]] = {
    "instagram": InstagramPlatform,
    "facebook": FacebookPlatform,
    "x": XPlatform,
    "youtube": YouTubePlatform,
    "tiktok": TikTokPlatform,
}

__all__ = ["ADAPTERS", "FacebookPlatform", "InstagramPlatform", "TikTokPlatform", "XPlatform", "YouTubePlatform"]

"""One adapter per platform; each implements `automation.publisher.Platform`.

Build them with `automation.publisher.build_platform(name, config)`.
"""

from __future__ import annotations

from automation.platforms.facebook import FacebookPlatform
from automation.platforms.instagram import InstagramPlatform
from automation.platforms.tiktok import TikTokPlatform
from automation.platforms.x import XPlatform
from automation.platforms.youtube import YouTubePlatform

ADAPTERS = {
    "instagram": InstagramPlatform,
    "facebook": FacebookPlatform,
    "x": XPlatform,
    "youtube": YouTubePlatform,
    "tiktok": TikTokPlatform,
}

__all__ = ["ADAPTERS", "FacebookPlatform", "InstagramPlatform", "TikTokPlatform", "XPlatform", "YouTubePlatform"]
